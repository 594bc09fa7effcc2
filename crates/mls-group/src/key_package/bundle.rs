//! The private half of one of our KeyPackages (RFC 9420 §10, §16.8).

use mls_codec::tls_codec::{Serialize, Size, VLByteSlice};
use mls_codec::{KeyPackage, VLBytes, decode_prefix};
use mls_crypto::{
    CipherSuite, CipherSuiteProvider, CryptoProvider, HpkePrivateKey, Secret, SignatureKeyPair,
    SignaturePrivateKey,
};
use zeroize::{Zeroize, Zeroizing};

use super::KeyPackageRef;
use crate::{GroupError, KeyPackageError, Misuse, Result, StateError};

/// One of our KeyPackages with its private keys: the init private key
/// (opens the Welcome's GroupSecrets), the leaf encryption private key
/// (the joiner's leaf in the tree) and, when the signer's key is
/// exportable, the signature private key of the leaf (a key in an HSM stays
/// there; the join is then given the signer, [`crate::JoinOptions::signer`]).
/// All three zeroize on drop and print redacted.
///
/// Keep bundles by [`KeyPackageBundle::reference`] and delete a bundle
/// once a Welcome to it was processed, unless it is a last-resort
/// KeyPackage (RFC 9420 §10, §16.8; GUIDANCE G-22).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPackageBundle {
    key_package: KeyPackage,
    reference: KeyPackageRef,
    init_private_key: HpkePrivateKey,
    encryption_private_key: HpkePrivateKey,
    signature_private_key: Option<SignaturePrivateKey>,
    last_resort: bool,
}

impl KeyPackageBundle {
    /// Assemble a bundle from a KeyPackage and its private keys (e.g. when
    /// restoring from storage; `signature_private_key` is `None` for a
    /// signer whose key does not leave it). Each private key must match its
    /// public key in `key_package` for the suite of `cs` (the KeyPackage's
    /// suite); otherwise `Misuse::KeyPackageCreation`.
    pub fn from_parts(
        cs: &dyn CipherSuiteProvider,
        key_package: KeyPackage,
        init_private_key: HpkePrivateKey,
        encryption_private_key: HpkePrivateKey,
        signature_private_key: Option<SignaturePrivateKey>,
        last_resort: bool,
    ) -> Result<Self> {
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
        let leaf = &key_package.leaf_node;
        if cs.hpke_public_key(&encryption_private_key)? != leaf.encryption_key.as_slice() {
            return Err(Misuse::KeyPackageCreation(
                "encryption private key does not match the leaf encryption_key",
            )
            .into());
        }
        if let Some(key) = &signature_private_key
            && cs.signature_public_key(key)? != leaf.signature_key.as_slice()
        {
            return Err(Misuse::KeyPackageCreation(
                "signature private key does not match the leaf signature_key",
            )
            .into());
        }
        let reference = KeyPackageRef::compute(cs, &key_package)?;
        Ok(KeyPackageBundle {
            key_package,
            reference,
            init_private_key,
            encryption_private_key,
            signature_private_key,
            last_resort,
        })
    }

    /// Assemble without checks (the builder, which just made the keys).
    pub(crate) fn new_unchecked(
        key_package: KeyPackage,
        reference: KeyPackageRef,
        init_private_key: HpkePrivateKey,
        encryption_private_key: HpkePrivateKey,
        signature_private_key: Option<SignaturePrivateKey>,
        last_resort: bool,
    ) -> Self {
        KeyPackageBundle {
            key_package,
            reference,
            init_private_key,
            encryption_private_key,
            signature_private_key,
            last_resort,
        }
    }

    /// The public KeyPackage (to publish, e.g. wrapped in an MLSMessage).
    pub fn key_package(&self) -> &KeyPackage {
        &self.key_package
    }

    /// Its `KeyPackageRef` (RFC 9420 §5.2).
    pub fn reference(&self) -> &KeyPackageRef {
        &self.reference
    }

    /// The HPKE private key of `init_key`.
    pub fn init_private_key(&self) -> &HpkePrivateKey {
        &self.init_private_key
    }

    /// The HPKE private key of `leaf_node.encryption_key`.
    pub fn encryption_private_key(&self) -> &HpkePrivateKey {
        &self.encryption_private_key
    }

    /// The signature private key of `leaf_node.signature_key`, when the
    /// signer's key was exportable.
    pub fn signature_private_key(&self) -> Option<&SignaturePrivateKey> {
        self.signature_private_key.as_ref()
    }

    /// The in-memory signer of the leaf, when the bundle holds its key
    /// (checked against the leaf's `signature_key` when the bundle was made).
    pub fn signer(&self) -> Option<SignatureKeyPair> {
        let suite = CipherSuite::from_id(self.key_package.cipher_suite.0).ok()?;
        self.signature_private_key
            .as_ref()
            .map(|key| SignatureKeyPair {
                scheme: suite.signature(),
                private_key: key.clone(),
                public_key: self.key_package.leaf_node.signature_key.as_slice().to_vec(),
            })
    }

    /// Whether this is a last-resort KeyPackage (may be used more than once).
    pub fn is_last_resort(&self) -> bool {
        self.last_resort
    }

    /// The storage encoding of the bundle (private keys included: keep it
    /// as secret as the keys; the buffer zeroizes on drop):
    ///
    /// ```text
    /// uint8 format = 1;
    /// KeyPackage key_package;
    /// opaque init_private_key<V>;
    /// opaque encryption_private_key<V>;
    /// opaque signature_private_key<V>;  /* empty: not exportable */
    /// uint8 last_resort;      /* 0 or 1 */
    /// ```
    pub fn to_bytes(&self) -> Result<Zeroizing<Vec<u8>>> {
        let keys = [
            self.init_private_key.as_bytes(),
            self.encryption_private_key.as_bytes(),
            self.signature_private_key
                .as_ref()
                .map_or(&[][..], SignaturePrivateKey::as_bytes),
        ];
        let len = 2
            + self.key_package.tls_serialized_len()
            + keys
                .iter()
                .map(|k| VLByteSlice(k).tls_serialized_len())
                .sum::<usize>();
        // Allocated once at its final size, so no copy of a key is left in
        // a freed buffer.
        let mut out = Zeroizing::new(Vec::with_capacity(len));
        out.push(BUNDLE_FORMAT);
        out.extend_from_slice(&mls_codec::encode(&self.key_package)?);
        for k in keys {
            VLByteSlice(k)
                .tls_serialize(&mut *out)
                .map_err(|_| StateError::KeyPackageBundle("key too long"))?;
        }
        out.push(u8::from(self.last_resort));
        Ok(out)
    }

    /// Read a bundle written by [`KeyPackageBundle::to_bytes`]: the format,
    /// the KeyPackage's suite (implemented by `provider`) and every private
    /// key are checked ([`KeyPackageBundle::from_parts`]).
    pub fn from_bytes(provider: &dyn CryptoProvider, bytes: &[u8]) -> Result<Self> {
        let malformed = |what| GroupError::State(StateError::KeyPackageBundle(what));
        let (format, rest) = decode_prefix::<u8>(bytes)?;
        if format != BUNDLE_FORMAT {
            return Err(malformed("unknown format"));
        }
        let (key_package, rest) = decode_prefix::<KeyPackage>(rest)?;
        let (init, rest) = read_secret(rest)?;
        let (encryption, rest) = read_secret(rest)?;
        let (signature, rest) = read_secret(rest)?;
        let last_resort = match rest {
            [0] => false,
            [1] => true,
            _ => return Err(malformed("bad last_resort flag or trailing bytes")),
        };
        let id = key_package.cipher_suite.0;
        let cs = CipherSuite::from_id(id)
            .ok()
            .and_then(|s| provider.cipher_suite_provider(s))
            .ok_or(KeyPackageError::UnsupportedCipherSuite(id))?;
        Self::from_parts(
            &*cs,
            key_package,
            HpkePrivateKey(init),
            HpkePrivateKey(encryption),
            (!signature.as_bytes().is_empty()).then_some(SignaturePrivateKey(signature)),
            last_resort,
        )
    }
}

/// The storage format version of [`KeyPackageBundle::to_bytes`].
const BUNDLE_FORMAT: u8 = 1;

/// One `opaque<V>` into a [`Secret`], wiping the intermediate copy.
fn read_secret(bytes: &[u8]) -> Result<(Secret, &[u8])> {
    let (mut v, rest) = decode_prefix::<VLBytes>(bytes)?;
    let secret = Secret::from_slice(v.as_slice());
    v.zeroize();
    Ok((secret, rest))
}
