//! Check of the official `transcript-hashes.json` (RFC 9420 §8.2, §6.1):
//! confirmed and interim transcript hashes after a Commit, and its
//! confirmation tag.

use mls_crypto::{CipherSuite, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_keyschedule::{ConfirmationKey, InterimTranscriptHash, transcript_hashes_after_commit};
use mls_vectors::{Case, CaseError, CaseResult, ensure, ensure_bytes_eq};

/// Check one case of `transcript-hashes.json`.
pub fn check(case: &Case<'_>) -> CaseResult {
    let suite_id = case.cipher_suite()?;
    let suite = CipherSuite::from_id(suite_id)
        .map_err(|_| CaseError::UnsupportedSuite(u64::from(suite_id)))?;
    let provider = RustCryptoProvider::new();
    let cs = provider
        .cipher_suite_provider(suite)
        .ok_or(CaseError::UnsupportedSuite(u64::from(suite_id)))?;
    let cs = cs.as_ref();

    // Split the AuthenticatedContent into ConfirmedTranscriptHashInput
    // (wire_format || FramedContent || signature<V>) and the trailing
    // confirmation_tag<V>. The tag of a Commit is a MAC of Nh bytes, so it
    // ends the content with the varint header of Nh (RFC 9420 §2.1.2).
    let content = case.bytes("authenticated_content")?;
    let nh = suite.hash_len();
    let header: Vec<u8> = if nh < 64 {
        vec![nh as u8]
    } else {
        vec![0x40 | (nh >> 8) as u8, nh as u8]
    };
    let split = content
        .len()
        .checked_sub(nh + header.len())
        .ok_or_else(|| CaseError::failed("authenticated_content too short"))?;
    let (confirmed_input, tag_field) = content.split_at(split);
    ensure(tag_field.starts_with(&header), || {
        "confirmation_tag is not an Nh-byte vector".into()
    })?;
    let confirmation_tag = &tag_field[header.len()..];

    let interim_before = InterimTranscriptHash::new(case.bytes("interim_transcript_hash_before")?);
    let (confirmed, interim) =
        transcript_hashes_after_commit(cs, &interim_before, confirmed_input, confirmation_tag)?;
    ensure_bytes_eq(
        "confirmed_transcript_hash_after",
        confirmed.as_bytes(),
        &case.bytes("confirmed_transcript_hash_after")?,
    )?;
    ensure_bytes_eq(
        "interim_transcript_hash_after",
        interim.as_bytes(),
        &case.bytes("interim_transcript_hash_after")?,
    )?;
    ConfirmationKey::from_slice(&case.bytes("confirmation_key")?).verify(
        cs,
        confirmed.as_bytes(),
        confirmation_tag,
    )?;
    Ok(())
}
