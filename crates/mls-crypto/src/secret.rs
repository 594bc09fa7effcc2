//! Secret byte strings: zeroized on drop, redacted in `Debug`, compared in
//! constant time (RFC 9420 §16.4-§16.8; GUIDANCE G-40).

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// A secret byte string.
///
/// Dropping it overwrites the bytes; `Debug` shows only the length; equality is
/// constant time in the contents (and rejects different lengths first).
#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Take ownership of secret bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Secret(bytes)
    }

    /// Copy secret bytes from a slice.
    pub fn from_slice(bytes: &[u8]) -> Self {
        Secret(bytes.to_vec())
    }

    /// An all-zero secret of `len` bytes (the RFC's "0" input of length Nh, §8).
    pub fn zero(len: usize) -> Self {
        Secret(vec![0; len])
    }

    /// The secret bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Move the bytes out into a buffer that still zeroizes on drop.
    pub fn into_zeroizing(mut self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(std::mem::take(&mut self.0))
    }

    /// Constant-time comparison with a byte string; a length mismatch is
    /// unequal (checked first, as G-40 asks for tags).
    pub fn ct_eq_bytes(&self, other: &[u8]) -> bool {
        ct_eq(&self.0, other)
    }
}

/// Constant-time equality of two byte strings: different lengths are unequal,
/// equal lengths are compared without early exit.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        ct_eq(&self.0, &other.0)
    }
}

impl Eq for Secret {}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret(<{} bytes redacted>)", self.0.len())
    }
}

impl From<Vec<u8>> for Secret {
    fn from(v: Vec<u8>) -> Self {
        Secret(v)
    }
}

impl From<Zeroizing<Vec<u8>>> for Secret {
    fn from(mut v: Zeroizing<Vec<u8>>) -> Self {
        Secret(std::mem::take(&mut *v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_bytes() {
        let s = Secret::new(vec![0xab; 4]);
        let shown = format!("{s:?}");
        assert!(!shown.contains("ab") && !shown.contains("171"), "{shown}");
        assert!(shown.contains("4 bytes"));
    }

    #[test]
    fn equality_checks_length_then_content() {
        let s = Secret::new(vec![1, 2, 3, 4]);
        assert_eq!(s, Secret::from_slice(&[1, 2, 3, 4]));
        assert_ne!(s, Secret::from_slice(&[1, 2, 3]));
        assert_ne!(s, Secret::from_slice(&[1, 2, 3, 5]));
        assert!(!s.ct_eq_bytes(&[]));
        assert!(!s.ct_eq_bytes(&[1, 2]));
        assert!(s.ct_eq_bytes(&[1, 2, 3, 4]));
    }
}
