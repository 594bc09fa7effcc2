//! Decoding limits (RFC 9420 §2.1.2; guidance G-34, G-35).
//!
//! Every decode runs under a [`DecodeLimits`]: the largest input, the largest
//! vector, the deepest nesting of vectors, the largest ratchet tree (nodes),
//! and a heap budget proportional to the input. The limits are enforced while
//! decoding, at the cheapest point: the input size before the first byte is
//! read, a vector length before its body is touched, the tree's node count
//! before any node is kept, and the heap budget before each allocation the
//! decoder makes (vector storage, byte strings, boxes).
//!
//! The heap budget is the guarantee behind "no decoder holds more than a
//! small multiple of its input": a decoder charges every allocation it makes
//! (a growing vector is charged its whole new capacity each time, so the
//! charge bounds the live heap including the copy made while it grows) and
//! nothing is refunded, so the live heap a decode holds is at most
//! `heap_ratio × input + HEAP_SLACK` bytes. Honest inputs stay far below it
//! (their vectors carry keys, hashes and signatures); inputs made of many
//! empty vectors, whose in-memory form is 24 bytes per input byte, are
//! rejected with [`crate::CodecError::MemoryLimitExceeded`].

/// The largest vector byte length a varint header can carry in MLS
/// (RFC 9420 §2.1.2: 30-bit lengths).
pub const MAX_VECTOR_LEN: usize = (1 << 30) - 1;

/// The default largest group (leaves of a ratchet tree) a decoded tree may
/// describe: 2^17 members.
pub const DEFAULT_MAX_GROUP_SIZE: u32 = 1 << 17;

/// The default largest input: 64 MiB (a GroupInfo carrying the ratchet tree
/// of a full default-size group is about 55 MB).
pub const DEFAULT_MAX_MESSAGE_LEN: usize = 64 << 20;

/// The default heap budget per input byte.
pub const DEFAULT_HEAP_RATIO: usize = 16;

/// Heap every decode may use beyond `heap_ratio × input` (small values:
/// a vector's first allocation holds four elements).
pub const HEAP_SLACK: usize = 4096;

/// The default deepest nesting of vectors. The deepest RFC 9420 structure
/// (a certificate inside a credential inside an external sender inside an
/// extension inside a leaf inside a tree inside a GroupInfo inside a Welcome's
/// decrypted payload) nests fewer than 16 vectors.
pub const DEFAULT_MAX_DEPTH: u32 = 32;

/// The limits a decode runs under; [`DecodeLimits::default`] is safe for
/// network input. Applications that run larger groups raise
/// `max_group_size` (and `max_message_len`) per client or per group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// The largest input accepted, in bytes.
    pub max_message_len: usize,
    /// The largest vector (at any depth), in bytes (V-2.1.2-06).
    pub max_vector_len: usize,
    /// The deepest nesting of vectors.
    pub max_depth: u32,
    /// The most leaves a decoded ratchet tree may describe (V-12.4.3.3-03):
    /// a tree of more than `2 × max_group_size - 1` nodes is rejected before
    /// any of its nodes is kept.
    pub max_group_size: u32,
    /// Heap bytes a decode may allocate per input byte (plus
    /// [`HEAP_SLACK`]).
    pub heap_ratio: usize,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            max_message_len: DEFAULT_MAX_MESSAGE_LEN,
            max_vector_len: MAX_VECTOR_LEN,
            max_depth: DEFAULT_MAX_DEPTH,
            max_group_size: DEFAULT_MAX_GROUP_SIZE,
            heap_ratio: DEFAULT_HEAP_RATIO,
        }
    }
}

impl DecodeLimits {
    /// Limits that only keep the RFC's own bounds (30-bit vectors) and the
    /// heap budget: for trusted local data such as a saved group state.
    pub fn unbounded() -> Self {
        DecodeLimits {
            max_message_len: usize::MAX,
            max_vector_len: MAX_VECTOR_LEN,
            max_depth: u32::MAX,
            max_group_size: u32::MAX,
            heap_ratio: DEFAULT_HEAP_RATIO,
        }
    }

    /// The most nodes a ratchet tree may have under these limits.
    pub fn max_tree_nodes(&self) -> usize {
        (self.max_group_size as usize)
            .saturating_mul(2)
            .saturating_sub(1)
    }

    /// The heap budget of a decode of `input_len` bytes.
    pub fn heap_budget(&self, input_len: usize) -> usize {
        self.heap_ratio
            .saturating_mul(input_len)
            .saturating_add(HEAP_SLACK)
    }
}
