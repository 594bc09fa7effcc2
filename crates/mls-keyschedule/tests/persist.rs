//! Storage encoding of the secret tree: round trips, and hostile or
//! corrupted records get a typed error, never a panic.

use std::sync::Arc;

use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_keyschedule::{
    EncryptionSecret, KeyScheduleError, RatchetKind, SecretTree, SecretTreeConfig,
};
use mls_treemath::{LeafCount, LeafIndex};
use proptest::prelude::*;

fn suite() -> Arc<dyn CipherSuiteProvider> {
    RustCryptoProvider::new()
        .cipher_suite_provider(CipherSuite::ALL[0])
        .expect("suite 1")
}

fn leaf(i: u32) -> LeafIndex {
    LeafIndex::new(i).expect("leaf")
}

/// A tree with several derived leaves, skipped keys and a sender ratchet.
fn used_tree() -> SecretTree {
    let cs = suite();
    let cs = cs.as_ref();
    let mut t = SecretTree::new(
        EncryptionSecret::from_slice(&[9; 32]),
        LeafCount::new(6).expect("count"),
        SecretTreeConfig {
            out_of_order_tolerance: 3,
            max_forward_distance: 50,
        },
    );
    for (l, kind, g) in [
        (1, RatchetKind::Application, 7),
        (1, RatchetKind::Application, 5),
        (4, RatchetKind::Handshake, 0),
        (5, RatchetKind::Application, 2),
    ] {
        let (_, token) = t.decryption_key(cs, leaf(l), kind, g).expect("lookup");
        t.confirm(token).expect("confirm");
    }
    t.encryption_key(cs, leaf(0), RatchetKind::Handshake)
        .expect("send");
    t
}

#[test]
fn round_trip_restores_an_equal_tree() {
    let cs = suite();
    for t in [
        SecretTree::new(
            EncryptionSecret::from_slice(&[1; 32]),
            LeafCount::new(1).expect("count"),
            SecretTreeConfig::default(),
        ),
        used_tree(),
    ] {
        let bytes = t.to_bytes();
        let mut restored = SecretTree::from_bytes(&bytes).expect("decodes");
        assert_eq!(restored, t);
        // The restored tree keeps working, and refuses replays.
        let mut original = t.clone();
        for tree in [&mut restored, &mut original] {
            let _ = tree.encryption_key(cs.as_ref(), leaf(0), RatchetKind::Application);
        }
        assert_eq!(restored, original);
    }
    let restored = SecretTree::from_bytes(&used_tree().to_bytes()).expect("decodes");
    assert_eq!(
        restored
            .decryption_key(suite().as_ref(), leaf(1), RatchetKind::Application, 7)
            .map(|_| ())
            .expect_err("replay"),
        KeyScheduleError::GenerationAlreadyUsed(7)
    );
}

#[test]
fn every_truncation_is_rejected() {
    let bytes = used_tree().to_bytes();
    for n in 0..bytes.len() {
        assert!(
            matches!(
                SecretTree::from_bytes(&bytes[..n]),
                Err(KeyScheduleError::MalformedState(_))
            ),
            "prefix of {n} bytes accepted"
        );
    }
    let mut longer = bytes.to_vec();
    longer.push(0);
    assert_eq!(
        SecretTree::from_bytes(&longer),
        Err(KeyScheduleError::MalformedState("trailing bytes"))
    );
}

#[test]
fn inconsistent_states_are_rejected() {
    // version 1, leaf_count 4, tolerance 5, distance 1000.
    let header = |leaves: u32| {
        let mut v = vec![1];
        for x in [leaves, 5, 1000] {
            v.extend_from_slice(&x.to_be_bytes());
        }
        v
    };
    let node = |v: &mut Vec<u8>, n: u32| {
        v.extend_from_slice(&n.to_be_bytes());
        v.push(2);
        v.extend_from_slice(&[7, 7]);
    };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            {
                let mut v = header(4);
                v.extend_from_slice(&2u32.to_be_bytes());
                node(&mut v, 1); // covers leaves 0-1
                node(&mut v, 3); // covers leaves 0-3: overlaps
                v.extend_from_slice(&0u32.to_be_bytes());
                v
            },
            "held node secrets overlap",
        ),
        (
            {
                let mut v = header(4);
                v.extend_from_slice(&1u32.to_be_bytes());
                node(&mut v, 7); // outside a 4-leaf tree (width 7)
                v.extend_from_slice(&0u32.to_be_bytes());
                v
            },
            "node outside the tree",
        ),
        (
            {
                let mut v = header(0);
                v.extend_from_slice(&[0; 8]);
                v
            },
            "leaf count outside 1..=2^31",
        ),
        (
            {
                let mut v = header(4);
                v.extend_from_slice(&u32::MAX.to_be_bytes());
                v
            },
            "count exceeds the remaining input",
        ),
        (
            {
                let mut v = vec![2];
                v.extend_from_slice(&header(4)[1..]);
                v
            },
            "unknown version",
        ),
    ];
    for (bytes, want) in cases {
        assert_eq!(
            SecretTree::from_bytes(&bytes),
            Err(KeyScheduleError::MalformedState(want))
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Corrupting any byte of a stored state never panics; when it still
    /// decodes, the result re-encodes to the same bytes.
    #[test]
    fn corrupted_records_never_panic(pos in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = used_tree().to_bytes().to_vec();
        let i = pos.index(bytes.len());
        bytes[i] = byte;
        if let Ok(t) = SecretTree::from_bytes(&bytes) {
            prop_assert_eq!(t.to_bytes().to_vec(), bytes);
        }
    }

    /// Arbitrary input never panics.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = SecretTree::from_bytes(&bytes);
    }
}
