//! Committed custom proposals as both sides report them, and the §13 capability rule.

use super::*;

// ---- committed custom proposals, on both sides -----------------------------

/// A custom proposal by value: the committer's `CommitInfo` and every
/// receiver's report it (sender and body, in order), its GroupContext
/// effect is applied identically everywhere, and (the effect changing the
/// GroupContext, like a GCE) the Commit carries a path.
#[test]
fn custom_proposal_by_value_is_reported_and_applied_on_every_side() {
    let r = registry();
    let mut w = world(1, &[r.clone(), r.clone(), r.clone()], &[true, true, true]);
    let out = w.members[0]
        .commit_builder()
        .custom_proposal(RETENTION, days(30))
        .custom_proposal(NOTE, b"hello".to_vec())
        .build()
        .unwrap();
    let reported = &out.info.custom_proposals;
    assert_eq!(reported.len(), 2);
    assert_eq!(
        reported[0].sender,
        ProposalSender::Member(w.members[0].own_leaf())
    );
    assert_eq!(reported[0].proposal_type, ProposalType(RETENTION));
    assert_eq!(reported[0].body, days(30));
    assert_eq!(reported[1].body, b"hello");
    assert!(out.info.has_path, "a GroupContext effect requires a path");
    w.members[0].merge_pending_commit().unwrap();
    for i in 1..3 {
        let s = staged(&mut w.members[i], &out.commit);
        assert_eq!(&s.info().custom_proposals, reported);
        assert_eq!(s.info().new_extensions, out.info.new_extensions);
        w.members[i].merge_staged_commit(s).unwrap();
    }
    for g in &w.members {
        assert_eq!(retention_of(g), Some(days(30)));
        assert_eq!(g.epoch_authenticator(), w.members[0].epoch_authenticator());
    }
    // A second change replaces the setting, keeping the other extensions.
    let out = w.members[1]
        .commit_builder()
        .custom_proposal(RETENTION, days(7))
        .build()
        .unwrap();
    w.members[1].merge_pending_commit().unwrap();
    for i in [0, 2] {
        let s = staged(&mut w.members[i], &out.commit);
        w.members[i].merge_staged_commit(s).unwrap();
    }
    for g in &w.members {
        assert_eq!(retention_of(g), Some(days(7)));
        assert_eq!(g.extensions().len(), 1);
    }
}

/// A registered type whose registration says no path and whose hook
/// sets nothing: its Commit carries no path (custom types decide, §12.4).
#[test]
fn a_custom_type_without_path_requirement_commits_without_path() {
    let r = registry();
    let mut w = world(2, &[r.clone(), r.clone()], &[true, true]);
    let out = w.members[0]
        .commit_builder()
        .custom_proposal(NOTE, b"n".to_vec())
        .build()
        .unwrap();
    assert!(!out.info.has_path);
    w.members[0].merge_pending_commit().unwrap();
    let s = staged(&mut w.members[1], &out.commit);
    assert!(!s.info().has_path);
    assert_eq!(s.info().custom_proposals.len(), 1);
    w.members[1].merge_staged_commit(s).unwrap();
    assert_eq!(
        w.members[0].epoch_authenticator(),
        w.members[1].epoch_authenticator()
    );
}

/// A member's standalone custom proposal (`propose().custom`), committed
/// by reference by another: reported with its proposer as sender.
#[test]
fn custom_proposal_by_reference_is_reported_with_its_sender() {
    let r = registry();
    let mut w = world(3, &[r.clone(), r.clone(), r.clone()], &[true, true, true]);
    let message = w.members[1]
        .propose()
        .custom(NOTE, b"from m1".to_vec())
        .unwrap();
    w.deliver_proposal(1, &message);
    let out = w.members[0].commit_builder().build().unwrap();
    assert!(out.omitted.is_empty());
    let proposer = ProposalSender::Member(w.members[1].own_leaf());
    assert_eq!(out.info.custom_proposals[0].sender, proposer);
    w.members[0].merge_pending_commit().unwrap();
    for i in 1..3 {
        let s = staged(&mut w.members[i], &out.commit);
        assert_eq!(s.info().custom_proposals[0].sender, proposer);
        assert_eq!(s.info().custom_proposals[0].body, b"from m1");
        w.members[i].merge_staged_commit(s).unwrap();
    }
}

// ---- the §13 capability rule ------------------------------------------------

/// RFC 9420 §12.2, §13 (V-12.2-16, V-13.2-01): member 2 has the registry
/// but its leaf does not list the types. A cached custom proposal is left
/// out of the Commit and reported; the same proposal by value fails the
/// build, the committer unchanged.
#[test]
fn committer_leaves_out_a_cached_custom_proposal_a_member_lacks() {
    let r = registry();
    let mut w = world(4, &[r.clone(), r.clone(), r.clone()], &[true, true, false]);
    let message = w.members[1].propose().custom(NOTE, b"n".to_vec()).unwrap();
    w.deliver_proposal(1, &message);
    let out = w.members[0].commit_builder().build().unwrap();
    assert_eq!(out.omitted.len(), 1);
    assert!(
        matches!(
            &*out.omitted[0].reason,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::CustomProposalUnsupported {
                    proposal_type: NOTE,
                    member: 2
                }
            ))
        ),
        "{}",
        out.omitted[0].reason
    );
    assert!(out.info.custom_proposals.is_empty());
    w.members[0].clear_pending_commit();
    let before = snapshot(&w.members[0]);
    let err = w.members[0]
        .commit_builder()
        .include_pending(false)
        .custom_proposal(NOTE, b"n".to_vec())
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::CustomProposalUnsupported { member: 2, .. }
            ))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_12_2_16));
    assert_eq!(snapshot(&w.members[0]), before);
}

/// Bad input: a Commit holding a custom proposal while member 2 lacks the
/// type is rejected by a receiver (V-12.2-16), its state byte-identical.
#[test]
fn receiver_rejects_a_custom_proposal_a_member_lacks() {
    let r = registry();
    let mut w = world(5, &[r.clone(), r.clone(), r.clone()], &[true, true, false]);
    let m = w.forge_commit(0, vec![custom(NOTE, b"n")]);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::CustomProposalUnsupported {
                    proposal_type: NOTE,
                    member: 2
                }
            ))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_12_2_16));
}

/// §12.2: a member the Commit removes need not support the type.
#[test]
fn a_removed_member_need_not_support_the_type() {
    let r = registry();
    let mut w = world(6, &[r.clone(), r.clone(), r.clone()], &[true, true, false]);
    let leaving = w.members[2].own_leaf();
    let out = w.members[0]
        .commit_builder()
        .remove_member(leaving)
        .custom_proposal(NOTE, b"n".to_vec())
        .build()
        .unwrap();
    w.members[0].merge_pending_commit().unwrap();
    let s = staged(&mut w.members[1], &out.commit);
    assert_eq!(s.info().custom_proposals.len(), 1);
    w.members[1].merge_staged_commit(s).unwrap();
}

/// RFC 9420 §11.1, §12.1.1: a `required_capabilities` extension naming a
/// custom proposal type is honoured for Adds: a KeyPackage that does not
/// list it is refused; one that does is added and joins.
#[test]
fn required_capabilities_naming_a_custom_type_is_honoured_for_adds() {
    let r = registry();
    let required = Extension::from_payload(&RequiredCapabilities {
        extension_types: Vec::new(),
        proposal_types: vec![ProposalType(RETENTION)],
        credential_types: Vec::new(),
    })
    .unwrap();
    let mut w = world_with(7, std::slice::from_ref(&r), &[true], vec![required]);
    let signer = w.cs.signature_generate_key_pair().unwrap();
    let lacking = KeyPackageBuilder::new()
        .build(w.cs.as_ref(), Credential::basic(b"x".to_vec()), &signer)
        .unwrap();
    let before = snapshot(&w.members[0]);
    let err = w.members[0]
        .commit_builder()
        .add_member(lacking.key_package().clone())
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::MissingCapability(_)))
        ),
        "{err}"
    );
    assert_eq!(snapshot(&w.members[0]), before);
    let listing = KeyPackageBuilder::new()
        .advertise(&r)
        .build(w.cs.as_ref(), Credential::basic(b"y".to_vec()), &signer)
        .unwrap();
    let out = w.members[0]
        .commit_builder()
        .add_member(listing.key_package().clone())
        .build()
        .unwrap();
    w.members[0].merge_pending_commit().unwrap();
    let (joined, _) = Group::join(
        &w.provider,
        out.welcome.as_ref().unwrap(),
        &vec![listing],
        w.configs[0].clone(),
        JoinOptions::default(),
    )
    .unwrap();
    assert_eq!(
        joined.epoch_authenticator(),
        w.members[0].epoch_authenticator()
    );
}
