//! Imported NIST-curve private keys (P-256, P-384, P-521): the fixed-width
//! big-endian scalar of RFC 9180 §7.1.2 (`SerializePrivateKey`) and SEC1
//! §2.3.7, also accepted with leading zero bytes dropped.
//!
//! Some implementations write a scalar as a minimal big-endian integer, so a
//! P-521 key (whose first byte is 0 or 1) often arrives in 65 bytes, and the
//! official test vectors contain such keys. A shorter string is the same
//! integer, so it is left-padded to the field size; a longer one is
//! rejected, as the callers then reject zero and values not below the group
//! order. The one checker is shared by the signature and HPKE imports.

use zeroize::Zeroizing;

/// `bytes` left-padded with zeros to `field_len` bytes, or `None` when it is
/// longer than `field_len`.
pub(crate) fn left_padded(bytes: &[u8], field_len: usize) -> Option<Zeroizing<Vec<u8>>> {
    let padding = field_len.checked_sub(bytes.len())?;
    let mut out = Zeroizing::new(vec![0u8; field_len]);
    out.get_mut(padding..)?.copy_from_slice(bytes);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::left_padded;

    #[test]
    fn shorter_scalars_are_left_padded() {
        assert_eq!(
            left_padded(&[1, 2], 4).as_deref().map(|v| &v[..]),
            Some(&[0, 0, 1, 2][..])
        );
        assert_eq!(
            left_padded(&[1, 2, 3, 4], 4).as_deref().map(|v| &v[..]),
            Some(&[1, 2, 3, 4][..])
        );
        assert_eq!(
            left_padded(&[], 2).as_deref().map(|v| &v[..]),
            Some(&[0, 0][..])
        );
    }

    #[test]
    fn longer_scalars_are_refused() {
        assert_eq!(left_padded(&[0, 1, 2, 3, 4], 4), None);
    }
}
