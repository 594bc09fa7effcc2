//! Welcome cryptography (RFC 9420 §12.4.3, §12.4.3.1): GroupInfo signing,
//! Welcome creation and the first, cryptographic half of joining.
//!
//! **Sender** (a committer adding members): build the GroupInfo of the new
//! epoch and sign it ([`sign_group_info`]), then [`create_welcome`] encrypts
//! it under the welcome key and nonce of the new epoch, and the
//! GroupSecrets (joiner secret, optional path secret, PSK ids) to each new
//! member's init key with `EncryptWithLabel(init_key, "Welcome",
//! encrypted_group_info, GroupSecrets)`.
//!
//! **Joiner**, in this order:
//! 1. [`open_welcome`]: find our `EncryptedGroupSecrets` entry by
//!    KeyPackageRef (V-12.4.3.1-01), check the Welcome's suite against the
//!    KeyPackage's (-02), decrypt the GroupSecrets (-03), resolve the PSKs
//!    through a [`PskStore`](mls_keyschedule::PskStore) (duplicates -
//!    V-12.2-12, reinit/branch uniqueness -05, availability -04), derive
//!    the member and welcome secrets, decrypt the GroupInfo (-06), check its
//!    suite and version against the KeyPackage's (-08, -09), its extension
//!    lists for duplicates (V-12.4.3-06) and misplaced registered types
//!    (V-17.3-01), its GroupContext extensions
//!    against our capabilities (V-12.4.3-05), the epoch for reinit/branch
//!    PSKs (-22), derive the epoch secrets with the GroupInfo's
//!    `group_context` and verify the confirmation tag in constant time
//!    (-21). The result, a [`DecryptedWelcome`], exposes the GroupInfo (to
//!    find the ratchet tree) but not the secrets: its signature is not yet
//!    verified.
//! 2. The engine obtains the ratchet tree (the GroupInfo's `ratchet_tree`
//!    extension, [`DecryptedWelcome::ratchet_tree_extension`], or out of
//!    band) and validates it against `group_context.tree_hash`
//!    (`mls_treekem::validate_tree`).
//! 3. [`DecryptedWelcome::verify_signature_with_tree`] (or
//!    [`DecryptedWelcome::verify_signature`] with the signer's key) verifies
//!    the GroupInfo signature (V-12.4.3-01/02, V-12.4.3.1-07) and releases
//!    a [`JoinSecrets`]: GroupInfo, path secret, epoch keys, transcript
//!    hashes and the matched KeyPackage.
//! 4. The engine finishes the join: `group_id` not already joined
//!    (V-12.4.3-03), its own leaf in the tree (V-12.4.3.1-19), private keys
//!    from the path secret (-20), reinit/branch group checks, and deletes
//!    the KeyPackage's private keys unless last-resort (-23).

mod create;
mod group_info;
mod open;

pub use create::{WelcomeRecipient, create_welcome};
pub use group_info::{GROUP_INFO_TBS_LABEL, sign_group_info, verify_group_info_signature};
pub(crate) use group_info::{import_tree, verified_group_info_tree};
pub use open::{DecryptedWelcome, JoinSecrets, open_welcome, open_welcome_with_limits};

use std::collections::{BTreeMap, HashMap};

use mls_codec::KeyPackage;
use mls_crypto::HpkePrivateKey;

use crate::Misuse;
use crate::key_package::{KeyPackageBundle, KeyPackageRef};

/// What opening a Welcome needs of one of our KeyPackages: the KeyPackage,
/// its reference and its init private key. Implemented by
/// [`KeyPackageBundle`] and by [`KeyPackageInitKey`] (which holds only
/// the init key).
pub trait WelcomeKeyPackage {
    /// The KeyPackage.
    fn key_package(&self) -> &KeyPackage;
    /// Its reference (RFC 9420 §5.2).
    fn reference(&self) -> &KeyPackageRef;
    /// The HPKE private key of its `init_key`.
    fn init_private_key(&self) -> &HpkePrivateKey;
}

impl WelcomeKeyPackage for KeyPackageBundle {
    fn key_package(&self) -> &KeyPackage {
        KeyPackageBundle::key_package(self)
    }
    fn reference(&self) -> &KeyPackageRef {
        KeyPackageBundle::reference(self)
    }
    fn init_private_key(&self) -> &HpkePrivateKey {
        KeyPackageBundle::init_private_key(self)
    }
}

/// A KeyPackage with only its init private key (e.g. the official
/// welcome.json vectors, or a client keeping leaf keys elsewhere).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPackageInitKey {
    key_package: KeyPackage,
    reference: KeyPackageRef,
    init_private_key: HpkePrivateKey,
}

impl KeyPackageInitKey {
    /// Pair a KeyPackage with its init private key; `cs` is the
    /// KeyPackage's suite. The private key must match `init_key`
    /// (`Misuse::KeyPackageCreation` otherwise).
    pub fn new(
        cs: &dyn mls_crypto::CipherSuiteProvider,
        key_package: KeyPackage,
        init_private_key: HpkePrivateKey,
    ) -> crate::Result<Self> {
        if key_package.cipher_suite.0 != cs.cipher_suite().id() {
            return Err(
                Misuse::KeyPackageCreation("the provider's suite is not the KeyPackage's").into(),
            );
        }
        if cs.hpke_public_key(&init_private_key)? != key_package.init_key.as_slice() {
            return Err(
                Misuse::KeyPackageCreation("init private key does not match init_key").into(),
            );
        }
        let reference = KeyPackageRef::compute(cs, &key_package)?;
        Ok(KeyPackageInitKey {
            key_package,
            reference,
            init_private_key,
        })
    }
}

impl WelcomeKeyPackage for KeyPackageInitKey {
    fn key_package(&self) -> &KeyPackage {
        &self.key_package
    }
    fn reference(&self) -> &KeyPackageRef {
        &self.reference
    }
    fn init_private_key(&self) -> &HpkePrivateKey {
        &self.init_private_key
    }
}

/// Our KeyPackages, looked up by reference while opening a Welcome.
/// Implemented for one bundle, for slices and vectors (linear search) and
/// for maps keyed by [`KeyPackageRef`].
pub trait KeyPackageLookup {
    /// The kind of entry held.
    type Entry: WelcomeKeyPackage;
    /// The entry whose reference is `reference`.
    fn find(&self, reference: &KeyPackageRef) -> Option<&Self::Entry>;
    /// Every entry, so that a Welcome addressed to the re-encoded twin of
    /// one of ours is recognised too (issue 15 item 5). The default yields
    /// none: a lookup that keeps it finds only exact references.
    fn entries(&self) -> Box<dyn Iterator<Item = &Self::Entry> + '_> {
        Box::new(std::iter::empty())
    }
}

/// One KeyPackage: the usual case of a client that published one for this
/// group (`Group::join(provider, &welcome, &bundle, ..)`).
impl KeyPackageLookup for crate::key_package::KeyPackageBundle {
    type Entry = Self;
    fn find(&self, reference: &KeyPackageRef) -> Option<&Self> {
        (self.reference() == reference).then_some(self)
    }
    fn entries(&self) -> Box<dyn Iterator<Item = &Self> + '_> {
        Box::new(std::iter::once(self))
    }
}

impl KeyPackageLookup for crate::key_package::KeyPackagePool {
    type Entry = crate::key_package::KeyPackageBundle;
    fn find(&self, reference: &KeyPackageRef) -> Option<&Self::Entry> {
        self.get(reference)
    }
    fn entries(&self) -> Box<dyn Iterator<Item = &Self::Entry> + '_> {
        Box::new(self.iter())
    }
}

impl<K: WelcomeKeyPackage> KeyPackageLookup for [K] {
    type Entry = K;
    fn find(&self, reference: &KeyPackageRef) -> Option<&K> {
        self.iter().find(|k| k.reference() == reference)
    }
    fn entries(&self) -> Box<dyn Iterator<Item = &K> + '_> {
        Box::new(self.iter())
    }
}

impl<K: WelcomeKeyPackage> KeyPackageLookup for Vec<K> {
    type Entry = K;
    fn find(&self, reference: &KeyPackageRef) -> Option<&K> {
        self.as_slice().find(reference)
    }
    fn entries(&self) -> Box<dyn Iterator<Item = &K> + '_> {
        Box::new(self.iter())
    }
}

impl<K: WelcomeKeyPackage, S: std::hash::BuildHasher> KeyPackageLookup
    for HashMap<KeyPackageRef, K, S>
{
    type Entry = K;
    fn find(&self, reference: &KeyPackageRef) -> Option<&K> {
        self.get(reference)
    }
    fn entries(&self) -> Box<dyn Iterator<Item = &K> + '_> {
        Box::new(self.values())
    }
}

impl<K: WelcomeKeyPackage> KeyPackageLookup for BTreeMap<KeyPackageRef, K> {
    type Entry = K;
    fn find(&self, reference: &KeyPackageRef) -> Option<&K> {
        self.get(reference)
    }
    fn entries(&self) -> Box<dyn Iterator<Item = &K> + '_> {
        Box::new(self.values())
    }
}
