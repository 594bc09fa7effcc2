//! Rejections of the Welcome of a reinitialized or branched group (RFC
//! 9420 §11.2, §11.3): its resumption PSK, parameters, epoch and members.

use mls_codec::Rule;
use thiserror::Error;

/// The Welcome of a successor or branch group breaks a rule (RFC 9420
/// §11.2, §11.3).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ResumptionError {
    /// RFC 9420 §11.2 (V-11.2-04): a successor group is made or joined from
    /// a group whose last Commit held no ReInit.
    #[error("the group's last Commit held no ReInit")]
    NoPendingReInit,
    /// RFC 9420 §11.2, §11.3 (V-11.2-06, V-12.4.1-07): the Welcome of a
    /// successor or branch names no resumption PSK of the expected usage.
    #[error("the Welcome has no resumption PSK of usage {0}")]
    PskMissing(&'static str),
    /// RFC 9420 §11.2, §11.3 (V-11.2-06): the resumption PSK of a successor
    /// or branch Welcome is of another group or epoch than required.
    #[error("the resumption PSK names another {0}")]
    PskMismatch(&'static str),
    /// RFC 9420 §11.2, §11.3 (V-11.2-03, V-11.3-02): a parameter of the new
    /// group differs from the ReInit proposal (or, for a branch, from the
    /// parent group).
    #[error("the new group's {0} differs")]
    ParameterMismatch(&'static str),
    /// RFC 9420 §11.2, §11.3 (V-11.2-02, V-11.3-03): the new group does not
    /// start at epoch 1.
    #[error("the new group is at epoch {0}, not 1")]
    EpochNotOne(u64),
    /// RFC 9420 §11.2, §11.3 (V-11.2-05, V-11.3-04): the new group's members
    /// are not the old group's (a reinit keeps every member, a branch takes
    /// only members of the parent), compared by credential identity.
    #[error("membership of the new group: {0}")]
    MembershipMismatch(&'static str),
}

impl ResumptionError {
    /// The rule this input breaks (`docs/validation.md`).
    pub fn rule(&self) -> Option<Rule> {
        Some(match self {
            Self::NoPendingReInit => Rule::V_11_2_04,
            Self::PskMissing(..) => Rule::V_11_2_06,
            Self::PskMismatch(..) => Rule::V_11_2_06,
            Self::ParameterMismatch(..) => Rule::V_11_2_03,
            Self::EpochNotOne(..) => Rule::V_11_2_02,
            Self::MembershipMismatch(..) => Rule::V_11_2_05,
        })
    }
}
