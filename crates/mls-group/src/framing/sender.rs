//! Who may send what, and with which signature key (RFC 9420 §6.1).
//!
//! | sender | content | signature key |
//! |---|---|---|
//! | `member(i)` | any | `signature_key` of the non-blank leaf `i` of the tree |
//! | `external(i)` | proposal of an external-capable type | `external_senders[i].signature_key` of the GroupContext |
//! | `new_member_commit` | commit with a path | `signature_key` of the path's LeafNode |
//! | `new_member_proposal` | Add proposal | `signature_key` of the Add's KeyPackage leaf |
//!
//! The checks are in the order of the table (VALIDATION.md V-6.1-01,
//! V-6.1-04 .. V-6.1-12).

use mls_codec::{
    ContentType, ExternalSenders, FramedContent, FramedContentBody, GroupContext, LeafNode,
    Proposal, Sender, find_payload,
};
use mls_treekem::{LeafIndex, RatchetTree, TreeDiff, TreeView};

use crate::{FramingError, GroupError, Rejection, Result};

/// Read access to the members of the epoch a message belongs to: the
/// signature key of each non-blank leaf (RFC 9420 §6.1, GUIDANCE G-15: for a
/// message of a past epoch, pass that epoch's tree).
///
/// Implemented for [`RatchetTree`] and [`TreeDiff`]; implement it for any
/// other view of the membership.
pub trait MemberView {
    /// The `signature_key` of the leaf at `leaf_index`, or `None` when the
    /// index is outside the tree or the leaf is blank.
    fn member_signature_key(&self, leaf_index: u32) -> Option<&[u8]>;
}

fn tree_signature_key(tree: &impl TreeView, leaf_index: u32) -> Option<&[u8]> {
    let leaf = LeafIndex::new(leaf_index).ok()?;
    tree.leaf(leaf).map(|l| l.signature_key.0.as_slice())
}

impl MemberView for RatchetTree {
    fn member_signature_key(&self, leaf_index: u32) -> Option<&[u8]> {
        tree_signature_key(self, leaf_index)
    }
}

impl MemberView for TreeDiff<'_> {
    fn member_signature_key(&self, leaf_index: u32) -> Option<&[u8]> {
        tree_signature_key(self, leaf_index)
    }
}

/// The name of a non-member sender type, for errors.
fn sender_name(sender: &Sender) -> &'static str {
    match sender {
        Sender::Member(_) => "member",
        Sender::External(_) => "external",
        Sender::NewMemberProposal => "new_member_proposal",
        Sender::NewMemberCommit => "new_member_commit",
    }
}

fn content_type_not_allowed(sender: &Sender, content_type: ContentType) -> GroupError {
    GroupError::Rejected(Rejection::Framing(
        FramingError::SenderContentTypeNotAllowed {
            sender: sender_name(sender),
            content_type: content_type as u8,
        },
    ))
}

/// The leaf of a KeyPackage in an Add, for `new_member_proposal`.
fn add_leaf<'a>(sender: &Sender, proposal: &'a Proposal) -> Result<&'a LeafNode> {
    match proposal {
        Proposal::Add(add) => Ok(&add.key_package.leaf_node),
        other => Err(FramingError::SenderProposalTypeNotAllowed {
            sender: sender_name(sender),
            proposal_type: other.proposal_type().0,
        }
        .into()),
    }
}

/// Whether a non-member sender may propose `proposal` (RFC 9420 §12.1.8):
/// an `external` sender only the types the registry's "Ext" column marks
/// (add, remove, psk, reinit, group_context_extensions; never update or
/// external_init; a custom type only if known to be external-capable,
/// V-6.1-07), a `new_member_proposal` only an Add (V-6.1-11). Members may
/// propose any type here. The one checker of the receiver (below) and of
/// the non-member side that builds such proposals (`crate::non_member`).
pub fn check_sender_proposal_type(sender: &Sender, proposal: &Proposal) -> Result<()> {
    match sender {
        Sender::External(_) => {
            let proposal_type = proposal.proposal_type();
            if proposal_type.external_sender_allowed() == Some(true) {
                Ok(())
            } else {
                Err(FramingError::SenderProposalTypeNotAllowed {
                    sender: sender_name(sender),
                    proposal_type: proposal_type.0,
                }
                .into())
            }
        }
        Sender::NewMemberProposal => add_leaf(sender, proposal).map(|_| ()),
        Sender::Member(_) => Ok(()),
        Sender::NewMemberCommit => Err(content_type_not_allowed(sender, ContentType::Proposal)),
    }
}

/// Check that the sender of `content` may send it (RFC 9420 §6.1) and
/// return the signature key its FramedContentTBS signature must verify
/// under. `group_context` supplies `external_senders` (§12.1.8.1);
/// `members` the leaves of the tree.
///
/// Errors: `FramingError::SenderNotMember` (V-6.1-01),
/// `FramingError::ExternalSenderUnknown` (V-6.1-04/05),
/// `FramingError::SenderContentTypeNotAllowed` (V-6.1-06/09/11),
/// `FramingError::SenderProposalTypeNotAllowed` (V-6.1-07/11),
/// `FramingError::NewMemberCommitWithoutPath` (V-6.1-10).
pub fn sender_signature_key(
    content: &FramedContent,
    group_context: &GroupContext,
    members: &dyn MemberView,
) -> Result<Vec<u8>> {
    let sender = &content.sender;
    match (sender, &content.content) {
        (Sender::Member(leaf), _) => members
            .member_signature_key(*leaf)
            .map(<[u8]>::to_vec)
            .ok_or(GroupError::Rejected(Rejection::Framing(
                FramingError::SenderNotMember(*leaf),
            ))),
        (Sender::External(index), FramedContentBody::Proposal(proposal)) => {
            // §12.1.8: only types marked external-capable in the registry.
            check_sender_proposal_type(sender, proposal)?;
            let senders: Option<ExternalSenders> = find_payload(&group_context.extensions)?;
            senders
                .and_then(|s| {
                    usize::try_from(*index)
                        .ok()
                        .and_then(|i| s.0.into_iter().nth(i))
                })
                .map(|s| s.signature_key.0.as_slice().to_vec())
                .ok_or(GroupError::Rejected(Rejection::Framing(
                    FramingError::ExternalSenderUnknown(*index),
                )))
        }
        (Sender::NewMemberProposal, FramedContentBody::Proposal(proposal)) => {
            Ok(add_leaf(sender, proposal)?
                .signature_key
                .0
                .as_slice()
                .to_vec())
        }
        (Sender::NewMemberCommit, FramedContentBody::Commit(commit)) => commit
            .path
            .as_ref()
            .map(|path| path.leaf_node.signature_key.0.as_slice().to_vec())
            .ok_or(GroupError::Rejected(Rejection::Framing(
                FramingError::NewMemberCommitWithoutPath,
            ))),
        (Sender::External(_) | Sender::NewMemberProposal | Sender::NewMemberCommit, body) => {
            Err(content_type_not_allowed(sender, body.content_type()))
        }
    }
}
