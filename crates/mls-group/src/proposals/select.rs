//! The committer's choice of a Commit's proposals (RFC 9420 §12.2; issue
//! 10 item 6, issue 15 item 3): the receiver's checkers run over the cached
//! proposals and ours by value (the list rules of [`super::check`], then
//! the tree steps of §12.3 on a scratch tree), leaving out the cached ones
//! that fail and reporting them.

use std::collections::HashSet;
use std::sync::Arc;

use mls_codec::{Proposal, ProposalOrRef, VLBytes};
use mls_treekem::{LeafIndex, RatchetTree, TreeView};

use super::apply::TreeSteps;
use super::cache::{CachedProposal, ProposalRef};
use super::check::{ListChecker, ListPlan, TreeChanges, Verifier, admission_rank};
use super::context::{ApplyContext, ProposalSource};
use super::credential_support::{CredentialSupport, members};
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
    tree: &RatchetTree,
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
    let mut kept = vec![true; sources.len()];
    let mut omitted = Vec::new();
    // The signature work of every proposal is independent of the others:
    // on every core, each verdict kept, then used in admission order
    // (issue 14 item 2).
    let verifier = Verifier::of(ctx);
    let mut verdicts: Vec<Option<Result<()>>> =
        mls_treekem::par::map(&sources, |source| Some(verifier.verify(source)));
    // Rounds: the list rules in admission order, then the rules of the
    // tree steps; a round that finds a proposal breaking one of those runs
    // again without it (its absence can change what the others are checked
    // against). Each round but the last leaves at least one out.
    let plan = loop {
        let mut checker = ListChecker::new(ctx, tree);
        for &i in &order {
            if !kept[i] {
                continue;
            }
            // A verdict is taken in the first round; a proposal still kept
            // in a later round verified.
            let verdict = verdicts
                .get_mut(i)
                .and_then(Option::take)
                .unwrap_or(Ok(()))
                .and_then(|()| checker.admit(i, &sources[i]));
            if let Err(e) = verdict {
                leave_out(i, e, cached, &mut kept, &mut omitted)?;
            }
        }
        let conflicts = tree_conflicts(tree, checker.tree_changes(), cached.len());
        if conflicts.is_empty() {
            break checker.finish();
        }
        for (i, e) in conflicts {
            leave_out(i, e, cached, &mut kept, &mut omitted)?;
        }
    };
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

/// Leave the proposal `i` out for `error`: a cached one is reported, one
/// by value fails the Commit.
fn leave_out(
    i: usize,
    error: GroupError,
    cached: &[CachedProposal],
    kept: &mut [bool],
    omitted: &mut Vec<OmittedProposal>,
) -> Result<()> {
    let Some(entry) = cached.get(i) else {
        return Err(error);
    };
    kept[i] = false;
    omitted.push(OmittedProposal {
        reference: entry.reference.clone(),
        reason: Arc::new(error),
    });
    Ok(())
}

/// The chosen proposals that break a rule the list rules leave to the
/// tree's application (where a receiver checks them,
/// [`super::apply_plan`]), with their list index and error: the §12.3 tree
/// steps on a scratch copy, in admission order within each step, so that
/// our proposals by value come before cached ones (key uniqueness,
/// V-7.3-17, V-12.2-17); then §7.3 (V-7.3-06/07) for each new leaf and each
/// Update that changes its credential support, ours first, against the
/// members that stay and the changes before it. Both rules judge pairs,
/// so the order decides only which of two clashing proposals goes. A
/// refused Add leaves the scratch tree as it was, so the Adds (the
/// proposals anyone can make many of) are all judged in one pass; an
/// Update or Remove that fails ends the pass. Without cached proposals
/// among the changes there is nothing to choose: the Commit's own
/// application fails on a proposal by value (and costs no scratch copy).
fn tree_conflicts(
    tree: &RatchetTree,
    changes: TreeChanges<'_, '_>,
    cached: usize,
) -> Vec<(usize, GroupError)> {
    let any_cached = changes.updates.iter().any(|(i, _, _)| *i < cached)
        || changes.removes.iter().any(|(i, _)| *i < cached)
        || changes.adds.iter().any(|(i, _)| *i < cached);
    if !any_cached {
        return Vec::new();
    }
    let mut conflicts = Vec::new();
    let mut diff = tree.diff();
    let mut steps = TreeSteps::new(&mut diff);
    let mut changed: Vec<(usize, LeafIndex)> = Vec::new();
    for &(i, leaf, node) in changes.updates {
        match steps.update(leaf, node) {
            Ok(true) => changed.push((i, leaf)),
            Ok(false) => {}
            Err(e) => {
                conflicts.push((i, e));
                return conflicts;
            }
        }
    }
    for &(i, leaf) in changes.removes {
        if let Err(e) = steps.remove(leaf) {
            conflicts.push((i, e));
            return conflicts;
        }
    }
    for &(i, key_package) in changes.adds {
        match steps.add(key_package) {
            Ok(leaf) => changed.push((i, leaf)),
            Err(e) => conflicts.push((i, e)),
        }
    }
    drop(steps);
    if changed.is_empty() {
        return conflicts;
    }
    // Ours by value first, so that they win over cached changes.
    changed.sort_by_key(|(i, _)| *i < cached);
    let changed_leaves: HashSet<u32> = changed.iter().map(|(_, l)| l.get()).collect();
    let mut support = CredentialSupport::new(
        members(&diff)
            .filter(|(i, _)| !changed_leaves.contains(i))
            .collect(),
    );
    for (i, leaf) in changed {
        let Some(node) = diff.leaf(leaf) else {
            continue;
        };
        match support.check(leaf.get(), node) {
            Ok(()) => support.insert(leaf.get(), node),
            Err(e) => conflicts.push((i, e)),
        }
    }
    conflicts
}
