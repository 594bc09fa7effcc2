//! `KeyPackageRef` (RFC 9420 §5.2).

use std::fmt;

use mls_codec::{KeyPackage, VLBytes};
use mls_crypto::CipherSuiteProvider;
use mls_crypto::labeled::make_key_package_ref;

use crate::Result;

/// `KeyPackageRef = MakeKeyPackageRef(KeyPackage)`
/// `= RefHash("MLS 1.0 KeyPackage Reference", KeyPackage)` (RFC 9420 §5.2),
/// over the serialized KeyPackage without any MLSMessage header, with the
/// hash of the KeyPackage's suite. A public identifier (prints as hex).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyPackageRef(Vec<u8>);

impl KeyPackageRef {
    /// Compute the reference of `key_package` with the hash of `cs`, which
    /// must be the KeyPackage's own suite.
    pub fn compute(cs: &dyn CipherSuiteProvider, key_package: &KeyPackage) -> Result<Self> {
        let bytes = mls_codec::encode(key_package)?;
        Ok(KeyPackageRef(make_key_package_ref(cs, &bytes)?))
    }

    /// Wrap reference bytes received from the wire (e.g. a Welcome's
    /// `new_member`).
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Self {
        KeyPackageRef(bytes.into())
    }

    /// The reference bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for KeyPackageRef {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for KeyPackageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyPackageRef(")?;
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// The other encoding of `key_package` whose signature verifies as well,
/// if its suite's signature scheme is malleable (ECDSA: `s` replaced by
/// `n - s`, see `CipherSuiteProvider::signature_twin`). Its reference
/// differs, so a Welcome may address it instead of the KeyPackage we
/// published (issue 15 item 5).
pub fn reencoded_twin(
    cs: &dyn CipherSuiteProvider,
    key_package: &KeyPackage,
) -> Option<KeyPackage> {
    let signature = cs.signature_twin(key_package.signature.as_slice())?;
    let mut twin = key_package.clone();
    twin.signature = VLBytes::new(signature);
    Some(twin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_hex_and_bytes_round_trip() {
        let r = KeyPackageRef::from_bytes(vec![0x00, 0xab, 0x10]);
        assert_eq!(format!("{r:?}"), "KeyPackageRef(00ab10)");
        assert_eq!(r.as_bytes(), [0x00, 0xab, 0x10]);
        assert_eq!(r.as_ref(), r.as_bytes());
        assert!(KeyPackageRef::from_bytes(vec![1]) < KeyPackageRef::from_bytes(vec![2]));
    }
}
