//! Decoding limits (RFC 9420 §2.1.2).

/// The largest vector byte length a varint header can carry in MLS
/// (RFC 9420 §2.1.2: 30-bit lengths).
pub const MAX_VECTOR_LEN: usize = (1 << 30) - 1;
