//! Check of the official `transcript-hashes.json` (RFC 9420 §8.2, §6.1):
//! confirmed and interim transcript hashes after a Commit, and its
//! confirmation tag.

use mls_codec::{AuthenticatedContent, ContentType};
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

    // RFC 9420 §8.2: the AuthenticatedContent of a Commit splits into the
    // ConfirmedTranscriptHashInput and the confirmation tag.
    let content: AuthenticatedContent = mls_codec::decode(&case.bytes("authenticated_content")?)?;
    ensure(
        content.content.content_type() == ContentType::Commit,
        || "authenticated_content is not a commit".into(),
    )?;
    let confirmed_input = content.confirmed_transcript_hash_input()?;
    let confirmation_tag = content
        .auth
        .confirmation_tag
        .as_ref()
        .ok_or_else(|| CaseError::failed("commit without confirmation_tag"))?
        .as_slice();

    let interim_before = InterimTranscriptHash::new(case.bytes("interim_transcript_hash_before")?);
    let (confirmed, interim) =
        transcript_hashes_after_commit(cs, &interim_before, &confirmed_input, confirmation_tag)?;
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
