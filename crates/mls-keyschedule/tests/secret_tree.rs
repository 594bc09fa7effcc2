//! Behaviour of the secret tree (RFC 9420 §9, §9.1, §9.2, §15.3) beyond the
//! official vectors: bad input gets a typed error and leaves the tree exactly
//! as it was (VALIDATION X-01), out-of-order delivery inside the window,
//! replay rejection, and the deletion schedule (V-9.1-01..07, V-9.2-01).

use std::sync::Arc;

use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_keyschedule::{
    EncryptionSecret, KeyScheduleError, RatchetKind, SecretTree, SecretTreeConfig,
};
use mls_treemath::{LeafCount, LeafIndex, NodeIndex};

fn suite() -> Arc<dyn CipherSuiteProvider> {
    RustCryptoProvider::new()
        .cipher_suite_provider(CipherSuite::ALL[0])
        .expect("suite 1 is supported")
}

fn leaf(i: u32) -> LeafIndex {
    LeafIndex::new(i).expect("valid leaf index")
}

fn tree(leaves: u32, config: SecretTreeConfig) -> SecretTree {
    SecretTree::new(
        EncryptionSecret::from_slice(&[7; 32]),
        LeafCount::new(leaves).expect("valid leaf count"),
        config,
    )
}

/// Look a key up and confirm it, as a receiver does after the AEAD opened.
fn receive(
    cs: &dyn CipherSuiteProvider,
    t: &mut SecretTree,
    l: u32,
    kind: RatchetKind,
    g: u32,
) -> Result<Vec<u8>, KeyScheduleError> {
    let (key, token) = t.decryption_key(cs, leaf(l), kind, g)?;
    t.confirm(token)?;
    Ok(key.key.as_bytes().to_vec())
}

/// Assert that a lookup fails with `want` and changes nothing.
fn assert_rejected(
    cs: &dyn CipherSuiteProvider,
    t: &SecretTree,
    l: LeafIndex,
    kind: RatchetKind,
    g: u32,
    want: KeyScheduleError,
) {
    let before = t.clone();
    let err = t
        .decryption_key(cs, l, kind, g)
        .expect_err("lookup must be rejected");
    assert_eq!(err, want);
    assert_eq!(*t, before, "a rejected lookup changed the tree");
}

#[test]
fn generation_too_far_ahead_is_rejected_without_state_change() {
    let cs = suite();
    let mut t = tree(8, SecretTreeConfig::default());
    // Fresh ratchet, the RFC 9420 §15.3 example.
    assert_rejected(
        cs.as_ref(),
        &t,
        leaf(1),
        RatchetKind::Application,
        u32::MAX,
        KeyScheduleError::GenerationTooFarAhead {
            generation: u32::MAX,
            next_generation: 0,
            max_forward_distance: 1000,
        },
    );
    // Existing ratchet at generation 4: 1004 is the limit, 1005 is too far.
    receive(cs.as_ref(), &mut t, 1, RatchetKind::Application, 3).expect("in window");
    assert_rejected(
        cs.as_ref(),
        &t,
        leaf(1),
        RatchetKind::Application,
        1005,
        KeyScheduleError::GenerationTooFarAhead {
            generation: 1005,
            next_generation: 4,
            max_forward_distance: 1000,
        },
    );
    receive(cs.as_ref(), &mut t, 1, RatchetKind::Application, 1004).expect("at the limit");
}

#[test]
fn replayed_generation_is_rejected_without_state_change() {
    let cs = suite();
    let mut t = tree(8, SecretTreeConfig::default());
    receive(cs.as_ref(), &mut t, 2, RatchetKind::Handshake, 0).expect("first use");
    assert_rejected(
        cs.as_ref(),
        &t,
        leaf(2),
        RatchetKind::Handshake,
        0,
        KeyScheduleError::GenerationAlreadyUsed(0),
    );
    // A skipped key, once consumed, is gone too.
    receive(cs.as_ref(), &mut t, 2, RatchetKind::Handshake, 3).expect("jump");
    receive(cs.as_ref(), &mut t, 2, RatchetKind::Handshake, 1).expect("late");
    assert_rejected(
        cs.as_ref(),
        &t,
        leaf(2),
        RatchetKind::Handshake,
        1,
        KeyScheduleError::GenerationAlreadyUsed(1),
    );
    assert_rejected(
        cs.as_ref(),
        &t,
        leaf(2),
        RatchetKind::Handshake,
        3,
        KeyScheduleError::GenerationAlreadyUsed(3),
    );
}

#[test]
fn generation_older_than_window_is_too_old() {
    let cs = suite();
    let config = SecretTreeConfig {
        out_of_order_tolerance: 2,
        max_forward_distance: 100,
    };
    let mut t = tree(4, config);
    receive(cs.as_ref(), &mut t, 0, RatchetKind::Application, 10).expect("jump");
    let ratchet = t
        .leaf_ratchets(leaf(0))
        .expect("derived")
        .get(RatchetKind::Application);
    assert_eq!(ratchet.retained_generations().collect::<Vec<_>>(), [8, 9]);
    assert_eq!(ratchet.retained_from(), 8);
    assert_rejected(
        cs.as_ref(),
        &t,
        leaf(0),
        RatchetKind::Application,
        7,
        KeyScheduleError::GenerationTooOld(7),
    );
    receive(cs.as_ref(), &mut t, 0, RatchetKind::Application, 8).expect("inside window");
    // Advancing moves the window: 9 falls out when 12 arrives.
    receive(cs.as_ref(), &mut t, 0, RatchetKind::Application, 12).expect("jump");
    assert_rejected(
        cs.as_ref(),
        &t,
        leaf(0),
        RatchetKind::Application,
        9,
        KeyScheduleError::GenerationTooOld(9),
    );
    receive(cs.as_ref(), &mut t, 0, RatchetKind::Application, 10 + 1).expect("in window");
}

#[test]
fn zero_tolerance_keeps_no_skipped_keys() {
    let cs = suite();
    let config = SecretTreeConfig {
        out_of_order_tolerance: 0,
        max_forward_distance: 100,
    };
    let mut t = tree(2, config);
    receive(cs.as_ref(), &mut t, 1, RatchetKind::Application, 5).expect("jump");
    let r = t
        .leaf_ratchets(leaf(1))
        .expect("derived")
        .get(RatchetKind::Application);
    assert_eq!(r.retained_generations().count(), 0);
    assert_rejected(
        cs.as_ref(),
        &t,
        leaf(1),
        RatchetKind::Application,
        4,
        KeyScheduleError::GenerationTooOld(4),
    );
    assert_rejected(
        cs.as_ref(),
        &t,
        leaf(1),
        RatchetKind::Application,
        5,
        KeyScheduleError::GenerationAlreadyUsed(5),
    );
}

#[test]
fn leaf_outside_group_is_rejected_without_state_change() {
    let cs = suite();
    let t = tree(8, SecretTreeConfig::default());
    for (count, l) in [(8, 8), (5, 5), (5, 7), (1, 1)] {
        let t2 = tree(count, SecretTreeConfig::default());
        assert_rejected(
            cs.as_ref(),
            &t2,
            leaf(l),
            RatchetKind::Application,
            0,
            KeyScheduleError::LeafOutOfRange {
                leaf: l,
                leaf_count: count,
            },
        );
    }
    assert_rejected(
        cs.as_ref(),
        &t,
        leaf((1 << 31) - 1),
        RatchetKind::Handshake,
        0,
        KeyScheduleError::LeafOutOfRange {
            leaf: (1 << 31) - 1,
            leaf_count: 8,
        },
    );
    let mut t3 = t.clone();
    assert_eq!(
        t3.encryption_key(cs.as_ref(), leaf(8), RatchetKind::Handshake)
            .expect_err("outside"),
        KeyScheduleError::LeafOutOfRange {
            leaf: 8,
            leaf_count: 8
        }
    );
    assert_eq!(t3, t);
}

#[test]
fn content_types_map_to_ratchets() {
    assert_eq!(
        RatchetKind::for_content_type(1),
        Ok(RatchetKind::Application)
    );
    assert_eq!(RatchetKind::for_content_type(2), Ok(RatchetKind::Handshake));
    assert_eq!(RatchetKind::for_content_type(3), Ok(RatchetKind::Handshake));
    use mls_codec::ContentType;
    assert_eq!(
        RatchetKind::from(ContentType::Application),
        RatchetKind::Application
    );
    assert_eq!(
        RatchetKind::from(ContentType::Proposal),
        RatchetKind::Handshake
    );
    assert_eq!(
        RatchetKind::from(ContentType::Commit),
        RatchetKind::Handshake
    );
    for bad in [0u8, 4, 255] {
        assert_eq!(
            RatchetKind::for_content_type(bad),
            Err(KeyScheduleError::InvalidContentType(bad))
        );
    }
}

#[test]
fn handshake_and_application_ratchets_are_separate() {
    let cs = suite();
    let mut t = tree(4, SecretTreeConfig::default());
    let hs = receive(cs.as_ref(), &mut t, 3, RatchetKind::Handshake, 0).expect("hs");
    let app = receive(cs.as_ref(), &mut t, 3, RatchetKind::Application, 0).expect("app");
    assert_ne!(hs, app);
    // Using one does not advance the other.
    let r = t.leaf_ratchets(leaf(3)).expect("derived");
    assert_eq!(r.handshake.next_generation(), 1);
    assert_eq!(r.application.next_generation(), 1);
}

#[test]
fn failed_decryption_consumes_nothing() {
    // V-9.1-05: a forged message for generation j must not consume key j.
    let cs = suite();
    let mut t = tree(8, SecretTreeConfig::default());
    let before = t.clone();
    let (forged_key, token) = t
        .decryption_key(cs.as_ref(), leaf(5), RatchetKind::Application, 3)
        .expect("lookup");
    drop(token); // the AEAD failed: never confirmed
    assert_eq!(t, before);
    let genuine = receive(cs.as_ref(), &mut t, 5, RatchetKind::Application, 3).expect("genuine");
    assert_eq!(forged_key.key.as_bytes(), &genuine[..]);
}

#[test]
fn out_of_order_generations_each_decrypt_once() {
    // V-9.1-04: reverse order inside the window.
    let cs = suite();
    let mut t = tree(2, SecretTreeConfig::default());
    let mut sender = t.clone();
    let sent: Vec<Vec<u8>> = (0..6)
        .map(|_| {
            let (g, k) = sender
                .encryption_key(cs.as_ref(), leaf(0), RatchetKind::Application)
                .expect("send");
            assert!(g < 6);
            k.key.as_bytes().to_vec()
        })
        .collect();
    for g in (0..6u32).rev() {
        let got = receive(cs.as_ref(), &mut t, 0, RatchetKind::Application, g).expect("in window");
        assert_eq!(got, sent[g as usize]);
    }
    for g in 0..6u32 {
        assert_eq!(
            receive(cs.as_ref(), &mut t, 0, RatchetKind::Application, g),
            Err(KeyScheduleError::GenerationAlreadyUsed(g))
        );
    }
}

#[test]
fn stale_token_is_refused_without_state_change() {
    let cs = suite();
    let mut t = tree(4, SecretTreeConfig::default());
    let (_, first) = t
        .decryption_key(cs.as_ref(), leaf(1), RatchetKind::Application, 1)
        .expect("lookup");
    let (_, second) = t
        .decryption_key(cs.as_ref(), leaf(1), RatchetKind::Application, 2)
        .expect("lookup");
    t.confirm(first).expect("first confirm");
    let after_first = t.clone();
    assert_eq!(t.confirm(second), Err(KeyScheduleError::StaleToken));
    assert_eq!(t, after_first);
    // A token planned on a path that another leaf has since split is stale too.
    let mut t = tree(4, SecretTreeConfig::default());
    let (_, for_leaf2) = t
        .decryption_key(cs.as_ref(), leaf(2), RatchetKind::Handshake, 0)
        .expect("lookup");
    receive(cs.as_ref(), &mut t, 3, RatchetKind::Handshake, 0).expect("leaf 3");
    let snapshot = t.clone();
    assert_eq!(t.confirm(for_leaf2), Err(KeyScheduleError::StaleToken));
    assert_eq!(t, snapshot);
    // Re-looking up after the change works.
    receive(cs.as_ref(), &mut t, 2, RatchetKind::Handshake, 0).expect("leaf 2");
}

#[test]
fn consumed_path_secrets_are_deleted() {
    // V-9.2-01 / RFC 9420 §9.2: after the first message from leaf 5 of 8,
    // the root-to-leaf path (7, 11, 9, 10) is gone and only the siblings
    // (3, 13, 8) are held.
    let cs = suite();
    let mut t = tree(8, SecretTreeConfig::default());
    assert_eq!(
        t.held_node_secrets().collect::<Vec<_>>(),
        [NodeIndex::new(7)]
    );
    receive(cs.as_ref(), &mut t, 5, RatchetKind::Application, 1).expect("receive");
    assert_eq!(
        t.held_node_secrets()
            .map(NodeIndex::get)
            .collect::<Vec<_>>(),
        [3, 8, 13]
    );
    let r = t.leaf_ratchets(leaf(5)).expect("derived");
    assert_eq!(r.application.next_generation(), 2);
    assert_eq!(
        r.application.retained_generations().collect::<Vec<_>>(),
        [0]
    );
    assert_eq!(r.handshake.next_generation(), 0);
    // Leaf 4 (node 8) is derived from its held secret without re-deriving.
    receive(cs.as_ref(), &mut t, 4, RatchetKind::Application, 0).expect("receive");
    assert_eq!(
        t.held_node_secrets()
            .map(NodeIndex::get)
            .collect::<Vec<_>>(),
        [3, 13]
    );
}

#[test]
fn sender_and_receiver_agree() {
    let cs = suite();
    for leaves in [1u32, 2, 3, 8, 100] {
        let mut sender = tree(leaves, SecretTreeConfig::default());
        let mut receiver = sender.clone();
        let me = leaves - 1;
        for expected_generation in 0..20u32 {
            let (g, key) = sender
                .encryption_key(cs.as_ref(), leaf(me), RatchetKind::Handshake)
                .expect("send");
            assert_eq!(g, expected_generation);
            let (got, token) = receiver
                .decryption_key(cs.as_ref(), leaf(me), RatchetKind::Handshake, g)
                .expect("receive");
            assert_eq!(got, key);
            receiver.confirm(token).expect("confirm");
        }
    }
}

#[test]
fn largest_tree_derives_only_the_path() {
    let cs = suite();
    let mut t = tree(1 << 31, SecretTreeConfig::default());
    let last = (1 << 31) - 1;
    receive(cs.as_ref(), &mut t, last, RatchetKind::Application, 0).expect("receive");
    // 31 levels: one sibling kept per level.
    assert_eq!(t.held_node_secrets().count(), 31);
}

mod properties {
    use std::collections::HashSet;

    use proptest::prelude::*;

    use super::*;

    fn kind(handshake: bool) -> RatchetKind {
        if handshake {
            RatchetKind::Handshake
        } else {
            RatchetKind::Application
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Random receive sequences: rejections change nothing, accepted keys
        /// are the RFC's keys, no (leaf, ratchet, generation) decrypts twice,
        /// and "already used" is reported only for consumed generations.
        #[test]
        fn random_receive_sequences(
            tolerance in 0u32..8,
            distance in 0u32..30,
            ops in prop::collection::vec((0u32..4, any::<bool>(), 0u32..40, any::<bool>()), 1..60),
        ) {
            let cs = suite();
            let cs = cs.as_ref();
            let config = SecretTreeConfig { out_of_order_tolerance: tolerance, max_forward_distance: distance };
            let reference = tree(4, SecretTreeConfig { out_of_order_tolerance: 0, max_forward_distance: u32::MAX });
            let mut t = tree(4, config);
            let mut consumed = HashSet::new();
            for (l, hs, g, confirm) in ops {
                let before = t.clone();
                match t.decryption_key(cs, leaf(l), kind(hs), g) {
                    Err(e) => {
                        prop_assert_eq!(&t, &before);
                        if e == KeyScheduleError::GenerationAlreadyUsed(g) {
                            prop_assert!(consumed.contains(&(l, hs, g)));
                        }
                    }
                    Ok((key, token)) => {
                        prop_assert!(!consumed.contains(&(l, hs, g)));
                        let (want, _) = reference
                            .decryption_key(cs, leaf(l), kind(hs), g)
                            .expect("reference");
                        prop_assert_eq!(key, want);
                        if confirm {
                            t.confirm(token).expect("fresh token applies");
                            consumed.insert((l, hs, g));
                        } else {
                            prop_assert_eq!(&t, &before);
                        }
                    }
                }
            }
        }
    }
}
