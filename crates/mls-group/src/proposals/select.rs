//! The committer's choice of a Commit's proposals (RFC 9420 §12.2; issue
//! 10 item 6, issue 15 item 3): the receiver's checker ([`super::check`])
//! run over the cached proposals and ours by value, leaving out the cached
//! ones that fail and reporting them.

use std::sync::Arc;

use mls_codec::{Proposal, ProposalOrRef, VLBytes};
use mls_treekem::{LeafIndex, TreeView};

use super::cache::{CachedProposal, ProposalRef};
use super::check::{ListChecker, ListPlan, Verifier, admission_rank};
use super::context::{ApplyContext, ProposalSource};
use crate::proposal_sender::ProposalSender;
use crate::{FramingError, GroupError, Result};

/// A cached proposal that the committer left out of its Commit because it
/// would make the Commit invalid (RFC 9420 §12.2; issue 15 item 3), with
/// the rule it breaks. Proposals given by value are never left out: they
/// fail the Commit.
#[derive(Clone, Debug)]
pub struct OmittedProposal {
    /// The proposal's reference (RFC 9420 §5.2).
    pub reference: ProposalRef,
    /// Why it was left out: the error a receiver would reject the Commit with.
    pub reason: Arc<GroupError>,
}

/// The committer's proposal list: cached proposals by reference, then ours
/// by value.
pub(crate) struct Selection<'a> {
    /// The Commit's `proposals` field.
    pub list: Vec<ProposalOrRef>,
    /// The same proposals with their senders.
    pub sources: Vec<ProposalSource<'a>>,
    /// What they do.
    pub plan: ListPlan<'a>,
    /// The cached proposals left out.
    pub omitted: Vec<OmittedProposal>,
}

/// Choose a Commit's proposals with the receiver's checkers (issue 10 item
/// 6, issue 15 item 3): every proposal given by value must pass (else the
/// error); a cached proposal that fails a rule, alone or against those
/// already chosen, is left out and reported. By-value proposals are
/// admitted first within each rank, so that they win over cached ones.
pub(crate) fn select_proposals<'a>(
    ctx: &ApplyContext<'_>,
    tree: &dyn TreeView,
    cached: &'a [CachedProposal],
    by_value: &'a [Proposal],
) -> Result<Selection<'a>> {
    let committer = ProposalSender::Member(
        LeafIndex::new(ctx.committer).map_err(|_| FramingError::SenderNotMember(ctx.committer))?,
    );
    let sources: Vec<ProposalSource<'a>> = cached
        .iter()
        .map(|e| ProposalSource {
            proposal: &e.proposal,
            sender: e.sender,
            by_reference: true,
        })
        .chain(by_value.iter().map(|p| ProposalSource {
            proposal: p,
            sender: committer,
            by_reference: false,
        }))
        .collect();
    let mut order: Vec<usize> = (0..sources.len()).collect();
    order.sort_by_key(|&i| (admission_rank(sources[i].proposal), i < cached.len()));
    let mut checker = ListChecker::new(ctx, tree);
    let mut kept = vec![true; sources.len()];
    let mut omitted = Vec::new();
    // The signature work of every proposal is independent of the others:
    // on every core, each verdict kept, then used in admission order
    // (issue 14 item 2).
    let verifier = Verifier::of(ctx);
    let mut verdicts: Vec<Option<Result<()>>> =
        mls_treekem::par::map(&sources, |source| Some(verifier.verify(source)));
    for i in order {
        let source = &sources[i];
        let verdict = verdicts
            .get_mut(i)
            .and_then(Option::take)
            .unwrap_or(Err(GroupError::Internal("proposal verdict")))
            .and_then(|()| checker.admit(i, source));
        match (verdict, cached.get(i)) {
            (Ok(()), _) => {}
            (Err(e), None) => return Err(e),
            (Err(e), Some(entry)) => {
                kept[i] = false;
                omitted.push(OmittedProposal {
                    reference: entry.reference.clone(),
                    reason: Arc::new(e),
                });
            }
        }
    }
    let plan = checker.finish();
    let mut list = Vec::with_capacity(sources.len());
    let mut chosen = Vec::with_capacity(sources.len());
    for (i, source) in sources.into_iter().enumerate() {
        if !kept[i] {
            continue;
        }
        list.push(match cached.get(i) {
            Some(entry) => {
                ProposalOrRef::Reference(VLBytes::new(entry.reference.as_bytes().to_vec()))
            }
            None => ProposalOrRef::Proposal(source.proposal.clone()),
        });
        chosen.push(source);
    }
    Ok(Selection {
        list,
        sources: chosen,
        plan,
        omitted,
    })
}
