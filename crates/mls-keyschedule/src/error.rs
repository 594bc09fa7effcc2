//! The error type of the key-schedule layer.

use mls_codec::Rule;
use mls_crypto::CryptoError;
use thiserror::Error;

/// Everything the key schedule, the PSK combination, the transcript hashes
/// and the secret tree can fail with.
///
/// Each variant names the RFC 9420 rule (and, where one exists, the
/// VALIDATION.md id) that failed. An operation that fails with any of these
/// leaves every state it was given unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyScheduleError {
    /// A cipher-suite primitive failed (KDF, HPKE, MAC).
    #[error("crypto operation failed: {0}")]
    Crypto(#[from] CryptoError),

    // ---- §8.4 pre-shared keys -------------------------------------------
    /// RFC 9420 §8.4: a `psk_nonce` must be `KDF.Nh` bytes long.
    #[error("psk_nonce has {actual} bytes, RFC 9420 §8.4 requires KDF.Nh = {expected}")]
    InvalidPskNonceLength {
        /// `KDF.Nh` of the suite.
        expected: usize,
        /// The length that was given.
        actual: usize,
    },
    /// RFC 9420 §8.4: `PSKLabel.index` and `count` are `uint16`, so at most
    /// 65535 PSKs can be combined.
    #[error("{0} PSKs given; PSKLabel counts them in a uint16 (RFC 9420 §8.4)")]
    TooManyPsks(usize),
    /// RFC 9420 §8.4, §12.4.2 (V-12.4.2-06): a referenced PSK is not
    /// available (unknown external PSK id, or resumption PSK of an epoch that
    /// is not retained, V-8.6-01).
    #[error("PSK not found: {0} (RFC 9420 §8.4, V-12.4.2-06)")]
    PskNotFound(String),
    /// A PreSharedKeyID field is too long to encode (§2.1.2 vector length).
    #[error("PreSharedKeyID field too long to encode (RFC 9420 §2.1.2)")]
    PskIdEncoding,

    // ---- §6.1 / §6.2 / §8.2 tags ----------------------------------------
    /// RFC 9420 §6.1, §8.2 (V-6.1-13, V-12.4.2-11): the confirmation tag does
    /// not match `MAC(confirmation_key, confirmed_transcript_hash)`.
    #[error("confirmation tag does not verify (RFC 9420 §6.1, §8.2, V-6.1-13)")]
    InvalidConfirmationTag,
    /// RFC 9420 §6.2 (V-12.4.2-02): the membership tag does not match
    /// `MAC(membership_key, AuthenticatedContentTBM)`.
    #[error("membership tag does not verify (RFC 9420 §6.2, V-6.2-01)")]
    InvalidMembershipTag,
    /// The InterimTranscriptHashInput could not be encoded (tag too long).
    #[error("confirmation tag too long to encode (RFC 9420 §8.2)")]
    TranscriptEncoding,

    // ---- §9 secret tree -------------------------------------------------
    /// RFC 9420 §6.3.2, §9 (V-6.3.2-02): the sender's leaf index is outside
    /// the group.
    #[error("leaf index {leaf} outside a group of {leaf_count} leaves (RFC 9420 §9, V-6.3.2-02)")]
    LeafOutOfRange {
        /// The leaf index asked for.
        leaf: u32,
        /// The number of leaves of the secret tree.
        leaf_count: u32,
    },
    /// RFC 9420 §6, §9.1: only application (1), proposal (2) and commit (3)
    /// content is encrypted with a sender ratchet.
    #[error("content type {0} has no sender ratchet (RFC 9420 §6, §9.1)")]
    InvalidContentType(u8),
    /// RFC 9420 §9.1, §15.3 (V-9.1-03): the generation is further ahead of the
    /// ratchet than the configured maximum forward distance.
    #[error(
        "generation {generation} is more than {max_forward_distance} ahead of {next_generation} (RFC 9420 §15.3, V-9.1-03)"
    )]
    GenerationTooFarAhead {
        /// The generation asked for.
        generation: u32,
        /// The ratchet's next unused generation.
        next_generation: u32,
        /// The configured maximum forward distance.
        max_forward_distance: u32,
    },
    /// RFC 9420 §9.2 (V-9.1-01): the key of this generation was already
    /// consumed and deleted (replay).
    #[error("generation {0} already consumed (RFC 9420 §9.2, V-9.1-01)")]
    GenerationAlreadyUsed(u32),
    /// RFC 9420 §9.2, §15.3 (V-9.1-02): the generation is older than the
    /// retained out-of-order window; its key was deleted unused.
    #[error(
        "generation {0} is older than the retained out-of-order window (RFC 9420 §15.3, V-9.1-02)"
    )]
    GenerationTooOld(u32),
    /// RFC 9420 §9.1 (V-9.1-06): every generation up to 2^32 - 1 of this
    /// ratchet has been used; generations never wrap.
    #[error("sender ratchet exhausted at generation 2^32-1 (RFC 9420 §9.1, V-9.1-06)")]
    RatchetExhausted,
    /// A [`crate::ConsumeToken`] no longer matches the secret tree (another
    /// change to the same ratchet or path was applied after the lookup, or
    /// the token belongs to another tree). Nothing was changed.
    #[error("consume token does not match the current secret-tree state")]
    StaleToken,
    /// The secret-tree state holds no secret on the path to a leaf that has
    /// no ratchets (a corrupted or hand-built state, §9).
    #[error("secret tree holds no secret on the path to the leaf (corrupted state, RFC 9420 §9)")]
    InconsistentState,
    /// A stored secret-tree state ([`crate::SecretTree::from_bytes`]) is
    /// malformed or violates the tree's invariants; the text says which.
    #[error("stored secret-tree state is malformed: {0}")]
    MalformedState(&'static str),
}

impl KeyScheduleError {
    /// The rule of `docs/validation.md` this error enforces, if any.
    pub fn rule(&self) -> Option<Rule> {
        Some(match self {
            Self::Crypto(..) => return None,
            Self::InvalidPskNonceLength { .. } => return None,
            Self::TooManyPsks(..) => return None,
            Self::PskNotFound(..) => Rule::V_12_4_2_06,
            Self::PskIdEncoding => return None,
            Self::InvalidConfirmationTag => Rule::V_6_1_13,
            Self::InvalidMembershipTag => Rule::V_6_2_01,
            Self::TranscriptEncoding => return None,
            Self::LeafOutOfRange { .. } => Rule::V_6_3_2_02,
            Self::InvalidContentType(..) => return None,
            Self::GenerationTooFarAhead { .. } => Rule::V_9_1_03,
            Self::GenerationAlreadyUsed(..) => Rule::V_9_1_01,
            Self::GenerationTooOld(..) => Rule::V_9_1_02,
            Self::RatchetExhausted => Rule::V_9_1_06,
            Self::StaleToken => return None,
            Self::InconsistentState => return None,
            Self::MalformedState(..) => return None,
        })
    }
}
