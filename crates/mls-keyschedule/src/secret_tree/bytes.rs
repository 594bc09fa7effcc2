//! The byte reader and writer of the secret-tree state encoding (see
//! `persist.rs` for the layout), shared by the tree and its ratchets so that
//! neither module imports the other.

use zeroize::Zeroizing;

use crate::{KeyScheduleError, Result, TreeSecret};

/// The error for a malformed or inconsistent saved state.
pub(super) fn malformed(what: &'static str) -> KeyScheduleError {
    KeyScheduleError::MalformedState(what)
}

/// Appends to a zeroizing buffer.
pub(super) struct Writer(pub(super) Zeroizing<Vec<u8>>);

impl Writer {
    pub(super) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    pub(super) fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }

    pub(super) fn count(&mut self, n: usize) {
        // The maps hold far fewer than 2^32 entries (bounded by the tree).
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }

    pub(super) fn secret(&mut self, s: &[u8]) {
        // Secrets are at most 64 bytes (KDF.Nh), so the length fits a u8.
        let len = u8::try_from(s.len()).unwrap_or(u8::MAX);
        self.u8(len);
        self.0.extend_from_slice(&s[..usize::from(len)]);
    }
}

/// Reads from the stored bytes, never past their end.
pub(super) struct Reader<'a>(pub(super) &'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8]> {
        if self.0.len() < n {
            return Err(malformed("truncated"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    pub(super) fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    pub(super) fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A count of entries of at least `min_entry` bytes each, checked
    /// against the remaining input before anything is allocated.
    pub(super) fn count(&mut self, min_entry: usize) -> Result<usize> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_entry) > self.0.len() {
            return Err(malformed("count exceeds the remaining input"));
        }
        Ok(n)
    }

    pub(super) fn secret(&mut self) -> Result<TreeSecret> {
        let len = usize::from(self.u8()?);
        Ok(TreeSecret::from_slice(self.take(len)?))
    }
}
