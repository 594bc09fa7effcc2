//! The error type of the group engine.
//!
//! One enum for the crate, grouped by cause. Each variant names the RFC 9420
//! section and, where one exists, the VALIDATION.md rule (V-...) that failed.
//! Sections below are owned by the modules named in their headers.

use thiserror::Error;

/// Everything the group engine can reject.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum GroupError {
    // ----- lower layers -----
    /// Wire decoding or encoding failed.
    #[error(transparent)]
    Codec(#[from] mls_codec::CodecError),
    /// A cryptographic operation failed.
    #[error(transparent)]
    Crypto(#[from] mls_crypto::CryptoError),
    /// The key schedule or secret tree rejected the input.
    #[error(transparent)]
    KeySchedule(#[from] mls_keyschedule::KeyScheduleError),
    /// The ratchet tree rejected the input.
    #[error(transparent)]
    TreeKem(#[from] mls_treekem::TreeKemError),

    // ----- framing (§6), module `framing` -----

    // ----- key packages (§10), module `key_package` -----

    // ----- group lifecycle (§11-§14) -----
}
