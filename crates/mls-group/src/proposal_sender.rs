//! Who proposed a proposal (RFC 9420 §6.1, §12.1.8): a member, an external
//! sender listed in the group's `external_senders` extension, or a
//! prospective member adding itself. The proposal cache, the list checker,
//! the application's `ProposalPolicy` and the committer all see
//! this, not a bare leaf index.

use mls_codec::Sender;
use mls_treekem::LeafIndex;

/// The sender of a proposal (RFC 9420 §6.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProposalSender {
    /// The member at this leaf (sender type `member`; for proposals by
    /// value, the committer).
    Member(LeafIndex),
    /// The entry at this index of the group's `external_senders`
    /// extension (sender type `external`, RFC 9420 §12.1.8.1).
    External(u32),
    /// A prospective member: the Add of a `new_member_proposal`
    /// (RFC 9420 §12.1.8), or a by-value proposal of an external Commit's
    /// joiner (`new_member_commit`, §12.4.3.2).
    NewMember,
}

impl ProposalSender {
    /// The member's leaf, for `Member` senders.
    pub fn leaf(&self) -> Option<LeafIndex> {
        match self {
            ProposalSender::Member(leaf) => Some(*leaf),
            ProposalSender::External(_) | ProposalSender::NewMember => None,
        }
    }

    /// The RFC 9420 §6 name of the sender type, for errors.
    pub fn type_name(&self) -> &'static str {
        match self {
            ProposalSender::Member(_) => "member",
            ProposalSender::External(_) => "external",
            ProposalSender::NewMember => "new_member_proposal",
        }
    }

    /// The wire sender of a proposal of this sender (RFC 9420 §6).
    pub fn to_wire(self) -> Sender {
        match self {
            ProposalSender::Member(leaf) => Sender::Member(leaf.get()),
            ProposalSender::External(index) => Sender::External(index),
            ProposalSender::NewMember => Sender::NewMemberProposal,
        }
    }

    /// The proposal sender of a proposal message's wire sender; `None` for
    /// `new_member_commit`, which never sends a standalone proposal
    /// (RFC 9420 §6.1, V-6.1-09), and for a member index that is no leaf.
    pub fn from_wire(sender: Sender) -> Option<Self> {
        match sender {
            Sender::Member(leaf) => LeafIndex::new(leaf).ok().map(ProposalSender::Member),
            Sender::External(index) => Some(ProposalSender::External(index)),
            Sender::NewMemberProposal => Some(ProposalSender::NewMember),
            Sender::NewMemberCommit => None,
        }
    }
}

impl std::fmt::Display for ProposalSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProposalSender::Member(leaf) => write!(f, "the member at leaf {}", leaf.get()),
            ProposalSender::External(index) => write!(f, "external sender {index}"),
            ProposalSender::NewMember => f.write_str("a new member"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_round_trip() {
        let senders = [
            ProposalSender::Member(LeafIndex::new(3).unwrap()),
            ProposalSender::External(1),
            ProposalSender::NewMember,
        ];
        for s in senders {
            assert_eq!(ProposalSender::from_wire(s.to_wire()), Some(s));
        }
        assert_eq!(ProposalSender::from_wire(Sender::NewMemberCommit), None);
        assert_eq!(senders[0].leaf(), LeafIndex::new(3).ok());
        assert_eq!(senders[1].leaf(), None);
    }
}
