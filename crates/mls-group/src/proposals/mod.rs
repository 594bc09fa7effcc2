//! Proposals (RFC 9420 §12.1): the per-epoch cache of received proposals
//! keyed by ProposalRef, the §12.2 list validation and the §12.3 order in
//! which a list is applied to the tree.

mod apply;
mod cache;
mod check;
mod context;
mod credential_support;
mod custom;
mod policy;
mod select;

pub use crate::proposal_sender::ProposalSender;
pub(crate) use apply::{
    AppliedProposals, ApplyContext, ProposalSource, apply_plan, apply_proposals,
    check_tree_supports_group, leaf_supports,
};
pub use cache::ProposalRef;
pub(crate) use cache::{CachedProposal, ProposalCache};
pub(crate) use check::{
    check_external_senders, check_group_context_extensions, check_list_structure,
    check_psk_proposal, check_reinit_proposal, check_remove_target, check_update_target,
    verify_proposal,
};
pub(crate) use credential_support::{
    check_credential_support, check_tree_credential_support, credential_support_changes,
};
pub(crate) use custom::{check_custom_proposal, committed_custom};
pub use policy::ProposalPolicy;
pub use select::OmittedProposal;
pub(crate) use select::select_proposals;
