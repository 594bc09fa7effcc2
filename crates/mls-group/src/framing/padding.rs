//! How much zero padding a sender appends to a PrivateMessageContent
//! (RFC 9420 §6.3.1: "It is up to the application to decide ... how much
//! padding to add"). The receiver accepts any amount as long as every
//! padding byte is zero (checked by `mls_codec::PrivateMessageContent::decode`).

/// The padding policy for outgoing PrivateMessages (runtime configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PaddingMode {
    /// No padding: the ciphertext length reveals the exact content length.
    None,
    /// Pad the plaintext (content + auth data) up to the next multiple of
    /// this many bytes. `Multiple(0)` and `Multiple(1)` add nothing.
    Multiple(u32),
    /// Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files
    /// and Communication with PURBs", PETS 2019, §4): at most about 12%
    /// overhead, and a length of L leaks only O(log log L) bits. The default.
    #[default]
    Padme,
}

impl PaddingMode {
    /// The number of zero bytes to append to a plaintext of `len` bytes.
    pub fn padding_len(self, len: usize) -> usize {
        match self {
            PaddingMode::None => 0,
            PaddingMode::Multiple(n) => {
                let n = n as usize;
                if n <= 1 {
                    0
                } else {
                    // Distance up to the next multiple of n (0 if aligned).
                    (n - len % n) % n
                }
            }
            PaddingMode::Padme => padme(len) - len,
        }
    }
}

/// The Padmé length of `len` (PURB paper, Algorithm 1), never smaller than
/// `len`.
///
/// Write `len` in binary; its highest set bit is bit `E = floor(log2 len)`.
/// Padmé keeps only the top `S = floor(log2 E) + 1` bits of the length (the
/// bits needed to write E itself) and rounds the remaining low `E - S` bits
/// up, i.e. it rounds `len` up to a multiple of `2^(E - S)`. The padded
/// length is then determined by E and the S kept bits: O(log log len) bits
/// of information, while the overhead is below `2^(E-S) / 2^E = 2^-S`
/// (< 12% once len >= 256, and decreasing slowly as E grows).
pub fn padme(len: usize) -> usize {
    // Lengths 0..=2 have E <= 1, so there is nothing to round (and
    // log2(0) is undefined).
    if len <= 2 {
        return len;
    }
    let bits = usize::BITS;
    // E = floor(log2 len): index of the highest set bit.
    let e = bits - 1 - len.leading_zeros();
    // S = floor(log2 E) + 1: number of bits needed to write E (E >= 1 here;
    // E is a u32, so count within 32 bits).
    let s = u32::BITS - e.leading_zeros();
    // The number of low bits to round away; E >= S always holds for E >= 1.
    let last_bits = e - s;
    // A mask of `last_bits` ones; adding it then clearing those bits rounds
    // up to the next multiple of 2^last_bits. Only a length within `mask`
    // of usize::MAX could overflow; such a length is kept as it is.
    let mask = (1usize << last_bits) - 1;
    match len.checked_add(mask) {
        Some(sum) => sum & !mask,
        None => len,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padme_known_values() {
        // Small lengths are kept as they are.
        for len in 0..=8 {
            assert_eq!(padme(len), len, "len {len}");
        }
        // E = 3 (8..16): S = 2, last_bits = 1 -> even lengths.
        assert_eq!(padme(9), 10);
        assert_eq!(padme(15), 16);
        // E = 6 (64..128): S = 3, last_bits = 3 -> multiples of 8.
        assert_eq!(padme(65), 72);
        assert_eq!(padme(100), 104);
        // E = 10 (1024..2048): S = 4, last_bits = 6 -> multiples of 64.
        assert_eq!(padme(1025), 1088);
        assert_eq!(padme(1088), 1088);
    }

    #[test]
    fn padme_is_monotone_and_bounded() {
        let mut previous = 0;
        for len in 0..70_000usize {
            let p = padme(len);
            assert!(p >= len && p >= previous, "len {len}");
            // Overhead at most 2^-S of len, with S >= 2 here: under 25%, and
            // under 12.5% from len = 256 on (S >= 4).
            if len >= 256 {
                assert!((p - len) * 8 <= len, "len {len} -> {p}");
            }
            previous = p;
        }
        assert_eq!(padme(usize::MAX), usize::MAX);
    }

    #[test]
    fn modes() {
        assert_eq!(PaddingMode::None.padding_len(77), 0);
        assert_eq!(PaddingMode::Multiple(0).padding_len(77), 0);
        assert_eq!(PaddingMode::Multiple(1).padding_len(77), 0);
        assert_eq!(PaddingMode::Multiple(32).padding_len(77), 19);
        assert_eq!(PaddingMode::Multiple(32).padding_len(96), 0);
        assert_eq!(PaddingMode::Padme.padding_len(100), 4);
        assert_eq!(PaddingMode::default(), PaddingMode::Padme);
    }
}
