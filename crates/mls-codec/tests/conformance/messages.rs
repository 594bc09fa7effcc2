//! `messages.json` (RFC 9420 §6, §7, §10, §12): every field decodes as its
//! struct, consuming all bytes, and re-encodes to identical bytes
//! (V-2.1-12). The proposal fields are bare proposal bodies (no type).

use mls_codec::{
    Add, Commit, ContentType, Decode, ExternalInit, GroupContextExtensions, GroupSecrets,
    MlsMessage, MlsMessageBody, PreSharedKeyProposal, RatchetTree, ReInit, Remove, Update,
    WireFormat,
};
use mls_vectors::{Case, CaseError, CaseResult, ensure, ensure_bytes_eq};

/// Decode `field` as `T` (all bytes), re-encode, compare; return the value.
fn round_trip<T: Decode + mls_codec::tls_codec::Serialize>(
    case: &Case<'_>,
    field: &str,
) -> Result<T, CaseError> {
    let bytes = case.bytes(field)?;
    let value: T = mls_codec::decode(&bytes)
        .map_err(|e| CaseError::failed(format!("{field}: decode failed: {e}")))?;
    let again = mls_codec::encode(&value)
        .map_err(|e| CaseError::failed(format!("{field}: encode failed: {e}")))?;
    ensure_bytes_eq(field, &again, &bytes)?;
    Ok(value)
}

fn message(case: &Case<'_>, field: &str, want: WireFormat) -> Result<MlsMessage, CaseError> {
    let m: MlsMessage = round_trip(case, field)?;
    ensure(m.wire_format() == want, || {
        format!("{field}: wire format {:?}, want {want:?}", m.wire_format())
    })?;
    Ok(m)
}

fn public_content_type(case: &Case<'_>, field: &str, want: ContentType) -> Result<(), CaseError> {
    match message(case, field, WireFormat::PUBLIC_MESSAGE)?.body {
        MlsMessageBody::PublicMessage(pm) => ensure(pm.content.content_type() == want, || {
            format!("{field}: content type {:?}", pm.content.content_type())
        }),
        other => Err(CaseError::failed(format!("{field}: not public: {other:?}"))),
    }
}

/// Check one case.
pub fn check(case: &Case<'_>) -> CaseResult {
    message(case, "mls_welcome", WireFormat::WELCOME)?;
    message(case, "mls_group_info", WireFormat::GROUP_INFO)?;
    message(case, "mls_key_package", WireFormat::KEY_PACKAGE)?;
    round_trip::<RatchetTree>(case, "ratchet_tree")?;
    round_trip::<GroupSecrets>(case, "group_secrets")?;
    round_trip::<Add>(case, "add_proposal")?;
    round_trip::<Update>(case, "update_proposal")?;
    round_trip::<Remove>(case, "remove_proposal")?;
    round_trip::<PreSharedKeyProposal>(case, "pre_shared_key_proposal")?;
    round_trip::<ReInit>(case, "re_init_proposal")?;
    round_trip::<ExternalInit>(case, "external_init_proposal")?;
    round_trip::<GroupContextExtensions>(case, "group_context_extensions_proposal")?;
    round_trip::<Commit>(case, "commit")?;
    public_content_type(case, "public_message_application", ContentType::Application)?;
    public_content_type(case, "public_message_proposal", ContentType::Proposal)?;
    public_content_type(case, "public_message_commit", ContentType::Commit)?;
    message(case, "private_message", WireFormat::PRIVATE_MESSAGE)?;
    Ok(())
}
