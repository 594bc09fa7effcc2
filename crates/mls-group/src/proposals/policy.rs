//! The application's proposal policy (RFC 9420 §12.2, §12.1.8): the hook
//! the list checker asks about each proposal of a Commit, with its sender.

/// The application's rules for which proposals may be committed (RFC 9420
/// §12.2: a Commit's proposals must also be valid under the application's
/// policy, e.g. who may add or remove members; V-12.2-18). Checked for
/// received and own Commits once the list passed the RFC's rules. It is
/// also where the application authorizes proposals from non-members
/// (§12.1.8: "External proposals that are not authorized are considered
/// invalid", V-12.1.8-01): `sender` says who proposed.
pub trait ProposalPolicy: Send + Sync {
    /// Whether `proposal`, proposed by `sender` (a member, an external
    /// sender of the group's `external_senders`, or a new member adding
    /// itself), may be committed by the member at leaf `committer` (for
    /// proposals by value the sender is the committer).
    fn allow(
        &self,
        proposal: &mls_codec::Proposal,
        sender: crate::proposal_sender::ProposalSender,
        committer: mls_treekem::LeafIndex,
    ) -> bool;
}
