//! Creating a Welcome (RFC 9420 §12.4.3.1).

use mls_codec::{
    EncryptedGroupSecrets, GroupInfo, GroupSecrets, HpkeCiphertext, KeyPackage, PathSecret,
    PreSharedKeyId, VLBytes, Welcome,
};
use mls_crypto::labeled::{encrypt_with_label_prepared, prepare_encrypt_context};
use mls_crypto::{CipherSuiteProvider, Secret};
use mls_keyschedule::{JoinerSecret, WelcomeSecret};
use zeroize::Zeroizing;

use crate::key_package::KeyPackageRef;
use crate::{KeyPackageError, Misuse, Result};

/// The HPKE label of the GroupSecrets (RFC 9420 §12.4.3.1).
pub(crate) const WELCOME_LABEL: &[u8] = b"Welcome";

/// One new member of a Welcome: its KeyPackage (already validated by the
/// caller, RFC 9420 §10.1) and, when the Commit had a path, the path secret
/// of the lowest common ancestor of the committer's and the new member's
/// leaves (RFC 9420 §12.4.3.1).
#[derive(Clone, Copy, Debug)]
pub struct WelcomeRecipient<'a> {
    /// The new member's KeyPackage.
    pub key_package: &'a KeyPackage,
    /// The path secret for the new member, if the Commit had a path.
    pub path_secret: Option<&'a Secret>,
}

/// Create the Welcome of a new epoch (RFC 9420 §12.4.3.1).
///
/// `group_info` is the signed GroupInfo of the new epoch; `joiner_secret`
/// and `welcome_secret` are that epoch's (from
/// `mls_keyschedule::EpochKeys`: `&keys.joiner_secret, &keys.welcome_secret`);
/// `psks` are the PreSharedKeyIDs injected in the epoch, in the Commit's
/// order. Every recipient KeyPackage must have the GroupInfo's suite and
/// version, which must be `cs`'s suite
/// (`KeyPackageError::CipherSuiteMismatch`,
/// `KeyPackageError::VersionMismatch`); at least one recipient is
/// required (`Misuse::WelcomeCreation`).
///
/// The GroupInfo is encrypted with the welcome key and nonce
/// (`WelcomeSecret::key_nonce`, empty AAD); each recipient gets
/// `EncryptWithLabel(init_key, "Welcome", encrypted_group_info,
/// GroupSecrets)` under its `KeyPackageRef`.
pub fn create_welcome(
    cs: &dyn CipherSuiteProvider,
    group_info: &GroupInfo,
    joiner_secret: &JoinerSecret,
    welcome_secret: &WelcomeSecret,
    psks: &[PreSharedKeyId],
    recipients: &[WelcomeRecipient<'_>],
) -> Result<Welcome> {
    let suite = cs.cipher_suite().id();
    let context = &group_info.group_context;
    if context.cipher_suite.0 != suite {
        return Err(Misuse::WelcomeCreation("the GroupInfo's suite is not the provider's").into());
    }
    if recipients.is_empty() {
        return Err(Misuse::WelcomeCreation("no recipients").into());
    }
    for r in recipients {
        if r.key_package.cipher_suite != context.cipher_suite {
            return Err(KeyPackageError::CipherSuiteMismatch {
                expected: suite,
                actual: r.key_package.cipher_suite.0,
            }
            .into());
        }
        if r.key_package.version != context.version {
            return Err(KeyPackageError::VersionMismatch {
                expected: context.version.0,
                actual: r.key_package.version.0,
            }
            .into());
        }
    }

    // The GroupInfo under the welcome key and nonce (§12.4.3.1).
    let key = welcome_secret.key_nonce(cs)?;
    let plaintext = Zeroizing::new(mls_codec::encode(group_info)?);
    let encrypted_group_info =
        cs.aead_seal(key.key.as_bytes(), key.nonce.as_bytes(), &[], &plaintext)?;

    // The GroupSecrets to each new member's init key: the seals' seeds
    // drawn in recipient order here, the seals themselves on every core,
    // so the Welcome is the same bytes for any number of threads (issue 14
    // item 2; `CipherSuiteProvider::hpke_seal_with_seed`).
    let seed_len = cs.hpke_seal_seed_len();
    let seeds = Zeroizing::new(cs.random_bytes(seed_len * recipients.len())?);
    let jobs: Vec<(&WelcomeRecipient<'_>, &[u8])> = recipients
        .iter()
        .zip(seeds.chunks_exact(seed_len))
        .collect();
    // The seals' common EncryptContext holds the whole encrypted GroupInfo
    // (megabytes with a large tree): prepared once, so the provider hashes it
    // once, not once per new member (issue 14 item 3).
    let sealing_context = prepare_encrypt_context(cs, WELCOME_LABEL, &encrypted_group_info)?;
    let secrets = mls_treekem::par::try_map(&jobs, |(r, seed)| {
        seal_group_secrets(cs, r, joiner_secret, psks, &sealing_context, seed)
    })?;
    Ok(Welcome {
        cipher_suite: context.cipher_suite,
        secrets,
        encrypted_group_info: VLBytes::new(encrypted_group_info),
    })
}

/// One new member's `EncryptedGroupSecrets` (RFC 9420 §12.4.3.1): its
/// GroupSecrets under `EncryptWithLabel(init_key, "Welcome",
/// encrypted_group_info, ..)` (`context`, prepared), with the seal's
/// randomness from `seed`.
fn seal_group_secrets(
    cs: &dyn CipherSuiteProvider,
    r: &WelcomeRecipient<'_>,
    joiner_secret: &JoinerSecret,
    psks: &[PreSharedKeyId],
    context: &mls_crypto::HpkeInfo,
    seed: &[u8],
) -> Result<EncryptedGroupSecrets> {
    let group_secrets = GroupSecrets {
        joiner_secret: VLBytes::from(joiner_secret.as_bytes()),
        path_secret: r.path_secret.map(|s| PathSecret {
            path_secret: VLBytes::from(s.as_bytes()),
        }),
        psks: psks.to_vec(),
    };
    let plaintext = Zeroizing::new(mls_codec::encode(&group_secrets)?);
    let ct = encrypt_with_label_prepared(
        cs,
        r.key_package.init_key.as_slice(),
        context,
        &plaintext,
        seed,
    )?;
    Ok(EncryptedGroupSecrets {
        new_member: VLBytes::new(
            KeyPackageRef::compute(cs, r.key_package)?
                .as_bytes()
                .to_vec(),
        ),
        encrypted_group_secrets: HpkeCiphertext {
            kem_output: VLBytes::new(ct.kem_output),
            ciphertext: VLBytes::new(ct.ciphertext),
        },
    })
}
