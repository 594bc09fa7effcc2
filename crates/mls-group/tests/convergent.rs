//! Eventually-consistent delivery (GUIDANCE G-18 (b)): competing Commits of
//! one epoch, seen in different orders, end with every member in the same
//! epoch; a losing or invalid competitor changes nothing.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use mls_codec::MlsMessage;
use mls_group::convergent::{CommitOutcome, ConvergentGroup, ConvergentMessage};
use mls_group::{FramingError, Group, GroupConfig, GroupError, Rejection};

/// Alice, Bob, Charlie and Diana in one group, each behind a
/// [`ConvergentGroup`].
fn four() -> Vec<ConvergentGroup> {
    four_with(GroupConfig::default())
}

fn four_with(config: GroupConfig) -> Vec<ConvergentGroup> {
    let provider = provider(81);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", config.clone());
    let kps: Vec<_> = ["bob", "charlie", "diana"]
        .iter()
        .map(|n| bundle(cs.as_ref(), n))
        .collect();
    let mut builder = alice.commit_builder();
    for kp in &kps {
        builder = builder.add_member(kp.key_package().clone());
    }
    let out = builder.build().unwrap();
    alice.merge_pending_commit().unwrap();
    let welcome = out.welcome.unwrap();
    let mut all = vec![alice];
    for kp in kps {
        all.push(join(&provider, &welcome, kp, config.clone(), None));
    }
    all.into_iter().map(ConvergentGroup::new).collect()
}

fn key(group: &Group, message: &MlsMessage) -> Vec<u8> {
    group
        .cipher_suite_provider()
        .hash(&mls_codec::encode(message).unwrap())
}

/// Alice and Bob each commit a self-update with a path in the same epoch;
/// returned as (winner, loser) of the tie-break.
fn competing(g: &mut [ConvergentGroup]) -> (MlsMessage, MlsMessage) {
    let a = g[0]
        .commit(|g| g.commit_builder().force_path(true).build())
        .unwrap()
        .commit;
    let b = g[1]
        .commit(|g| g.commit_builder().force_path(true).build())
        .unwrap()
        .commit;
    if key(g[2].group(), &a) < key(g[2].group(), &b) {
        (a, b)
    } else {
        (b, a)
    }
}

fn outcome(m: ConvergentMessage) -> CommitOutcome {
    match m {
        ConvergentMessage::Commit(c) => c,
        other => panic!("expected a Commit outcome, got {other:?}"),
    }
}

#[test]
fn members_seeing_competing_commits_in_either_order_converge() {
    converge(GroupConfig::default());
}

#[test]
fn members_converge_with_encrypted_handshakes_too() {
    converge(GroupConfig::builder().encrypt_handshake(true).build());
}

fn converge(config: GroupConfig) {
    let mut g = four_with(config);
    // Alice and Bob commit in the same epoch.
    let a = g[0]
        .commit(|g| g.commit_builder().force_path(true).build())
        .unwrap()
        .commit;
    let b = g[1]
        .commit(|g| g.commit_builder().force_path(true).build())
        .unwrap()
        .commit;
    let a_wins = key(g[2].group(), &a) < key(g[2].group(), &b);

    // Charlie sees Alice's first, Diana Bob's first.
    assert!(matches!(
        outcome(g[2].process_message(&a).unwrap()),
        CommitOutcome::Merged(_)
    ));
    assert!(matches!(
        outcome(g[3].process_message(&b).unwrap()),
        CommitOutcome::Merged(_)
    ));
    let charlie_second = outcome(g[2].process_message(&b).unwrap());
    let diana_second = outcome(g[3].process_message(&a).unwrap());
    let alice_sees_b = outcome(g[0].process_message(&b).unwrap());
    let bob_sees_a = outcome(g[1].process_message(&a).unwrap());
    if a_wins {
        assert!(matches!(charlie_second, CommitOutcome::Ignored));
        assert!(matches!(diana_second, CommitOutcome::Switched { .. }));
        assert!(matches!(alice_sees_b, CommitOutcome::Ignored));
        assert!(matches!(bob_sees_a, CommitOutcome::Switched { .. }));
    } else {
        assert!(matches!(charlie_second, CommitOutcome::Switched { .. }));
        assert!(matches!(diana_second, CommitOutcome::Ignored));
        assert!(matches!(alice_sees_b, CommitOutcome::Switched { .. }));
        assert!(matches!(bob_sees_a, CommitOutcome::Ignored));
    }
    let auth = g[0].group().epoch_authenticator().to_vec();
    for m in &g {
        assert_eq!(m.group().epoch(), 2);
        assert_eq!(m.group().epoch_authenticator(), auth.as_slice());
    }
    // The converged group works: the winner's epoch carries messages.
    let msg = g[2]
        .group_mut()
        .encrypt_application_message(b"hi", b"")
        .unwrap();
    for m in [0, 1, 3] {
        match g[m].process_message(&msg).unwrap() {
            ConvergentMessage::Other(mls_group::ProcessedMessage::Application(x)) => {
                assert_eq!(x.data, b"hi");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn an_invalid_competitor_with_a_smaller_key_is_rejected_and_changes_nothing() {
    let mut g = four();
    // The loser arrives first; the winner is then damaged.
    let (second, first) = competing(&mut g);
    assert!(matches!(
        outcome(g[2].process_message(&first).unwrap()),
        CommitOutcome::Merged(_)
    ));
    let winner = key(g[2].group(), &first);
    // Damage the winning competitor (its signature, at the end) until its
    // key is still the smaller one.
    let mut bytes = mls_codec::encode(&second).unwrap();
    let mut forged = None;
    for i in 1..bytes.len().min(64) {
        let at = bytes.len() - i;
        bytes[at] ^= 0x01;
        if let Ok(m) = mls_codec::decode::<MlsMessage>(&bytes)
            && key(g[2].group(), &m) < winner
        {
            forged = Some(m);
            break;
        }
        bytes[at] ^= 0x01;
    }
    let forged = forged.expect("a damaged competitor with a smaller key");
    let before = snapshot(g[2].group());
    let err = g[2].process_message(&forged).unwrap_err();
    assert!(err.is_rejection(), "{err:?}");
    assert_eq!(snapshot(g[2].group()), before, "the group is unchanged");
    assert!(g[2].window_open(), "the window stays open");
    // The genuine competitor still wins afterwards.
    assert!(matches!(
        outcome(g[2].process_message(&second).unwrap()),
        CommitOutcome::Switched { .. }
    ));
}

#[test]
fn a_losing_competitor_is_ignored_and_the_window_closes_with_the_next_epoch() {
    let mut g = four();
    let (winner, loser) = competing(&mut g);
    assert!(matches!(
        outcome(g[2].process_message(&winner).unwrap()),
        CommitOutcome::Merged(_)
    ));
    let before = snapshot(g[2].group());
    assert!(matches!(
        outcome(g[2].process_message(&loser).unwrap()),
        CommitOutcome::Ignored
    ));
    assert_eq!(snapshot(g[2].group()), before);
    // The same Commit again is no competitor either.
    assert!(matches!(
        outcome(g[2].process_message(&winner).unwrap()),
        CommitOutcome::Ignored
    ));

    // Once the application settles the epoch, a competitor is an old-epoch
    // handshake message (RFC 9420 §6, V-6-05).
    g[2].settle();
    assert!(!g[2].window_open());
    let err = g[2].process_message(&loser).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::EpochMismatch { .. }))
        ),
        "{err:?}"
    );
    assert_eq!(snapshot(g[2].group()), before);
}

#[test]
fn a_commit_of_the_next_epoch_moves_the_window() {
    let mut g = four();
    // Bob prepares a Commit of epoch 1 but does not send it.
    let stale = g[1].group_mut().commit_builder().build().unwrap().commit;
    g[1].group_mut().clear_pending_commit();
    let a = g[0].commit(|g| g.commit_builder().build()).unwrap().commit;
    for m in &mut g[1..] {
        assert!(matches!(
            outcome(m.process_message(&a).unwrap()),
            CommitOutcome::Merged(_)
        ));
    }
    let c = g[2]
        .commit(|g| g.commit_builder().force_path(true).build())
        .unwrap()
        .commit;
    assert!(matches!(
        outcome(g[3].process_message(&c).unwrap()),
        CommitOutcome::Merged(_)
    ));
    assert!(g[3].window_open(), "open for epoch 2's competitors");
    // Bob's Commit of epoch 1 is two epochs back: the group refuses it.
    let before = snapshot(g[3].group());
    let err = g[3].process_message(&stale).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Framing(FramingError::EpochMismatch { .. }))
        ),
        "{err:?}"
    );
    assert_eq!(snapshot(g[3].group()), before);
}
