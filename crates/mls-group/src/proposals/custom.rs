//! Application-defined proposals in a proposal list and on their own (RFC
//! 9420 §12.2, §13): the type is registered, every member staying in the
//! group supports it, the application's hook accepts it. One checker for
//! the member sending or receiving a standalone custom proposal, the
//! committer choosing its list and the receiver of the Commit.

use mls_codec::{Extension, LeafNode, Proposal, ProposalType};
use mls_treekem::{LeafIndex, TreeView};

use super::context::{ApplyContext, ProposalSource};
use crate::custom::{CommittedCustomProposal, CustomEffect, CustomProposal};
use crate::{ProposalError, Result};

/// The type and body of a custom proposal, `None` for the RFC's own types
/// (a [`Proposal::Unknown`] is a custom one when it is registered).
pub(crate) fn custom_parts(proposal: &Proposal) -> Option<(ProposalType, &[u8])> {
    match proposal {
        Proposal::Unknown {
            proposal_type,
            data,
        } => Some((ProposalType(*proposal_type), data.as_slice())),
        _ => None,
    }
}

/// §13: the proposal's type is registered (else it is a type this member
/// does not support, V-12.2-16), and the application's hook accepts it
/// (V-13-01). `run_hook` is false for the structural pass over content
/// that is not authenticated yet: the hook never sees it.
pub(crate) fn check_custom_proposal(
    ctx: &ApplyContext<'_>,
    source: &ProposalSource<'_>,
    run_hook: bool,
) -> Result<CustomEffect> {
    let Some((proposal_type, body)) = custom_parts(source.proposal) else {
        return Err(crate::GroupError::Internal("not a custom proposal"));
    };
    let entry = ctx
        .custom
        .proposal(proposal_type)
        .ok_or(ProposalError::NotAllowed(proposal_type.0))?;
    if !run_hook {
        return Ok(CustomEffect::default());
    }
    entry
        .handler
        .validate(&CustomProposal {
            proposal_type,
            body,
            sender: source.sender,
            context: ctx.context,
        })
        .map_err(|refusal| {
            ProposalError::CustomProposalRefused {
                proposal_type: proposal_type.0,
                reason: refusal.reason,
            }
            .into()
        })
}

/// §12.2 (V-12.2-16, V-13.2-01): every member staying in the group lists
/// `proposal_type` in its capabilities: the leaves of `tree` but those
/// `removed`, with the new leaf of those `updated` (members added by the
/// Commit need not support it).
pub(crate) fn check_custom_support(
    tree: &dyn TreeView,
    removed: &[LeafIndex],
    updated: &[(LeafIndex, &LeafNode)],
    proposal_type: ProposalType,
) -> Result<()> {
    for i in 0..tree.leaf_count() {
        let Ok(leaf) = LeafIndex::new(i) else {
            continue;
        };
        if removed.contains(&leaf) {
            continue;
        }
        let node = updated
            .iter()
            .find(|(l, _)| *l == leaf)
            .map(|(_, n)| *n)
            .or_else(|| tree.leaf(leaf));
        if node.is_some_and(|n| !n.capabilities.proposals.contains(&proposal_type)) {
            return Err(ProposalError::CustomProposalUnsupported {
                proposal_type: proposal_type.0,
                member: i,
            }
            .into());
        }
    }
    Ok(())
}

/// `base` with each extension of `set` replacing the one of its type, or
/// appended (a [`CustomEffect`] on the GroupContext extensions).
pub(crate) fn with_extensions(base: &[Extension], set: &[Extension]) -> Vec<Extension> {
    let mut out = base.to_vec();
    for e in set {
        match out
            .iter_mut()
            .find(|x| x.extension_type == e.extension_type)
        {
            Some(x) => *x = e.clone(),
            None => out.push(e.clone()),
        }
    }
    out
}

/// The custom proposals of an accepted list, in list order, for
/// [`crate::CommitInfo::custom_proposals`].
pub(crate) fn committed_custom(list: &[ProposalSource<'_>]) -> Vec<CommittedCustomProposal> {
    list.iter()
        .filter_map(|s| {
            custom_parts(s.proposal).map(|(proposal_type, body)| CommittedCustomProposal {
                sender: s.sender,
                proposal_type,
                body: body.to_vec(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mls_codec::{ExtensionType, VLBytes};

    fn ext(t: u16, v: u8) -> Extension {
        Extension {
            extension_type: ExtensionType(t),
            extension_data: VLBytes::new(vec![v]),
        }
    }

    #[test]
    fn an_effect_replaces_its_type_and_appends_the_others() {
        let base = vec![ext(0xf0, 1), ext(0xf1, 1)];
        let out = with_extensions(&base, &[ext(0xf1, 2), ext(0xf2, 3)]);
        assert_eq!(out, vec![ext(0xf0, 1), ext(0xf1, 2), ext(0xf2, 3)]);
    }

    #[test]
    fn only_unknown_types_have_custom_parts() {
        let p = Proposal::Unknown {
            proposal_type: 0xf000,
            data: VLBytes::new(vec![9]),
        };
        assert_eq!(custom_parts(&p), Some((ProposalType(0xf000), &[9u8][..])));
        let r = Proposal::Remove(mls_codec::Remove { removed: 1 });
        assert_eq!(custom_parts(&r), None);
    }
}
