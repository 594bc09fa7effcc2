//! The error type of the group engine, grouped by kind (issue 10 item 5).
//!
//! [`GroupError`] is small on purpose, in the manner of rustls's `Error`: a
//! caller matches on the *kind* (input from the network broke a rule, the
//! caller misused the API, storage, crypto, decoding, an internal invariant)
//! and reads the detail from the kind's own enum, where every variant of one
//! cause sits together.
//!
//! - [`GroupError::Rejected`]: a message, Welcome, GroupInfo or KeyPackage
//!   from outside breaks a rule of RFC 9420. The [`Rejection`] names the area
//!   ([`FramingError`], [`KeyPackageError`], [`WelcomeError`],
//!   [`ProposalError`], [`CommitError`], [`ResumptionError`]) and, through
//!   [`GroupError::rule`], the rule as a value ([`Rule`], e.g. `V-6-04`;
//!   each id's text is in `docs/validation.md`). The group is unchanged.
//! - [`GroupError::Misuse`]: the caller asked for something the API or the
//!   group's state does not allow ([`Misuse`]): merging with nothing
//!   pending, committing while a commit is pending, sending in a group that
//!   ended, a signer that does not fit.
//! - [`GroupError::Storage`] and [`GroupError::State`]: the store failed, or
//!   stored bytes are damaged or of an unknown version.
//! - Input that does not decode (malformed, over a decoding limit, fields
//!   that contradict each other) is a rejection too: [`Rejection::Decode`]
//!   carries the codec's error, which names the field and the rule
//!   (RFC 9420 §2.1, G-34). Only a failure to *encode* one of our own values
//!   is [`GroupError::Encode`].
//! - [`GroupError::Crypto`], [`GroupError::KeySchedule`],
//!   [`GroupError::TreeKem`]: a lower layer failed; where that layer names a
//!   rule, [`GroupError::rule`] returns it.
//! - [`GroupError::Internal`]: an invariant of the engine does not hold (a
//!   bug, never caused by input).
//!
//! Messages read as prose and end with the rule they cite:
//! `message group_id is not the group's (RFC 9420 §6, V-6-04)`.

mod commit;
mod framing;
mod key_package;
mod misuse;
mod proposal;
mod resumption;
mod state;
mod welcome;

/// Why a leaf does not support the group (RFC 9420 §7.3, §11.1, §13.4), as
/// `proposals::leaf_supports` says it and the errors that carry it read it.
pub(crate) mod unsupported {
    /// A non-default GroupContext extension type is not in the capabilities.
    pub(crate) const GROUP_EXTENSION: &str =
        "a group extension type is not in the member's capabilities";
    /// An extension type of `required_capabilities` is not.
    pub(crate) const REQUIRED_EXTENSION: &str = "required extension type not supported";
    /// A proposal type of `required_capabilities` is not.
    pub(crate) const REQUIRED_PROPOSAL: &str = "required proposal type not supported";
    /// A credential type of `required_capabilities` is not.
    pub(crate) const REQUIRED_CREDENTIAL: &str = "required credential type not supported";
}

pub use commit::CommitError;
pub use framing::FramingError;
pub use key_package::KeyPackageError;
pub use misuse::Misuse;
pub use mls_codec::Rule;
pub use proposal::ProposalError;
pub use resumption::ResumptionError;
pub use state::StateError;
pub use welcome::WelcomeError;

use std::fmt;

use thiserror::Error;

/// Everything the group engine can fail with, by kind.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum GroupError {
    /// Input from outside (a message, Welcome, GroupInfo or KeyPackage)
    /// breaks a rule of RFC 9420; the group is left unchanged.
    #[error(transparent)]
    Rejected(#[from] Rejection),
    /// The caller asked for something the API or the group's state does not
    /// allow.
    #[error(transparent)]
    Misuse(#[from] Misuse),
    /// Encoding one of our own values failed (a value past the wire
    /// format's limits). Input that fails to *decode* is a
    /// [`Rejection::Decode`] instead.
    #[error("encoding: {0}")]
    Encode(mls_codec::CodecError),
    /// A cryptographic operation failed.
    #[error("crypto: {0}")]
    Crypto(#[from] mls_crypto::CryptoError),
    /// The key schedule or secret tree failed (e.g. a replayed generation).
    #[error("key schedule: {0}")]
    KeySchedule(#[from] mls_keyschedule::KeyScheduleError),
    /// The ratchet tree failed.
    #[error("ratchet tree: {0}")]
    TreeKem(#[from] mls_treekem::TreeKemError),
    /// The group store failed (see [`crate::storage::StoreError`]).
    #[error("group store: {0}")]
    Storage(#[from] crate::store_error::StoreError),
    /// Stored bytes (a group state, a KeyPackage bundle) are damaged or of
    /// an unknown version.
    #[error(transparent)]
    State(#[from] StateError),
    /// An invariant of the engine does not hold: a bug, not bad input.
    #[error("internal error: {0}")]
    Internal(&'static str),
}

impl GroupError {
    /// The rule of `docs/validation.md` this error enforces, if it names
    /// one: every [`GroupError::Rejected`] of a rule-backed check, a misuse
    /// that a sender rule forbids, and the lower-layer errors that cite a
    /// rule.
    pub fn rule(&self) -> Option<Rule> {
        match self {
            GroupError::Rejected(r) => r.rule(),
            GroupError::Misuse(m) => m.rule(),
            GroupError::Encode(e) => e.rule(),
            GroupError::KeySchedule(e) => e.rule(),
            GroupError::TreeKem(e) => e.rule(),
            GroupError::Crypto(_)
            | GroupError::Storage(_)
            | GroupError::State(_)
            | GroupError::Internal(_) => None,
        }
    }

    /// The rejection, if input broke a rule.
    pub fn rejection(&self) -> Option<&Rejection> {
        match self {
            GroupError::Rejected(r) => Some(r),
            _ => None,
        }
    }

    /// Whether the error is the input's fault (a [`GroupError::Rejected`]),
    /// as opposed to the caller's, the store's or the engine's.
    pub fn is_rejection(&self) -> bool {
        matches!(self, GroupError::Rejected(_))
    }
}

/// Input from outside that breaks a rule, by the area of RFC 9420 it
/// belongs to. Displays as the reason followed by the rule cited.
#[derive(Debug)]
#[non_exhaustive]
pub enum Rejection {
    /// Framing and message protection (RFC 9420 §6, §9).
    Framing(FramingError),
    /// A KeyPackage (RFC 9420 §10, §5.1).
    KeyPackage(KeyPackageError),
    /// A Welcome or GroupInfo (RFC 9420 §12.4.3).
    Welcome(WelcomeError),
    /// A proposal or the proposal list of a Commit (RFC 9420 §12.1, §12.2).
    Proposal(ProposalError),
    /// A Commit (RFC 9420 §12.4), including external Commits (§12.4.3.2).
    Commit(CommitError),
    /// The Welcome of a reinitialized or branched group (RFC 9420 §11.2,
    /// §11.3).
    Resumption(ResumptionError),
    /// Bytes from outside that do not decode: malformed, over a decoding
    /// limit, or with fields that contradict each other (RFC 9420 §2.1,
    /// G-34). The codec's error names the field and its rule.
    Decode(mls_codec::CodecError),
}

impl Rejection {
    /// The rule the input breaks, if the rulebook has one for this check.
    pub fn rule(&self) -> Option<Rule> {
        match self {
            Rejection::Framing(e) => e.rule(),
            Rejection::KeyPackage(e) => e.rule(),
            Rejection::Welcome(e) => e.rule(),
            Rejection::Proposal(e) => e.rule(),
            Rejection::Commit(e) => e.rule(),
            Rejection::Resumption(e) => e.rule(),
            Rejection::Decode(e) => e.rule(),
        }
    }

    fn reason(&self) -> &(dyn std::error::Error + 'static) {
        match self {
            Rejection::Framing(e) => e,
            Rejection::KeyPackage(e) => e,
            Rejection::Welcome(e) => e,
            Rejection::Proposal(e) => e,
            Rejection::Commit(e) => e,
            Rejection::Resumption(e) => e,
            Rejection::Decode(e) => e,
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.reason())?;
        if matches!(self, Rejection::Decode(_)) {
            // The codec's messages cite their rule already.
            return Ok(());
        }
        match self.rule() {
            Some(rule) => write!(f, " (RFC 9420 §{}, {rule})", rule.section()),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Rejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.reason().source()
    }
}

/// `From` for each area, so that `?` and `.into()` lift an area's error to
/// a [`GroupError::Rejected`].
macro_rules! rejection_from {
    ($($area:ident($ty:ty)),*) => {$(
        impl From<$ty> for Rejection {
            fn from(e: $ty) -> Self {
                Rejection::$area(e)
            }
        }
        impl From<$ty> for GroupError {
            fn from(e: $ty) -> Self {
                GroupError::Rejected(Rejection::$area(e))
            }
        }
    )*};
}

/// Decoding failures are the input's fault ([`Rejection::Decode`]);
/// encoding failures are ours ([`GroupError::Encode`]).
impl From<mls_codec::CodecError> for GroupError {
    fn from(e: mls_codec::CodecError) -> Self {
        match e {
            mls_codec::CodecError::Encoding(_) => GroupError::Encode(e),
            e => GroupError::Rejected(Rejection::Decode(e)),
        }
    }
}

rejection_from!(
    Framing(FramingError),
    KeyPackage(KeyPackageError),
    Welcome(WelcomeError),
    Proposal(ProposalError),
    Commit(CommitError),
    Resumption(ResumptionError)
);

/// A content type by its RFC 9420 §6 name, for messages read by people.
fn content_type_name(value: u8) -> String {
    match value {
        1 => "application".into(),
        2 => "proposal".into(),
        3 => "commit".into(),
        other => format!("{other}"),
    }
}

/// A proposal type by its RFC 9420 §17.4 name, for messages read by people.
fn proposal_type_name(value: u16) -> String {
    match value {
        1 => "add".into(),
        2 => "update".into(),
        3 => "remove".into(),
        4 => "psk".into(),
        5 => "reinit".into(),
        6 => "external_init".into(),
        7 => "group_context_extensions".into(),
        other => format!("0x{other:04x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejection_names_its_rule_as_data_and_in_its_message() {
        let e = GroupError::from(FramingError::GroupIdMismatch);
        assert!(e.is_rejection());
        assert_eq!(e.rule(), Some(Rule::V_6_04));
        assert_eq!(
            e.to_string(),
            "message group_id is not the group's (RFC 9420 §6, V-6-04)"
        );
        let e = GroupError::from(FramingError::EpochMismatch {
            expected: 3,
            actual: 4,
        });
        assert_eq!(e.rule(), Some(Rule::V_6_05));
        assert!(e.to_string().ends_with("(RFC 9420 §6, V-6-05)"), "{e}");
    }

    #[test]
    fn each_sender_type_has_its_own_rule() {
        let by = |sender| {
            GroupError::from(FramingError::SenderContentTypeNotAllowed {
                sender,
                content_type: 3,
            })
        };
        assert_eq!(by("external").rule(), Some(Rule::V_6_1_06));
        assert_eq!(by("new_member_commit").rule(), Some(Rule::V_6_1_09));
        assert_eq!(by("new_member_proposal").rule(), Some(Rule::V_6_1_11));
        assert_eq!(
            by("external").to_string(),
            "sender type external cannot send content type commit (RFC 9420 §6.1, V-6.1-06)"
        );
    }

    #[test]
    fn a_wrapped_tree_error_gives_the_tree_rule() {
        let inner = mls_treekem::TreeKemError::CredentialNotSuccessor { leaf: 2 };
        let e = GroupError::from(ProposalError::UpdateLeafInvalid(inner));
        assert_eq!(e.rule(), Some(Rule::V_5_3_1_08));
        let e = GroupError::from(ProposalError::UpdateLeafInvalid(
            mls_treekem::TreeKemError::TreeFull,
        ));
        assert_eq!(e.rule(), Some(Rule::V_12_1_2_01));
    }

    #[test]
    fn misuse_and_internal_errors_are_not_rejections() {
        let e = GroupError::from(Misuse::PendingCommitExists);
        assert!(!e.is_rejection());
        assert_eq!(e.rule(), None);
        assert_eq!(
            GroupError::from(Misuse::ProposalsPending).rule(),
            Some(Rule::V_12_4_11)
        );
        assert_eq!(GroupError::Internal("x").rule(), None);
    }

    #[test]
    fn input_that_does_not_decode_is_a_rejection_naming_its_rule() {
        let bytes = [0xc0u8, 0, 0, 0];
        let e = GroupError::from(mls_codec::decode::<mls_codec::VLBytes>(&bytes).unwrap_err());
        assert!(e.is_rejection(), "{e:?}");
        assert!(matches!(e.rejection(), Some(Rejection::Decode(_))));
        assert_eq!(e.rule(), Some(Rule::V_2_1_2_01));
        assert_eq!(e.to_string().matches("V-2.1.2-01").count(), 1, "{e}");
        let e = GroupError::from(mls_codec::CodecError::Encoding("too long".into()));
        assert!(!e.is_rejection());
        assert!(matches!(e, GroupError::Encode(_)));
    }

    #[test]
    fn values_are_named() {
        assert_eq!(proposal_type_name(1), "add");
        assert_eq!(proposal_type_name(0x0a0a), "0x0a0a");
        assert_eq!(content_type_name(2), "proposal");
    }
}
