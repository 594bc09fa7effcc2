//! The passive-client driver shared by the three `passive-client-*.json`
//! checks (RFC 9420 §12.4.3.1, §12.4.2, §12.1, §8.4, §8.6, §8.7;
//! TEST-VECTORS.md §13).
//!
//! It uses the engine exactly as an application would: the three private
//! keys must form a [`KeyPackageBundle`] with the KeyPackage (which checks
//! that each matches its public key), the external PSKs go into a PSK
//! store, the client joins with full validation (current-time lifetime
//! checks off, as the vectors' leaves have expired) and then processes each
//! epoch's proposals and Commit, comparing epoch authenticators.

use mls_codec::{MlsMessage, RatchetTree, decode};
use mls_crypto::{CipherSuite, CryptoProvider, HpkePrivateKey, Secret, SignaturePrivateKey};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::key_package::KeyPackageBundle;
use mls_group::{Group, GroupConfig, JoinOptions, ProcessedMessage};
use mls_keyschedule::InMemoryPskStore;
use mls_vectors::{Case, CaseError, CaseResult, ensure_bytes_eq};

/// Decode an MLSMessage field of the case.
fn message(case: &Case<'_>, name: &str) -> Result<MlsMessage, CaseError> {
    Ok(decode::<MlsMessage>(&case.bytes(name)?)?)
}

/// Run one passive-client case: join, then every epoch.
pub fn run(case: &Case<'_>) -> CaseResult {
    let suite_id = case.cipher_suite()?;
    let unsupported = || CaseError::UnsupportedSuite(u64::from(suite_id));
    let suite = CipherSuite::from_id(suite_id).map_err(|_| unsupported())?;
    let provider = RustCryptoProvider::new();
    let cs = provider
        .cipher_suite_provider(suite)
        .ok_or_else(unsupported)?;

    // The three private keys match the KeyPackage (init_key, leaf
    // encryption_key, leaf signature_key): `from_parts` checks each. Some
    // P-521 scalars in the files are 65 bytes (a leading zero dropped); the
    // provider left-pads such keys wherever a private key is imported.
    let key_package = message(case, "key_package")?
        .into_key_package()
        .ok_or_else(|| CaseError::failed("key_package is not an MLSMessage(KeyPackage)"))?;
    let bundle = KeyPackageBundle::from_parts(
        &*cs,
        key_package,
        HpkePrivateKey::from(case.bytes("init_priv")?),
        HpkePrivateKey::from(case.bytes("encryption_priv")?),
        Some(SignaturePrivateKey::from(case.bytes("signature_priv")?)),
        false,
    )?;

    let mut psks = InMemoryPskStore::new();
    for psk in case.array("external_psks")? {
        psks.insert_external(psk.bytes("psk_id")?, Secret::from(psk.bytes("psk")?));
    }

    // Group::join rejects any other wire format with a typed error.
    let welcome = message(case, "welcome")?;
    let ratchet_tree = match case.opt_bytes("ratchet_tree")? {
        Some(bytes) => Some(decode::<RatchetTree>(&bytes)?),
        None => None,
    };
    let (mut group, _used) = Group::join_with_psks(
        &provider,
        &welcome,
        &[bundle][..],
        &psks,
        GroupConfig::without_lifetime_checks(),
        JoinOptions {
            ratchet_tree,
            ..JoinOptions::default()
        },
    )?;
    ensure_bytes_eq(
        "initial epoch authenticator",
        group.epoch_authenticator(),
        &case.bytes("initial_epoch_authenticator")?,
    )?;

    for (i, epoch) in case.array("epochs")?.iter().enumerate() {
        for proposal in epoch.array("proposals")? {
            let proposal = decode::<MlsMessage>(&proposal.as_bytes()?)?;
            match group.process_message_with_psks(&proposal, &psks)? {
                ProcessedMessage::Proposal(_) => {}
                _ => return Err(CaseError::failed(format!("epoch {i}: not a proposal"))),
            }
        }
        let staged = match group.process_message_with_psks(&message(epoch, "commit")?, &psks)? {
            ProcessedMessage::Commit(staged) => staged,
            _ => return Err(CaseError::failed(format!("epoch {i}: not a Commit"))),
        };
        group.merge_staged_commit(staged)?;
        ensure_bytes_eq(
            &format!("epoch authenticator after epoch {i}"),
            group.epoch_authenticator(),
            &epoch.bytes("epoch_authenticator")?,
        )?;
    }
    Ok(())
}
