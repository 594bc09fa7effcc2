//! Rejections of a Commit (RFC 9420 §12.4, §12.4.2): its path, PSKs and
//! confirmation tag, and the rules of external Commits (§12.2, §12.4.3.2,
//! §8.3).

use mls_codec::Rule;
use thiserror::Error;

/// A Commit breaks a rule (RFC 9420 §12.4).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CommitError {
    /// RFC 9420 §12.4.2 (V-12.4.2-11): the Commit's confirmation tag does not
    /// match the new epoch's.
    #[error("Commit confirmation tag invalid")]
    ConfirmationTagInvalid,
    /// RFC 9420 §7.5, §16.12 (V-7.5-01..03, V-7.5-06, V-16.12-01): the path
    /// secret this member receives from the Commit does not decrypt or does
    /// not derive the keys sent; names the committer so the inconsistent
    /// Commit can be reported.
    #[error("path secrets of the Commit from leaf {committer} are inconsistent: {source}")]
    InconsistentPath {
        /// The committer's leaf index.
        committer: u32,
        /// The TreeKEM rule that failed.
        #[source]
        source: mls_treekem::TreeKemError,
    },
    /// RFC 9420 §12.4 (V-12.4-01..05): the Commit has no path although its
    /// proposals require one.
    #[error("Commit without the path its proposals require")]
    PathRequired,
    /// RFC 9420 §12.4.2 (V-12.4.2-07..10): the Commit's path or the new tree
    /// is invalid; the inner error names the tree rule.
    #[error("invalid Commit path or tree: {0}")]
    InvalidTree(#[source] mls_treekem::TreeKemError),
    /// RFC 9420 §12.4.2 (V-12.4.2-06, V-12.1.4-04): a PSK of the Commit is
    /// unavailable or invalid.
    #[error("PSK unavailable: {0}")]
    PskUnavailable(#[source] mls_keyschedule::KeyScheduleError),
    /// RFC 9420 §12.4.3.2 (V-12.4.3.2-07) {policy}: this group refuses
    /// external Commits (`GroupConfig::allow_external_commits`).
    #[error("this group does not accept external Commits")]
    ExternalNotAllowed,
    /// RFC 9420 §12.4.3.2 (V-12.4.3.2-02): an external Commit lists a
    /// proposal by reference (a joiner cannot judge cached proposals).
    #[error("external Commit with a proposal by reference")]
    ExternalProposalByReference,
    /// RFC 9420 §12.2 (V-12.2-20): an external Commit without ExternalInit.
    #[error("external Commit without an ExternalInit proposal")]
    ExternalWithoutExternalInit,
    /// RFC 9420 §12.2 (V-12.2-21): an external Commit with more than one
    /// ExternalInit.
    #[error("external Commit with more than one ExternalInit")]
    ExternalDuplicateExternalInit,
    /// RFC 9420 §12.2 (V-12.2-22): an external Commit with more than one
    /// Remove.
    #[error("external Commit with more than one Remove")]
    ExternalDuplicateRemove,
    /// RFC 9420 §12.2 (V-12.2-24): an external Commit holds a proposal type
    /// other than ExternalInit, Remove and PreSharedKey.
    #[error(
        "proposal type {} is not allowed in an external Commit",
        super::proposal_type_name(*.0)
    )]
    ExternalProposalNotAllowed(u16),
    /// RFC 9420 §12.2, §12.4.3.2 (V-12.2-23): the Remove of a resync
    /// external Commit names a leaf that is not the joiner's earlier leaf
    /// (its credential is not one the joiner's is a valid successor of, as
    /// the credential validator decides) or the new leaf reuses its key.
    #[error("external Commit removes leaf {leaf}, {reason}")]
    ExternalInvalidResync {
        /// The removed leaf.
        leaf: u32,
        /// Why it may not be removed by this joiner.
        reason: &'static str,
    },
    /// RFC 9420 §8.3 (V-8.3-02): the ExternalInit `kem_output` does not
    /// decapsulate with the group's external key.
    #[error("ExternalInit kem_output does not decapsulate")]
    ExternalInitInvalid,
}

impl CommitError {
    /// The rule this input breaks (`docs/validation.md`).
    pub fn rule(&self) -> Option<Rule> {
        Some(match self {
            Self::ConfirmationTagInvalid => Rule::V_12_4_2_11,
            Self::InconsistentPath { .. } => Rule::V_16_12_01,
            Self::PathRequired => Rule::V_12_4_01,
            // The tree rule that failed, where the tree layer names one.
            Self::InvalidTree(e) => return e.rule().or(Some(Rule::V_12_4_2_07)),
            Self::PskUnavailable(..) => Rule::V_12_4_2_06,
            Self::ExternalNotAllowed => Rule::V_12_4_3_2_07,
            Self::ExternalProposalByReference => Rule::V_12_4_3_2_02,
            Self::ExternalWithoutExternalInit => Rule::V_12_2_20,
            Self::ExternalDuplicateExternalInit => Rule::V_12_2_21,
            Self::ExternalDuplicateRemove => Rule::V_12_2_22,
            Self::ExternalProposalNotAllowed(..) => Rule::V_12_2_24,
            Self::ExternalInvalidResync { .. } => Rule::V_12_2_23,
            Self::ExternalInitInvalid => Rule::V_8_3_02,
        })
    }
}
