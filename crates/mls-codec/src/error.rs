//! The one error type of this crate.
//!
//! Every variant names the rule that failed: the RFC 9420 section and, where
//! one exists, the id from the project's VALIDATION.md (for example
//! `V-2.1.2-01`).

use thiserror::Error;

use crate::rule::Rule;

use crate::limits::MAX_VECTOR_LEN;

/// Why encoding or decoding failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CodecError {
    /// The input ended in the middle of a value (RFC 9420 §2.1).
    #[error("input ended in the middle of a value (RFC 9420 §2.1)")]
    EndOfInput,

    /// A variable-length header starts with the reserved prefix `0b11`
    /// (RFC 9420 §2.1.2, V-2.1.2-01).
    #[error(
        "varint header 0x{first_byte:02x} uses the reserved 0b11 prefix (RFC 9420 §2.1.2, V-2.1.2-01)"
    )]
    ReservedVarintPrefix {
        /// The offending first byte.
        first_byte: u8,
    },

    /// A variable-length header is longer than needed for its value
    /// (RFC 9420 §2.1.2, V-2.1.2-02 / V-2.1.2-03).
    #[error(
        "varint {value} encoded in {encoded_len} bytes is not minimal (RFC 9420 §2.1.2, V-2.1.2-02/03)"
    )]
    NonMinimalVarint {
        /// The decoded value.
        value: u32,
        /// The number of bytes used to encode it.
        encoded_len: usize,
    },

    /// A vector declares more bytes than remain in its enclosing input; nothing
    /// of the declared size was allocated (RFC 9420 §2.1.2, V-2.1.2-05).
    #[error(
        "vector declares {declared} bytes but only {remaining} remain (RFC 9420 §2.1.2, V-2.1.2-05)"
    )]
    VectorLengthExceedsInput {
        /// The declared byte length.
        declared: usize,
        /// The bytes left in the enclosing input.
        remaining: usize,
    },

    /// A vector is longer than the varint can express (2^30 - 1 bytes) or than
    /// a configured maximum (RFC 9420 §2.1.2, V-2.1.2-06).
    #[error("vector of {len} bytes exceeds the maximum of {max} (RFC 9420 §2.1.2, V-2.1.2-06)")]
    VectorTooLarge {
        /// The byte length of the vector.
        len: usize,
        /// The largest allowed byte length.
        max: usize,
    },

    /// The whole input is larger than the configured maximum message size
    /// (G-34); nothing of it was read.
    #[error("input of {len} bytes exceeds the maximum message size of {max} bytes (G-34)")]
    MessageTooLarge {
        /// The input length.
        len: usize,
        /// The configured maximum.
        max: usize,
    },

    /// Vectors nest deeper than the configured maximum (G-34).
    #[error("vectors nest deeper than the maximum of {max} levels (G-34)")]
    NestedTooDeep {
        /// The configured maximum depth.
        max: u32,
    },

    /// Decoding would hold more heap than the configured multiple of the
    /// input size (G-34): the input is made of many tiny values whose
    /// in-memory form is much larger than their encoding.
    #[error("decoding would need more than {limit} bytes of memory per input byte (G-34)")]
    MemoryLimitExceeded {
        /// The configured heap bytes per input byte.
        limit: usize,
    },

    /// A ratchet tree has more nodes than the configured maximum group size
    /// allows (V-12.4.3.3-03); rejected before any node was kept.
    #[error(
        "ratchet tree of more than {max} nodes exceeds the configured maximum group size (RFC 9420 §12.4.3.3, V-12.4.3.3-03)"
    )]
    TreeTooLarge {
        /// The largest node count allowed.
        max: usize,
    },

    /// A vector of fixed-size elements has a byte length that is not a
    /// multiple of the element size (RFC 9420 §2.1, V-2.1-07).
    #[error(
        "vector of {len} bytes is not a multiple of its {element_size}-byte elements (RFC 9420 §2.1, V-2.1-07)"
    )]
    VectorLengthNotMultiple {
        /// The declared byte length.
        len: usize,
        /// The size of one element.
        element_size: usize,
    },

    /// The last element of a vector runs past the vector's declared length
    /// (RFC 9420 §2.1, V-2.1-08).
    #[error("an element runs past the end of its vector (RFC 9420 §2.1, V-2.1-08)")]
    ElementOverrunsVector,

    /// Bytes remain after a complete top-level value (RFC 9420 §2.1, V-2.1-09).
    #[error("{remaining} trailing bytes after a complete value (RFC 9420 §2.1, V-2.1-09)")]
    TrailingBytes {
        /// How many bytes were left over.
        remaining: usize,
    },

    /// A closed enum holds its reserved value 0 or a value outside its range
    /// (RFC 9420 §2.1, V-2.1-10; for `WireFormat` V-6-03).
    #[error("invalid {what} value {value} (RFC 9420 §2.1, V-2.1-10)")]
    InvalidEnumValue {
        /// The enum that was being decoded (the RFC's name).
        what: &'static str,
        /// The value found on the wire.
        value: u64,
    },

    /// The presence octet of an `optional<T>` is neither 0 nor 1
    /// (RFC 9420 §2.1.1, V-2.1.1-01).
    #[error("optional presence octet {0} is neither 0 nor 1 (RFC 9420 §2.1.1, V-2.1.1-01)")]
    InvalidOptionalPresence(u8),

    /// The data of a known extension type does not parse exactly as that
    /// extension's struct (RFC 9420 §13.3, V-2.1-11).
    #[error("extension of type {extension_type} has malformed data (RFC 9420 §13.3, V-2.1-11)")]
    MalformedExtension {
        /// The extension type.
        extension_type: u16,
    },

    /// An `MLSMessage` names a protocol version other than mls10
    /// (RFC 9420 §6, V-6-02).
    #[error("unsupported protocol version {0} (RFC 9420 §6, V-6-02)")]
    UnsupportedVersion(u16),

    /// The padding of a `PrivateMessageContent` holds a non-zero byte
    /// (RFC 9420 §6.3.1).
    #[error("non-zero padding in PrivateMessageContent (RFC 9420 §6.3.1)")]
    NonZeroPadding,

    /// A vector element consumed no input (would loop forever); cannot happen
    /// for RFC 9420 structs, kept as a guard (RFC 9420 §2.1).
    #[error("vector element consumed no input (RFC 9420 §2.1)")]
    EmptyElement,

    /// A value cannot be encoded because two fields disagree: the RFC makes
    /// the presence of one depend on the other (named in `what`), so the
    /// bytes would not decode back to the same value.
    #[error("inconsistent fields: {what}")]
    InconsistentFields {
        /// The rule that is broken, with its RFC section.
        what: &'static str,
    },

    /// The underlying `tls_codec` encoder failed (text of its error).
    #[error("tls_codec encoding failed: {0}")]
    Encoding(String),
}

impl CodecError {
    /// The rule of `docs/validation.md` this error enforces, if any.
    pub fn rule(&self) -> Option<Rule> {
        Some(match self {
            Self::EndOfInput => return None,
            Self::ReservedVarintPrefix { .. } => Rule::V_2_1_2_01,
            Self::NonMinimalVarint { .. } => Rule::V_2_1_2_02,
            Self::VectorLengthExceedsInput { .. } => Rule::V_2_1_2_05,
            Self::VectorTooLarge { .. } => Rule::V_2_1_2_06,
            Self::MessageTooLarge { .. } => return None,
            Self::NestedTooDeep { .. } => return None,
            Self::MemoryLimitExceeded { .. } => return None,
            Self::TreeTooLarge { .. } => Rule::V_12_4_3_3_03,
            Self::VectorLengthNotMultiple { .. } => Rule::V_2_1_07,
            Self::ElementOverrunsVector => Rule::V_2_1_08,
            Self::TrailingBytes { .. } => Rule::V_2_1_09,
            Self::InvalidEnumValue { .. } => Rule::V_2_1_10,
            Self::InvalidOptionalPresence(..) => Rule::V_2_1_1_01,
            Self::MalformedExtension { .. } => Rule::V_2_1_11,
            Self::UnsupportedVersion(..) => Rule::V_6_02,
            Self::NonZeroPadding => return None,
            Self::EmptyElement => return None,
            Self::InconsistentFields { .. } => return None,
            Self::Encoding(..) => return None,
        })
    }
}

impl CodecError {
    /// Whether this is a configured limit (size, depth, memory, group size)
    /// rather than malformed input.
    pub fn is_limit(&self) -> bool {
        matches!(
            self,
            CodecError::VectorTooLarge { .. }
                | CodecError::MessageTooLarge { .. }
                | CodecError::NestedTooDeep { .. }
                | CodecError::MemoryLimitExceeded { .. }
                | CodecError::TreeTooLarge { .. }
        )
    }
}

impl From<tls_codec::Error> for CodecError {
    fn from(e: tls_codec::Error) -> Self {
        match e {
            tls_codec::Error::EndOfStream => CodecError::EndOfInput,
            tls_codec::Error::TrailingData => CodecError::TrailingBytes { remaining: 0 },
            tls_codec::Error::InvalidVectorLength => CodecError::VectorTooLarge {
                len: usize::MAX,
                max: MAX_VECTOR_LEN,
            },
            tls_codec::Error::EncodingError(text) => {
                match INCONSISTENCY_RULES.iter().find(|rule| **rule == text) {
                    Some(rule) => CodecError::InconsistentFields { what: rule },
                    None => CodecError::Encoding(text),
                }
            }
            other => CodecError::Encoding(other.to_string()),
        }
    }
}

/// The field-consistency rules checked by `Serialize` impls of this crate.
/// A `tls_codec::Serialize` impl can only return a `tls_codec::Error`, so it
/// reports the rule's text, and `From` maps it back to the typed variant.
///
/// The rule texts live here, not beside their structs, so that this module
/// depends on no other module of the crate.
const INCONSISTENCY_RULES: &[&str] = &[TAG_IFF_COMMIT, MEMBERSHIP_TAG_IFF_MEMBER];

/// The rule checked when encoding a confirmation tag (RFC 9420 §6.1).
pub(crate) const TAG_IFF_COMMIT: &str =
    "confirmation_tag must be present exactly when content_type is commit (RFC 9420 §6.1)";

/// The rule checked when encoding a membership tag (RFC 9420 §6.2).
pub(crate) const MEMBERSHIP_TAG_IFF_MEMBER: &str =
    "membership_tag must be present exactly when the sender is a member (RFC 9420 §6.2)";

/// A `tls_codec` encoding error for a broken consistency rule.
pub(crate) fn inconsistent(rule: &'static str) -> tls_codec::Error {
    tls_codec::Error::EncodingError(rule.to_string())
}

impl From<CodecError> for tls_codec::Error {
    fn from(e: CodecError) -> Self {
        match e {
            CodecError::EndOfInput => tls_codec::Error::EndOfStream,
            CodecError::TrailingBytes { .. } => tls_codec::Error::TrailingData,
            CodecError::InconsistentFields { what } => inconsistent(what),
            other => tls_codec::Error::DecodingError(other.to_string()),
        }
    }
}
