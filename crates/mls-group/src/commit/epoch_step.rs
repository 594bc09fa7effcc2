//! The step every Commit takes into its new epoch (RFC 9420 §8, §8.1,
//! §8.2, §6.1): the confirmed transcript hash over the signed Commit, the
//! key schedule over the new GroupContext, the confirmation tag, and the
//! interim transcript hash. The committer ([`seal`]: a member's Commit, an
//! external Commit) and the receivers ([`verify`]: a member's or an
//! external Commit) run this one code, so a Commit cannot be judged
//! differently at the two ends (issue 10 item 6).

use mls_codec::{AuthenticatedContent, GroupContext, VLBytes};
use mls_crypto::CipherSuiteProvider;
use mls_keyschedule::{
    CommitSecret, ConfirmedTranscriptHash, EpochKeys, InitSecret, InterimTranscriptHash, PskSecret,
};

use crate::framing::VerifiedMessage;
use crate::{CommitError, Result};

/// The new epoch's secrets and transcript.
pub(crate) struct NextEpoch {
    /// The key schedule's output (joiner and welcome secrets, epoch secrets).
    pub keys: EpochKeys,
    /// The interim transcript hash of the new epoch.
    pub interim: InterimTranscriptHash,
    /// The Commit's confirmation tag.
    pub confirmation_tag: Vec<u8>,
}

/// The secrets that enter the key schedule (§8).
pub(crate) struct ScheduleInput {
    pub init_secret: InitSecret,
    pub commit_secret: CommitSecret,
    pub psk_secret: PskSecret,
}

/// The committer's side: derive the new epoch and put its confirmation tag
/// into `auth` (§6.1: the tag is part of the Commit's auth data).
/// `context` is the new GroupContext without its confirmed transcript hash,
/// which this step sets.
pub(crate) fn seal(
    cs: &dyn CipherSuiteProvider,
    interim: &InterimTranscriptHash,
    auth: &mut AuthenticatedContent,
    context: &mut GroupContext,
    input: ScheduleInput,
) -> Result<NextEpoch> {
    let confirmed_input = auth.confirmed_transcript_hash_input()?;
    let (confirmed, keys) = derive(cs, interim, &[&confirmed_input], context, input)?;
    let confirmation_tag = keys.secrets.confirmation_key.tag(cs, confirmed.as_bytes());
    auth.auth.confirmation_tag = Some(VLBytes::new(confirmation_tag.clone()));
    finish(cs, confirmed, keys, confirmation_tag)
}

/// The receiver's side: derive the new epoch and check the Commit's
/// confirmation tag (§12.4.2, V-12.4.2-08). `commit` is the verified Commit,
/// whose encoding gives the ConfirmedTranscriptHashInput.
pub(crate) fn verify(
    cs: &dyn CipherSuiteProvider,
    interim: &InterimTranscriptHash,
    commit: &VerifiedMessage,
    context: &mut GroupContext,
    input: ScheduleInput,
) -> Result<NextEpoch> {
    let (confirmed, keys) = derive(
        cs,
        interim,
        &commit.confirmed_transcript_input()?,
        context,
        input,
    )?;
    let tag = commit
        .auth()
        .confirmation_tag
        .as_ref()
        .ok_or(CommitError::ConfirmationTagInvalid)?;
    keys.secrets
        .confirmation_key
        .verify(cs, confirmed.as_bytes(), tag.as_slice())
        .map_err(|_| CommitError::ConfirmationTagInvalid)?;
    finish(cs, confirmed, keys, tag.as_slice().to_vec())
}

/// §8.2 then §8: the confirmed transcript hash goes into the GroupContext
/// the key schedule is run over.
fn derive(
    cs: &dyn CipherSuiteProvider,
    interim: &InterimTranscriptHash,
    confirmed_input: &[&[u8]],
    context: &mut GroupContext,
    input: ScheduleInput,
) -> Result<(ConfirmedTranscriptHash, EpochKeys)> {
    let confirmed = ConfirmedTranscriptHash::next_parts(cs, interim, confirmed_input);
    context.confirmed_transcript_hash = VLBytes::new(confirmed.as_bytes().to_vec());
    let keys = EpochKeys::derive(
        cs,
        input.init_secret,
        input.commit_secret,
        input.psk_secret,
        &mls_codec::encode(&*context)?,
    )?;
    Ok((confirmed, keys))
}

/// §8.2: the interim transcript hash covers the confirmation tag.
fn finish(
    cs: &dyn CipherSuiteProvider,
    confirmed: ConfirmedTranscriptHash,
    keys: EpochKeys,
    confirmation_tag: Vec<u8>,
) -> Result<NextEpoch> {
    let interim = InterimTranscriptHash::next(cs, &confirmed, &confirmation_tag)?;
    Ok(NextEpoch {
        keys,
        interim,
        confirmation_tag,
    })
}
