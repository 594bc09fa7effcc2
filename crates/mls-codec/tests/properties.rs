//! Property tests: generated values round-trip through encode/decode, and
//! the top-level decoders never panic on random or mutated input.

mod support {
    pub mod strategies;
}

use mls_codec::tls_codec::Serialize;
use mls_codec::*;
use proptest::prelude::*;
use support::strategies as st;

fn assert_round_trip<T: Decode + Serialize + PartialEq + std::fmt::Debug>(value: &T) {
    let bytes = encode(value).expect("generated values encode");
    assert_eq!(bytes.len(), value.tls_serialized_len());
    let back: T = decode(&bytes).expect("encoded values decode");
    assert_eq!(&back, value);
    assert_eq!(encode(&back).expect("re-encodes"), bytes);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn credential_round_trips(v in st::credential()) { assert_round_trip(&v); }

    #[test]
    fn extension_round_trips(v in st::extension()) { assert_round_trip(&v); }

    #[test]
    fn leaf_node_round_trips(v in st::leaf_node()) { assert_round_trip(&v); }

    #[test]
    fn key_package_round_trips(v in st::key_package()) { assert_round_trip(&v); }

    #[test]
    fn ratchet_tree_round_trips(v in st::ratchet_tree()) { assert_round_trip(&v); }

    #[test]
    fn update_path_round_trips(v in st::update_path()) { assert_round_trip(&v); }

    #[test]
    fn group_context_round_trips(v in st::group_context()) { assert_round_trip(&v); }

    #[test]
    fn proposal_round_trips(v in st::proposal()) { assert_round_trip(&v); }

    #[test]
    fn commit_round_trips(v in st::commit()) { assert_round_trip(&v); }

    #[test]
    fn framed_content_round_trips(v in st::framed_content()) { assert_round_trip(&v); }

    #[test]
    fn group_info_round_trips(v in st::group_info()) { assert_round_trip(&v); }

    #[test]
    fn group_secrets_round_trips(v in st::group_secrets()) { assert_round_trip(&v); }

    #[test]
    fn welcome_round_trips(v in st::welcome()) { assert_round_trip(&v); }

    #[test]
    fn mls_message_round_trips(v in st::mls_message()) { assert_round_trip(&v); }

    #[test]
    fn private_message_content_round_trips(v in st::private_message_content()) {
        let bytes = encode(&v).expect("encodes");
        let back = PrivateMessageContent::decode(&bytes, v.content_type()).expect("decodes");
        prop_assert_eq!(back, v);
    }

    /// V-2.1-09 for the five top-level kinds.
    #[test]
    fn trailing_byte_rejected(
        m in st::mls_message(),
        k in st::key_package(),
        w in st::welcome(),
        g in st::group_info(),
        t in st::ratchet_tree(),
        extra in any::<u8>(),
    ) {
        fn check<T: Decode + Serialize + std::fmt::Debug>(v: &T, extra: u8) -> Result<(), TestCaseError> {
            let mut bytes = encode(v).expect("encodes");
            bytes.push(extra);
            prop_assert_eq!(
                decode::<T>(&bytes).err(),
                Some(CodecError::TrailingBytes { remaining: 1 })
            );
            Ok(())
        }
        check(&m, extra)?;
        check(&k, extra)?;
        check(&w, extra)?;
        check(&g, extra)?;
        check(&t, extra)?;
    }

    #[test]
    fn tbs_is_encoding_minus_signature(v in st::key_package()) {
        let full = encode(&v).expect("encodes");
        let sig = encode(&v.signature).expect("encodes");
        prop_assert_eq!(v.tbs_bytes().expect("builds"), full[..full.len() - sig.len()].to_vec());
    }
}

/// Feed `bytes` to every top-level decoder; they may fail but never panic.
fn decode_all(bytes: &[u8]) {
    let _ = decode::<MlsMessage>(bytes);
    let _ = decode::<KeyPackage>(bytes);
    let _ = decode::<Welcome>(bytes);
    let _ = decode::<GroupInfo>(bytes);
    let _ = decode::<RatchetTree>(bytes);
    for ct in [
        ContentType::Application,
        ContentType::Proposal,
        ContentType::Commit,
    ] {
        let _ = PrivateMessageContent::decode(bytes, ct);
    }
}

/// Valid encodings of every top-level kind, used as mutation seeds.
fn seeds() -> Vec<Vec<u8>> {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let mut out = Vec::new();
    for _ in 0..8 {
        let m = st::mls_message()
            .new_tree(&mut runner)
            .expect("generates")
            .current();
        out.push(encode(&m).expect("encodes"));
        let t = st::ratchet_tree()
            .new_tree(&mut runner)
            .expect("generates")
            .current();
        out.push(encode(&t).expect("encodes"));
        let k = st::key_package()
            .new_tree(&mut runner)
            .expect("generates")
            .current();
        out.push(encode(&MlsMessage::new(MlsMessageBody::KeyPackage(k))).expect("encodes"));
    }
    out.extend(vector_seeds());
    out
}

/// Real messages from `messages.json`, when the vectors are available (the
/// conformance test fails separately if they are not).
fn vector_seeds() -> Vec<Vec<u8>> {
    let Ok(cases) = mls_vectors::load(&mls_vectors::vectors_dir(), "messages.json") else {
        return Vec::new();
    };
    let fields = [
        "mls_welcome",
        "mls_group_info",
        "mls_key_package",
        "ratchet_tree",
        "public_message_commit",
        "public_message_proposal",
        "private_message",
    ];
    cases
        .iter()
        .take(3)
        .flat_map(|c| fields.iter().filter_map(|f| c.get(*f)?.as_str()))
        .filter_map(|h| hex::decode(h).ok())
        .collect()
}

#[test]
fn seeds_are_valid() {
    let seeds = seeds();
    assert!(seeds.len() >= 24);
    for s in &seeds {
        assert!(
            decode::<MlsMessage>(s).is_ok() || decode::<RatchetTree>(s).is_ok(),
            "seed does not decode: {}",
            hex::encode(s)
        );
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..).prop_map(|(i, x)| Mutation::Flip(i, x)),
        (
            any::<usize>(),
            prop_oneof![
                Just(0u8),
                Just(1),
                Just(2),
                Just(0x3f),
                Just(0x40),
                Just(0x80),
                Just(0xc0),
                Just(0xff)
            ]
        )
            .prop_map(|(i, x)| Mutation::Set(i, x)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, x)| Mutation::Insert(i, x)),
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    let n = bytes.len();
    match *m {
        Mutation::Flip(i, x) => bytes[i % n] ^= x,
        Mutation::Set(i, x) => bytes[i % n] = x,
        Mutation::Insert(i, x) => bytes.insert(i % (n + 1), x),
        Mutation::Delete(i) => {
            bytes.remove(i % n);
        }
        Mutation::Truncate(i) => bytes.truncate(i % n),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// 10,000 random byte strings, half of them starting like an MLSMessage.
    #[test]
    fn random_bytes_never_panic(
        prefix in prop_oneof![Just(vec![]), (1u8..=5).prop_map(|wf| vec![0, 1, 0, wf])],
        body in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let mut bytes = prefix;
        bytes.extend(body);
        decode_all(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// 10,000 mutated valid encodings (1-4 mutations each).
    #[test]
    fn mutated_messages_never_panic(
        seed in any::<prop::sample::Index>(),
        mutations in proptest::collection::vec(mutation(), 1..5),
    ) {
        thread_local! {
            static SEEDS: Vec<Vec<u8>> = seeds();
        }
        let mut bytes = SEEDS.with(|s| s[seed.index(s.len())].clone());
        for m in &mutations {
            apply(&mut bytes, m);
        }
        decode_all(&bytes);
    }
}
