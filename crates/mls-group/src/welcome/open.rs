//! Opening a Welcome (RFC 9420 §12.4.3.1): the cryptographic steps, in the
//! order the RFC lists them; the tree and group-state steps are the
//! engine's (see the module docs).

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use mls_codec::{
    EncryptedGroupSecrets, ExtensionContainer, GroupInfo, GroupSecrets, KeyPackage, PreSharedKeyId,
    Psk, RatchetTree, RatchetTreeExtension, ResumptionPskUsage, Welcome, find_payload,
};
use mls_crypto::labeled::decrypt_with_label;
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider, HpkeCiphertextRef, Secret};
use mls_keyschedule::{
    ConfirmedTranscriptHash, EpochKeys, InterimTranscriptHash, JoinerSecret, PskSecret, PskStore,
};
use mls_treekem::{LeafIndex, TreeView};

use super::create::WELCOME_LABEL;
use super::{KeyPackageLookup, WelcomeKeyPackage, verify_group_info_signature};
use crate::key_package::{KeyPackageRef, reencoded_twin};
use crate::{GroupError, Result};

/// A Welcome whose GroupSecrets and GroupInfo are decrypted and whose
/// confirmation tag verified, but whose GroupInfo **signature is not yet
/// verified**. Only the public parts are readable; the secrets are released
/// by [`DecryptedWelcome::verify_signature`] or
/// [`DecryptedWelcome::verify_signature_with_tree`].
pub struct DecryptedWelcome {
    cs: Arc<dyn CipherSuiteProvider>,
    key_package_ref: KeyPackageRef,
    key_package: KeyPackage,
    group_info: GroupInfo,
    path_secret: Option<Secret>,
    psks: Vec<PreSharedKeyId>,
    epoch_keys: EpochKeys,
    confirmed_transcript_hash: ConfirmedTranscriptHash,
    interim_transcript_hash: InterimTranscriptHash,
}

impl fmt::Debug for DecryptedWelcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecryptedWelcome")
            .field("cipher_suite", &self.cs.cipher_suite())
            .field("key_package_ref", &self.key_package_ref)
            .field("group_info", &self.group_info)
            .finish_non_exhaustive()
    }
}

/// Everything the engine needs to finish a join by Welcome (RFC 9420
/// §12.4.3.1), released once the GroupInfo signature verified.
#[derive(Debug)]
pub struct JoinSecrets {
    /// The reference of our KeyPackage the Welcome was for.
    pub key_package_ref: KeyPackageRef,
    /// That KeyPackage (its `leaf_node` is ours in the tree).
    pub key_package: KeyPackage,
    /// The verified GroupInfo (GroupContext of the joined epoch, signer,
    /// extensions, confirmation tag).
    pub group_info: GroupInfo,
    /// The GroupSecrets path secret: for the lowest common ancestor of our
    /// leaf and the signer's, if the Commit had a path.
    pub path_secret: Option<Secret>,
    /// The PSKs injected in the joined epoch.
    pub psks: Vec<PreSharedKeyId>,
    /// Joiner, welcome and epoch secrets of the joined epoch.
    pub epoch_keys: EpochKeys,
    /// The confirmed transcript hash (from the GroupContext).
    pub confirmed_transcript_hash: ConfirmedTranscriptHash,
    /// The interim transcript hash, from the confirmed hash and the
    /// confirmation tag (RFC 9420 §8.2).
    pub interim_transcript_hash: InterimTranscriptHash,
}

impl DecryptedWelcome {
    /// The decrypted GroupInfo (signature **not** verified yet).
    pub fn group_info(&self) -> &GroupInfo {
        &self.group_info
    }

    /// The reference of our KeyPackage the Welcome was for.
    pub fn key_package_ref(&self) -> &KeyPackageRef {
        &self.key_package_ref
    }

    /// That KeyPackage.
    pub fn key_package(&self) -> &KeyPackage {
        &self.key_package
    }

    /// The suite's provider (the Welcome's and the KeyPackage's suite).
    pub fn cipher_suite_provider(&self) -> &Arc<dyn CipherSuiteProvider> {
        &self.cs
    }

    /// The tree of the GroupInfo's `ratchet_tree` extension, if it has one
    /// (RFC 9420 §12.4.3.3). The caller validates it (tree hash against
    /// `group_context.tree_hash`, parent hashes, leaves).
    pub fn ratchet_tree_extension(&self) -> Result<Option<RatchetTree>> {
        Ok(
            find_payload::<RatchetTreeExtension>(&self.group_info.extensions)?
                .map(|e| e.ratchet_tree),
        )
    }

    /// Verify the GroupInfo signature with the `signature_key` of leaf
    /// `signer` of an already validated ratchet tree (RFC 9420 §12.4.3.1):
    /// [`GroupError::GroupInfoSignerNotInTree`] for a blank or missing leaf
    /// (V-12.4.3-02), [`GroupError::GroupInfoSignatureInvalid`] for a bad
    /// signature (V-12.4.3-01).
    pub fn verify_signature_with_tree<V: TreeView + ?Sized>(self, tree: &V) -> Result<JoinSecrets> {
        let signer = self.group_info.signer;
        let leaf = LeafIndex::new(signer)
            .ok()
            .and_then(|i| tree.leaf(i))
            .ok_or(GroupError::GroupInfoSignerNotInTree(signer))?;
        let key = leaf.signature_key.as_slice().to_vec();
        self.verify_signature(&key)
    }

    /// Verify the GroupInfo signature with the signer's signature public key
    /// (RFC 9420 §12.4.3, V-12.4.3-01, V-12.4.3.1-07) and release the
    /// secrets. On failure everything is dropped (and zeroized).
    pub fn verify_signature(self, signer_public_key: &[u8]) -> Result<JoinSecrets> {
        verify_group_info_signature(&*self.cs, &self.group_info, signer_public_key)?;
        Ok(JoinSecrets {
            key_package_ref: self.key_package_ref,
            key_package: self.key_package,
            group_info: self.group_info,
            path_secret: self.path_secret,
            psks: self.psks,
            epoch_keys: self.epoch_keys,
            confirmed_transcript_hash: self.confirmed_transcript_hash,
            interim_transcript_hash: self.interim_transcript_hash,
        })
    }
}

/// Open a Welcome with one of our KeyPackages (RFC 9420 §12.4.3.1): every
/// step up to and including the confirmation tag, except the GroupInfo
/// signature (see the module docs for the order and the rules checked).
///
/// `provider` supplies the suite; `ours` our KeyPackages by reference;
/// `psk_store` the external and resumption PSKs the GroupSecrets may name.
pub fn open_welcome<L, P>(
    provider: &dyn CryptoProvider,
    welcome: &Welcome,
    ours: &L,
    psk_store: &P,
) -> Result<DecryptedWelcome>
where
    L: KeyPackageLookup + ?Sized,
    P: PskStore + ?Sized,
{
    open_welcome_with_limits(
        provider,
        welcome,
        ours,
        psk_store,
        mls_codec::DecodeLimits::default(),
    )
}

/// [`open_welcome`] with the decoding limits of the group to join: a
/// GroupInfo whose ratchet tree describes more than `max_group_size`
/// members is rejected while it is decoded, before any tree is built
/// (G-35, issue 15 item 2).
pub fn open_welcome_with_limits<L, P>(
    provider: &dyn CryptoProvider,
    welcome: &Welcome,
    ours: &L,
    psk_store: &P,
    limits: mls_codec::DecodeLimits,
) -> Result<DecryptedWelcome>
where
    L: KeyPackageLookup + ?Sized,
    P: PskStore + ?Sized,
{
    // Our entry, by KeyPackageRef (V-12.4.3.1-01).
    let (entry, ours, key_package) = find_our_entry(provider, welcome, ours)?;
    let key_package = &key_package;

    // The Welcome's suite is the KeyPackage's (V-12.4.3.1-02).
    if welcome.cipher_suite != key_package.cipher_suite {
        return Err(GroupError::WelcomeCipherSuiteMismatch {
            welcome: welcome.cipher_suite.0,
            key_package: key_package.cipher_suite.0,
        });
    }
    let id = welcome.cipher_suite.0;
    let suite =
        CipherSuite::from_id(id).map_err(|_| GroupError::KeyPackageUnsupportedCipherSuite(id))?;
    let cs = provider
        .cipher_suite_provider(suite)
        .ok_or(GroupError::KeyPackageUnsupportedCipherSuite(id))?;
    let nh = suite.hash_len();

    // GroupSecrets = DecryptWithLabel(init_priv, "Welcome",
    // encrypted_group_info, kem_output, ciphertext) (V-12.4.3.1-03).
    let plaintext = decrypt_with_label(
        &*cs,
        ours.init_private_key(),
        key_package.init_key.as_slice(),
        WELCOME_LABEL,
        welcome.encrypted_group_info.as_slice(),
        HpkeCiphertextRef {
            kem_output: entry.encrypted_group_secrets.kem_output.as_slice(),
            ciphertext: entry.encrypted_group_secrets.ciphertext.as_slice(),
        },
    )
    .map_err(|_| GroupError::WelcomeGroupSecretsDecryptionFailed)?;
    let group_secrets = mls_codec::decode::<GroupSecrets>(&plaintext)
        .map_err(|_| GroupError::WelcomeGroupSecretsMalformed("GroupSecrets do not parse"))?;
    drop(plaintext);
    if group_secrets.joiner_secret.as_slice().len() != nh {
        return Err(GroupError::WelcomeGroupSecretsMalformed(
            "joiner_secret is not KDF.Nh bytes",
        ));
    }
    if let Some(p) = &group_secrets.path_secret
        && p.path_secret.as_slice().len() != nh
    {
        return Err(GroupError::WelcomeGroupSecretsMalformed(
            "path_secret is not KDF.Nh bytes",
        ));
    }

    // The PSKs (V-12.2-12, V-12.4.3.1-05, V-12.4.3.1-04).
    let psks = group_secrets.psks.clone();
    let restarts = check_psk_list(&psks)?;
    let psk_secret =
        PskSecret::resolve(&*cs, &psks, psk_store).map_err(GroupError::WelcomePskUnavailable)?;

    // The welcome key and nonce, and the GroupInfo (V-12.4.3.1-06).
    let joiner_secret = JoinerSecret::from_slice(group_secrets.joiner_secret.as_slice());
    let path_secret = group_secrets
        .path_secret
        .as_ref()
        .map(|p| Secret::from_slice(p.path_secret.as_slice()));
    drop(group_secrets);
    let member = joiner_secret.member_secret(&*cs, &psk_secret);
    drop(psk_secret);
    let welcome_secret = member.welcome_secret(&*cs)?;
    let key = welcome_secret.key_nonce(&*cs)?;
    let group_info_bytes = cs
        .aead_open(
            key.key.as_bytes(),
            key.nonce.as_bytes(),
            &[],
            welcome.encrypted_group_info.as_slice(),
        )
        .map_err(|_| GroupError::WelcomeGroupInfoDecryptionFailed)?;
    drop(key);
    let group_info = mls_codec::decode_with_limits::<GroupInfo>(&group_info_bytes, limits)
        .map_err(GroupError::WelcomeGroupInfoMalformed)?;
    drop(group_info_bytes);

    // The GroupInfo fits the KeyPackage and us (V-12.4.3.1-08/09,
    // V-12.4.3-05/06, V-12.4.3.1-22).
    check_group_info(&group_info, key_package, restarts)?;

    // The epoch secrets of the joined epoch and the confirmation tag
    // (V-12.4.3.1-21), compared in constant time.
    let context = &group_info.group_context;
    let context_bytes = mls_codec::encode(context)?;
    let epoch_secret = member.epoch_secret(&*cs, &context_bytes)?;
    drop(member);
    let secrets = epoch_secret.derive_secrets(&*cs)?;
    let confirmed = context.confirmed_transcript_hash.as_slice();
    let tag = group_info.confirmation_tag.as_slice();
    secrets
        .confirmation_key
        .verify(&*cs, confirmed, tag)
        .map_err(|_| GroupError::WelcomeConfirmationTagInvalid)?;
    let confirmed_transcript_hash = ConfirmedTranscriptHash::new(confirmed.to_vec());
    let interim_transcript_hash =
        InterimTranscriptHash::next(&*cs, &confirmed_transcript_hash, tag)?;

    Ok(DecryptedWelcome {
        key_package_ref: ours.reference().clone(),
        key_package: key_package.clone(),
        cs,
        group_info,
        path_secret,
        psks,
        epoch_keys: EpochKeys {
            joiner_secret,
            welcome_secret,
            secrets,
        },
        confirmed_transcript_hash,
        interim_transcript_hash,
    })
}

/// Our `EncryptedGroupSecrets` entry, the KeyPackage it is for and the
/// encoding of that KeyPackage the committer added: by KeyPackageRef
/// (V-12.4.3.1-01), else by the reference of the re-encoded twin of one of
/// ours (its ECDSA signature's `s` replaced by `n - s`, which a relay can do
/// without any key; issue 15 item 5, docs/crypto.md). The twin's leaf node
/// is ours unchanged: it is covered by the KeyPackage signature.
fn find_our_entry<'a, L>(
    provider: &dyn CryptoProvider,
    welcome: &'a Welcome,
    ours: &'a L,
) -> Result<(&'a EncryptedGroupSecrets, &'a L::Entry, KeyPackage)>
where
    L: KeyPackageLookup + ?Sized,
{
    if let Some((entry, k)) = welcome.secrets.iter().find_map(|e| {
        ours.find(&KeyPackageRef::from_bytes(e.new_member.as_slice()))
            .map(|k| (e, k))
    }) {
        return Ok((entry, k, k.key_package().clone()));
    }
    let cs = CipherSuite::from_id(welcome.cipher_suite.0)
        .ok()
        .and_then(|suite| provider.cipher_suite_provider(suite))
        .ok_or(GroupError::WelcomeNoMatchingKeyPackage)?;
    // Our twins (few) against the Welcome's entries (many): nothing is
    // allocated per entry of the untrusted Welcome.
    let mut twins = Vec::new();
    for k in ours.entries() {
        if let Some(twin) = reencoded_twin(&*cs, k.key_package()) {
            twins.push((KeyPackageRef::compute(&*cs, &twin)?, k, twin));
        }
    }
    for entry in &welcome.secrets {
        if let Some(i) = twins
            .iter()
            .position(|(r, _, _)| r.as_bytes() == entry.new_member.as_slice())
        {
            let (_, k, twin) = twins.swap_remove(i);
            return Ok((entry, k, twin));
        }
    }
    Err(GroupError::WelcomeNoMatchingKeyPackage)
}

/// RFC 9420 §12.2 (V-12.2-12): no PreSharedKeyID twice; §12.4.3.1
/// (V-12.4.3.1-05): at most one resumption PSK of usage reinit or branch.
/// Returns whether there is one (the join restarts a group).
fn check_psk_list(psks: &[PreSharedKeyId]) -> Result<bool> {
    let mut seen = HashSet::with_capacity(psks.len());
    let mut restarts = 0usize;
    for id in psks {
        if !seen.insert(id) {
            return Err(GroupError::WelcomeDuplicatePsk);
        }
        if let Psk::Resumption {
            usage: ResumptionPskUsage::Reinit | ResumptionPskUsage::Branch,
            ..
        } = id.psk
        {
            restarts += 1;
        }
    }
    if restarts > 1 {
        return Err(GroupError::WelcomeResumptionPskNotUnique);
    }
    Ok(restarts == 1)
}

/// The GroupInfo checks that need no tree (RFC 9420 §12.4.3, §12.4.3.1).
fn check_group_info(
    group_info: &GroupInfo,
    key_package: &KeyPackage,
    restarts: bool,
) -> Result<()> {
    let context = &group_info.group_context;
    if context.cipher_suite != key_package.cipher_suite {
        return Err(GroupError::WelcomeGroupInfoMismatch {
            what: "cipher suite",
            group_info: context.cipher_suite.0,
            key_package: key_package.cipher_suite.0,
        });
    }
    if context.version != key_package.version {
        return Err(GroupError::WelcomeGroupInfoMismatch {
            what: "version",
            group_info: context.version.0,
            key_package: key_package.version.0,
        });
    }
    for (list, container) in [
        (&group_info.extensions, ExtensionContainer::GroupInfo),
        (&context.extensions, ExtensionContainer::GroupContext),
    ] {
        let mut seen = HashSet::with_capacity(list.len());
        for e in list.iter() {
            let t = e.extension_type;
            if !seen.insert(t) {
                return Err(GroupError::GroupInfoDuplicateExtension(t.0));
            }
            // RFC 9420 §17.3 (V-17.3-01): registered types where allowed.
            if t.allowed_containers()
                .is_some_and(|allowed| !allowed.contains(&container))
            {
                return Err(GroupError::GroupInfoExtensionMisplaced(t.0));
            }
        }
    }
    // GroupContext extensions MUST be supported by the joiner (§12.4.3):
    // the default ones by every client, the others if our leaf lists them,
    // compared with our own capabilities, which hold no GREASE (§13.5).
    let ours = &crate::grease::own_capabilities(&key_package.leaf_node.capabilities).extensions;
    if let Some(e) = context
        .extensions
        .iter()
        .find(|e| !e.extension_type.is_default() && !ours.contains(&e.extension_type))
    {
        return Err(GroupError::WelcomeGroupContextExtensionUnsupported(
            e.extension_type.0,
        ));
    }
    if restarts && context.epoch != 1 {
        return Err(GroupError::WelcomeResumptionEpochNotOne(context.epoch));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use mls_codec::VLBytes;

    use super::*;

    fn id(psk: Psk, nonce: u8) -> PreSharedKeyId {
        PreSharedKeyId {
            psk,
            psk_nonce: VLBytes::new(vec![nonce; 32]),
        }
    }

    fn resumption(usage: ResumptionPskUsage) -> Psk {
        Psk::Resumption {
            usage,
            psk_group_id: VLBytes::new(b"g".to_vec()),
            psk_epoch: 1,
        }
    }

    fn external(i: u8) -> Psk {
        Psk::External {
            psk_id: VLBytes::new(vec![i]),
        }
    }

    #[test]
    fn psk_list_rules() {
        assert!(!check_psk_list(&[]).expect("empty is fine"));
        // The same PSK with different nonces is two PreSharedKeyIDs (§12.2).
        assert!(!check_psk_list(&[id(external(1), 1), id(external(1), 2)]).expect("distinct"));
        assert!(matches!(
            check_psk_list(&[id(external(1), 1), id(external(2), 1), id(external(1), 1)]),
            Err(GroupError::WelcomeDuplicatePsk)
        ));
        for usage in [ResumptionPskUsage::Reinit, ResumptionPskUsage::Branch] {
            assert!(
                check_psk_list(&[id(external(1), 1), id(resumption(usage), 1)])
                    .expect("one restart PSK")
            );
        }
        assert!(
            !check_psk_list(&[
                id(resumption(ResumptionPskUsage::Application), 1),
                id(resumption(ResumptionPskUsage::Application), 2)
            ])
            .expect("application resumption PSKs are not restarts")
        );
        assert!(matches!(
            check_psk_list(&[
                id(resumption(ResumptionPskUsage::Reinit), 1),
                id(resumption(ResumptionPskUsage::Reinit), 2)
            ]),
            Err(GroupError::WelcomeResumptionPskNotUnique)
        ));
    }
}
