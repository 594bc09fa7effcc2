//! Proposals (RFC 9420 §12.1): the per-epoch cache of received proposals
//! keyed by ProposalRef, the §12.2 list validation and the §12.3 order in
//! which a list is applied to the tree.

mod apply;
mod cache;

pub(crate) use apply::{
    AppliedProposals, ApplyContext, ProposalSource, apply_proposals, check_credential_support,
    leaf_supports,
};
pub use cache::ProposalRef;
pub(crate) use cache::{CachedProposal, ProposalCache};
