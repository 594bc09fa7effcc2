//! The application validation hook, path-required types, and unregistered or GREASE types.

use super::*;

// ---- the validation hook ----------------------------------------------------

/// Bad input: a custom proposal the hook refuses, at receipt of the
/// proposal (V-13-01), state byte-identical; the sender's own
/// `propose().custom` refuses it the same way before sending.
#[test]
fn hook_refuses_a_custom_proposal_at_receipt() {
    let r = registry();
    let mut w = world(8, &[r.clone(), r.clone()], &[true, true]);
    let before = snapshot(&w.members[1]);
    let err = w.members[1]
        .propose()
        .custom(NOTE, b"bad".to_vec())
        .unwrap_err();
    assert!(
        matches!(
            &err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::CustomProposalRefused {
                proposal_type: NOTE,
                ..
            }))
        ),
        "{err}"
    );
    assert_eq!(snapshot(&w.members[1]), before);
    let m = w.forge(1, FramedContentBody::Proposal(custom(NOTE, b"bad")));
    let err = rejected(&mut w.members[0], &m);
    assert!(
        matches!(
            &err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::CustomProposalRefused {
                proposal_type: NOTE,
                reason
            })) if reason == "a bad note"
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_13_01));
}

/// Bad input: a custom proposal the hook refuses, inside a Commit (V-13-01).
#[test]
fn hook_refuses_a_custom_proposal_inside_a_commit() {
    let r = registry();
    let mut w = world(9, &[r.clone(), r.clone()], &[true, true]);
    let m = w.forge_commit(0, vec![custom(RETENTION, &days(0))]);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::CustomProposalRefused {
                proposal_type: RETENTION,
                ..
            }))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_13_01));
}

/// V-13-02: a GroupContextExtensions proposal and a custom proposal that
/// sets GroupContext extensions do not share a Commit.
#[test]
fn a_gce_and_a_custom_extension_effect_conflict() {
    let r = registry();
    let mut w = world(10, &[r.clone(), r.clone()], &[true, true]);
    let gce = Proposal::GroupContextExtensions(GroupContextExtensions {
        extensions: Vec::new(),
    });
    let m = w.forge_commit(0, vec![custom(RETENTION, &days(3)), gce]);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::CustomExtensionsConflict))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_13_02));
}

// ---- path required ------------------------------------------------------------

/// Bad input: a Commit without path holding a custom type registered as
/// path-required (RFC 9420 §12.4, V-12.4-01), state byte-identical.
#[test]
fn a_path_required_custom_proposal_without_path_is_rejected() {
    let r = registry();
    let mut w = world(11, &[r.clone(), r.clone()], &[true, true]);
    let m = w.forge_commit(0, vec![custom(AUDIT, b"a")]);
    let err = rejected(&mut w.members[1], &m);
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Commit(CommitError::PathRequired))
        ),
        "{err}"
    );
    assert_eq!(err.rule(), Some(Rule::V_12_4_01));
    // Our own Commit of it carries a path.
    let out = w.members[0]
        .commit_builder()
        .custom_proposal(AUDIT, b"a".to_vec())
        .build()
        .unwrap();
    assert!(out.info.has_path);
}

// ---- unregistered and GREASE types ------------------------------------------

/// Bad input: a custom type the receiver did not register, in a Commit and
/// as a standalone proposal: a type it does not support (V-12.2-16).
#[test]
fn an_unregistered_custom_type_is_rejected() {
    let r = registry();
    let mut w = world(12, &[r.clone(), r.clone()], &[true, true]);
    for m in [
        w.forge_commit(0, vec![custom(0xf0ff, b"?")]),
        w.forge(0, FramedContentBody::Proposal(custom(0xf0ff, b"?"))),
    ] {
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Proposal(ProposalError::NotAllowed(0xf0ff)))
            ),
            "{err}"
        );
        assert_eq!(err.rule(), Some(Rule::V_12_2_16));
    }
}

/// Bad input: a GREASE value as a custom proposal type (RFC 9420 §13.5):
/// it cannot be registered, so it is received like any unregistered type,
/// even by a member with a registry, and cannot be sent.
#[test]
fn a_grease_custom_proposal_type_is_refused() {
    let r = registry();
    let mut w = world(13, &[r.clone(), r.clone()], &[true, true]);
    for grease in [0x0a0au16, 0x3a3a, 0xeaea] {
        assert!(
            CustomRegistry::builder()
                .proposal_type(grease, false, Arc::new(Note))
                .is_err()
        );
        let m = w.forge_commit(0, vec![custom(grease, b"g")]);
        let err = rejected(&mut w.members[1], &m);
        assert!(
            matches!(err, GroupError::Rejected(Rejection::Proposal(ProposalError::NotAllowed(t))) if t == grease),
            "{err}"
        );
        let before = snapshot(&w.members[0]);
        assert!(
            w.members[0]
                .propose()
                .custom(grease, b"g".to_vec())
                .is_err()
        );
        assert_eq!(snapshot(&w.members[0]), before);
    }
}
