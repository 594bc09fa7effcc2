//! Transcript hashes (RFC 9420 §8.2).
//!
//! ```text
//! confirmed_transcript_hash_[n] =
//!     Hash(interim_transcript_hash_[n-1] || ConfirmedTranscriptHashInput_[n])
//! interim_transcript_hash_[n] =
//!     Hash(confirmed_transcript_hash_[n] || InterimTranscriptHashInput_[n])
//! ```
//!
//! `ConfirmedTranscriptHashInput` is `wire_format || FramedContent ||
//! signature<V>` of the Commit's AuthenticatedContent (everything but the
//! confirmation tag); `InterimTranscriptHashInput` is `confirmation_tag<V>`.
//! Both hashes are the empty string at epoch 0. The hashes are public values.

use mls_crypto::CipherSuiteProvider;
use tls_codec::{Serialize, VLByteSlice};

use crate::{KeyScheduleError, Result};

/// The confirmed transcript hash: part of the GroupContext (§8.1, §8.2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ConfirmedTranscriptHash(Vec<u8>);

/// The interim transcript hash: the confirmed hash plus the last Commit's
/// confirmation tag (§8.2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct InterimTranscriptHash(Vec<u8>);

impl ConfirmedTranscriptHash {
    /// Wrap hash bytes (e.g. from a GroupContext).
    pub fn new(bytes: Vec<u8>) -> Self {
        ConfirmedTranscriptHash(bytes)
    }

    /// The empty hash of epoch 0 (§8.2).
    pub fn empty() -> Self {
        Self::default()
    }

    /// The hash bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// `Hash(interim_transcript_hash_[n-1] || ConfirmedTranscriptHashInput_[n])`
    /// (§8.2); `confirmed_input` is the serialized ConfirmedTranscriptHashInput.
    pub fn next(
        cs: &dyn CipherSuiteProvider,
        interim_before: &InterimTranscriptHash,
        confirmed_input: &[u8],
    ) -> Self {
        Self::next_parts(cs, interim_before, &[confirmed_input])
    }

    /// [`ConfirmedTranscriptHash::next`] with the serialized
    /// ConfirmedTranscriptHashInput given in parts (a received Commit's are
    /// slices of its one encoding, `mls_codec::ContentEncoding`), hashed
    /// without being joined.
    pub fn next_parts(
        cs: &dyn CipherSuiteProvider,
        interim_before: &InterimTranscriptHash,
        confirmed_input: &[&[u8]],
    ) -> Self {
        let mut parts = Vec::with_capacity(1 + confirmed_input.len());
        parts.push(interim_before.0.as_slice());
        parts.extend_from_slice(confirmed_input);
        ConfirmedTranscriptHash(cs.hash_parts(&parts))
    }
}

impl InterimTranscriptHash {
    /// Wrap hash bytes (e.g. restored from storage).
    pub fn new(bytes: Vec<u8>) -> Self {
        InterimTranscriptHash(bytes)
    }

    /// The empty hash of epoch 0 (§8.2).
    pub fn empty() -> Self {
        Self::default()
    }

    /// The hash bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// `Hash(confirmed_transcript_hash_[n] || confirmation_tag<V>)` (§8.2).
    /// A new member computes it from the GroupInfo's confirmation tag.
    pub fn next(
        cs: &dyn CipherSuiteProvider,
        confirmed: &ConfirmedTranscriptHash,
        confirmation_tag: &[u8],
    ) -> Result<Self> {
        let mut data = Vec::with_capacity(confirmed.0.len() + confirmation_tag.len() + 4);
        data.extend_from_slice(&confirmed.0);
        VLByteSlice(confirmation_tag)
            .tls_serialize(&mut data)
            .map_err(|_| KeyScheduleError::TranscriptEncoding)?;
        Ok(InterimTranscriptHash(cs.hash(&data)))
    }
}

/// Both transcript hashes after a Commit (§8.2): from the interim hash
/// before it, its serialized ConfirmedTranscriptHashInput and its
/// confirmation tag.
pub fn transcript_hashes_after_commit(
    cs: &dyn CipherSuiteProvider,
    interim_before: &InterimTranscriptHash,
    confirmed_input: &[u8],
    confirmation_tag: &[u8],
) -> Result<(ConfirmedTranscriptHash, InterimTranscriptHash)> {
    let confirmed = ConfirmedTranscriptHash::next(cs, interim_before, confirmed_input);
    let interim = InterimTranscriptHash::next(cs, &confirmed, confirmation_tag)?;
    Ok((confirmed, interim))
}
