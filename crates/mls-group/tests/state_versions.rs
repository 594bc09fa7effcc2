//! The snapshot format across versions (storage/state.rs): version 6 adds
//! `grease` and `joined_tree_lifetime_checks` to the settings; version 5
//! stores the tree as parts beside the state; version 4 holds the tree in the
//! state, with the group's data settings and an optional signer; version 2
//! and 3 snapshots (no settings, the signer always present) still load,
//! with the default settings. Fixtures in `tests/data/`;
//! `MLS_REGENERATE_FIXTURES=1` rewrites the version 4 one from
//! [`out_of_order_snapshot`]. [`to_v4`] makes the version 4 form of a group.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::*;
use mls_codec::codec::write_opaque;
use mls_codec::{Credential, Lifetime, Reader};
use mls_crypto::CipherSuiteProvider;
use mls_group::framing::PaddingMode;
use mls_group::key_package::{KeyPackageBuilder, KeyPackageBundle};
use mls_group::storage::{InMemoryStore, STATE_VERSION, SaveCursor, SideEffects};
use mls_group::{CreateOptions, Group, GroupConfig, GroupError, JoinOptions, StateError};

const V4_FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/snapshot-v4-private-keys-out-of-order.bin"
);

/// The configuration of the version 5 fixtures (GREASE on, the default).
fn v5_fixture_config() -> GroupConfig {
    GroupConfig::builder()
        .encrypt_handshake(true)
        .max_past_epochs(3)
        .build()
}

/// A builder whose KeyPackages do not depend on the clock, without GREASE
/// (the fixture predates GREASE by default, which draws randomness).
fn forever() -> KeyPackageBuilder {
    KeyPackageBuilder::new()
        .lifetime(Lifetime {
            not_before: 0,
            not_after: u64::MAX,
        })
        .grease(false)
}

fn fixed_bundle(cs: &dyn CipherSuiteProvider, name: &str) -> KeyPackageBundle {
    let signer = cs.signature_generate_key_pair().unwrap();
    forever()
        .build(cs, Credential::basic(name), &signer)
        .unwrap()
}

/// A five-member group (deterministic: seeded provider, fixed lifetimes),
/// as its creator sees it after an empty Commit: its leaf key and the three
/// path keys of its direct path.
fn five_members(config: GroupConfig) -> Group {
    five_members_as_configured(GroupConfig {
        grease: false,
        ..config
    })
}

/// [`five_members`] with `config` as it is (GREASE included: the seeded
/// provider draws it deterministically).
fn five_members_as_configured(config: GroupConfig) -> Group {
    let provider = provider(61);
    let cs = suite(&provider);
    let signer = cs.signature_generate_key_pair().unwrap();
    let options = CreateOptions {
        leaf: forever(),
        ..CreateOptions::default()
    };
    let mut alice = Group::create(
        cs.clone(),
        Credential::basic("alice"),
        Arc::new(signer),
        config,
        options,
    )
    .unwrap();
    let mut builder = alice.commit_builder();
    for name in ["bob", "carol", "dave", "erin"] {
        builder = builder.add_member(fixed_bundle(cs.as_ref(), name).key_package().clone());
    }
    builder.build().unwrap();
    alice.merge_pending_commit().unwrap();
    // Asked for its GroupInfo, as every Commit made one when the fixtures
    // were written: the same random draws (GREASE), so the same group.
    alice.commit_builder().group_info(true).build().unwrap();
    alice.merge_pending_commit().unwrap();
    alice
}

/// The parts of a whole snapshot (`"MLSS" version state<V> past<V>`,
/// version 5 and later also `parts<V>`, not kept here).
struct Whole {
    state: Vec<u8>,
    past: Vec<(u64, Vec<u8>)>,
}

fn split(bytes: &[u8]) -> Whole {
    let mut r = Reader::new(bytes);
    assert_eq!(&r.read_array::<4>().unwrap(), b"MLSS");
    let version = u16::from_be_bytes(r.read_array::<2>().unwrap());
    let state = r.read_vector().unwrap().rest().to_vec();
    let mut pv = r.read_vector().unwrap();
    let mut past = Vec::new();
    while !pv.is_empty() {
        let epoch = u64::from_be_bytes(pv.read_array().unwrap());
        past.push((epoch, pv.read_vector().unwrap().rest().to_vec()));
    }
    if version >= 5 {
        r.read_vector().unwrap(); // tree parts
    }
    r.finish().unwrap();
    Whole { state, past }
}

/// `group` in the version 4 layout: the state holds `tree<V>
/// tree_hashes<V>` where version 5 has `tree_leaves:u32 parts_digest<V>`,
/// its settings end before `grease`, every record at version 4, no parts
/// in the container.
fn to_v4(group: &Group) -> Vec<u8> {
    let cs = group.cipher_suite_provider().clone();
    let whole = split(&group.to_bytes().unwrap());
    let state = &whole.state;
    let mut r = Reader::new(state);
    r.read_array::<9>().unwrap(); // magic, version, suite, active
    let settings = r.read_vector().unwrap().rest();
    let settings_end = offset(state, r.rest());
    r.read_vector().unwrap(); // context
    let tree_start = offset(state, r.rest());
    r.read_array::<4>().unwrap(); // tree leaves
    r.read_vector().unwrap(); // parts digest
    let tree_end = offset(state, r.rest());
    let mut old = state[..9].to_vec();
    old[4..6].copy_from_slice(&4u16.to_be_bytes());
    // Version 6 added grease and joined_tree_lifetime_checks at the end.
    write_opaque(&settings[..settings.len() - 2], &mut old).unwrap();
    old.extend_from_slice(&state[settings_end..tree_start]);
    let tree = group.ratchet_tree();
    write_opaque(&tree.to_bytes().unwrap(), &mut old).unwrap();
    write_opaque(&tree.hash_cache_bytes(), &mut old).unwrap();
    old.extend_from_slice(&state[tree_end..]);
    reseal(cs.as_ref(), &mut old);
    let past = full_past(group, &whole.past)
        .into_iter()
        .map(|(epoch, mut record)| {
            record[4..6].copy_from_slice(&4u16.to_be_bytes());
            reseal(cs.as_ref(), &mut record);
            (epoch, record)
        })
        .collect();
    join_whole(4, &Whole { state: old, past })
}

/// The past-epoch records of `group` (version 7: key changes against the
/// next newer epoch) with every member's signature key instead, as up to
/// version 6: the keys rebuilt from the current tree, newest first.
fn full_past(group: &Group, past: &[(u64, Vec<u8>)]) -> Vec<(u64, Vec<u8>)> {
    let cs = group.cipher_suite_provider().clone();
    let mut keys: BTreeMap<u32, Vec<u8>> = group
        .ratchet_tree()
        .members()
        .map(|(l, n)| (l.get(), n.signature_key.as_slice().to_vec()))
        .collect();
    let mut out = Vec::new();
    for (epoch, record) in past.iter().rev() {
        let mut r = Reader::new(&record[..record.len() - 32]);
        r.read_array::<16>().unwrap(); // magic, version, suite, epoch
        for _ in 0..5 {
            r.read_vector().unwrap(); // context, three secrets, secret tree
        }
        let keep = offset(record, r.rest());
        r.read_vector().unwrap(); // the next epoch's tree hash
        let mut changes = r.read_vector().unwrap();
        while !changes.is_empty() {
            let leaf = u32::from_be_bytes(changes.read_array().unwrap());
            if changes.read_presence().unwrap() {
                keys.insert(leaf, changes.read_vector().unwrap().rest().to_vec());
            } else {
                keys.remove(&leaf);
            }
        }
        r.finish().unwrap();
        let mut full = record[..keep].to_vec();
        let mut list = Vec::new();
        for (leaf, key) in &keys {
            list.extend_from_slice(&leaf.to_be_bytes());
            write_opaque(key, &mut list).unwrap();
        }
        write_opaque(&list, &mut full).unwrap();
        full.extend_from_slice(&[0; 32]);
        reseal(cs.as_ref(), &mut full);
        out.push((*epoch, full));
    }
    out.reverse();
    out
}

fn join_whole(version: u16, whole: &Whole) -> Vec<u8> {
    let mut out = b"MLSS".to_vec();
    out.extend_from_slice(&version.to_be_bytes());
    write_opaque(&whole.state, &mut out).unwrap();
    let mut past = Vec::new();
    for (epoch, bytes) in &whole.past {
        past.extend_from_slice(&epoch.to_be_bytes());
        write_opaque(bytes, &mut past).unwrap();
    }
    write_opaque(&past, &mut out).unwrap();
    out
}

/// Replace a record's trailing digest (suite 1: SHA-256) by the hash of
/// its body.
fn reseal(cs: &dyn CipherSuiteProvider, record: &mut Vec<u8>) {
    let body_len = record.len() - 32;
    record.truncate(body_len);
    let digest = cs.hash(record);
    record.extend_from_slice(&digest);
}

/// Offset of the slice `rest` inside `whole` (a reader's remaining input,
/// possibly of a nested vector).
fn offset(whole: &[u8], rest: &[u8]) -> usize {
    rest.as_ptr() as usize - whole.as_ptr() as usize
}

/// The version 4 state record's fields up to the private keys: the offset
/// of `private_keys<V>` and of what follows it.
fn private_keys_span(state: &[u8]) -> (usize, usize) {
    let mut r = Reader::new(state);
    r.read_array::<9>().unwrap(); // magic, version, suite, active
    r.read_vector().unwrap(); // settings
    for _ in 0..3 {
        r.read_vector().unwrap(); // context, tree, tree hashes
    }
    r.read_array::<4>().unwrap(); // own leaf
    let start = offset(state, r.rest());
    r.read_vector().unwrap();
    (start, offset(state, r.rest()))
}

/// The snapshot of [`five_members`] with the node indices of its last two
/// path keys swapped (digest fixed up): well formed, but not in the order
/// the writer uses.
fn out_of_order_snapshot() -> Vec<u8> {
    let group = five_members(GroupConfig::default());
    let cs = group.cipher_suite_provider().clone();
    let mut whole = split(&to_v4(&group));
    let (start, _) = private_keys_span(&whole.state);
    let mut r = Reader::new(&whole.state[start..]);
    let mut keys = r.read_vector().unwrap();
    // Each entry starts with its node index.
    let mut nodes = Vec::new();
    while !keys.is_empty() {
        nodes.push(offset(&whole.state, keys.rest()));
        keys.read_array::<4>().unwrap();
        keys.read_vector().unwrap();
    }
    assert_eq!(nodes.len(), 4, "leaf key and three path keys");
    let (a, b) = (nodes[2], nodes[3]);
    for i in 0..4 {
        whole.state.swap(a + i, b + i);
    }
    reseal(cs.as_ref(), &mut whole.state);
    join_whole(4, &whole)
}

/// The same group (`bytes` in the version 4 layout, [`to_v4`]) in the
/// version 2 or 3 layout: no settings, the signer's key without a presence
/// byte, every record at `version`. (The two differ only in how a cached
/// proposal names its sender; the group has none.)
fn downgrade(bytes: &[u8], cs: &dyn CipherSuiteProvider, version: u16) -> Vec<u8> {
    let whole = split(bytes);
    let state = &whole.state;
    let mut r = Reader::new(state);
    r.read_array::<9>().unwrap();
    let settings_start = 9;
    r.read_vector().unwrap();
    let settings_end = offset(state, r.rest());
    let (_, keys_end) = private_keys_span(state);
    assert_eq!(state[keys_end], 1, "the signer's key is in the snapshot");
    let mut old = state[..settings_start].to_vec();
    old[4..6].copy_from_slice(&version.to_be_bytes());
    old.extend_from_slice(&state[settings_end..keys_end]);
    old.extend_from_slice(&state[keys_end + 1..]);
    reseal(cs, &mut old);
    let past = whole
        .past
        .iter()
        .map(|(epoch, record)| {
            let mut record = record.clone();
            record[4..6].copy_from_slice(&version.to_be_bytes());
            reseal(cs, &mut record);
            (*epoch, record)
        })
        .collect();
    join_whole(version, &Whole { state: old, past })
}

#[test]
fn the_v4_fixture_is_what_its_helper_makes() {
    let made = out_of_order_snapshot();
    if std::env::var_os("MLS_REGENERATE_FIXTURES").is_some() {
        std::fs::write(V4_FIXTURE, &made).unwrap();
    }
    let stored = std::fs::read(V4_FIXTURE).unwrap();
    assert_eq!(
        stored, made,
        "the fixture is stale: rerun with MLS_REGENERATE_FIXTURES=1"
    );
}

/// A version 4 snapshot whose path keys are out of node order is corrupt
/// (the reader takes only the writer's order; docs/fuzzing.md).
#[test]
fn v4_private_keys_out_of_node_order_are_corrupt() {
    let bytes = std::fs::read(V4_FIXTURE).unwrap();
    let provider = mls_crypto_rustcrypto::RustCryptoProvider::new();
    let err = Group::from_bytes(&bytes, &provider).unwrap_err();
    assert!(
        matches!(
            err,
            GroupError::State(StateError::Corrupt(
                "private keys out of node order or repeated"
            ))
        ),
        "{err:?}"
    );
}

/// A snapshot found by the `group_from_bytes` fuzz target (docs/fuzzing.md),
/// as written at version 2 and re-sealed at version 3: a five-member
/// group's state whose path keys are not in node order (one node index
/// changed to 0x05000003, the record digest fixed up). It used to load and
/// then save differently; the reader now takes only the writer's order.
/// Both older versions still load, so they meet the same check as the
/// version 4 fixture.
#[test]
fn old_fixtures_are_read_in_their_own_version() {
    let provider = mls_crypto_rustcrypto::RustCryptoProvider::new();
    for (version, bytes) in [
        (
            2,
            &include_bytes!("data/snapshot-v2-private-keys-out-of-order.bin")[..],
        ),
        (
            3,
            &include_bytes!("data/snapshot-v3-private-keys-out-of-order.bin")[..],
        ),
    ] {
        assert_eq!(u16::from_be_bytes([bytes[4], bytes[5]]), version);
        let err = Group::from_bytes(bytes, &provider).unwrap_err();
        assert!(
            matches!(
                err,
                GroupError::State(StateError::Corrupt(
                    "private keys out of node order or repeated"
                ))
            ),
            "version {version}: {err:?}"
        );
    }
}

/// A version 2 or 3 snapshot loads with the default settings (they had
/// none), keeps its keys and state, and is saved as version 4 again.
#[test]
fn old_snapshots_load_with_default_settings() {
    let config = GroupConfig::builder()
        .encrypt_handshake(true)
        .max_past_epochs(5)
        .padding(PaddingMode::Multiple(64))
        .build();
    let group = five_members_as_configured(config);
    let cs = group.cipher_suite_provider().clone();
    let current = to_v4(&group);
    let provider = provider(61);
    let v4 = Group::from_bytes(&current, &provider).unwrap();
    assert_eq!(v4.to_bytes().unwrap(), group.to_bytes().unwrap());
    for version in [2, 3] {
        let old = downgrade(&current, cs.as_ref(), version);
        let loaded = Group::from_bytes(&old, &provider).unwrap();
        assert_eq!(loaded.epoch_authenticator(), group.epoch_authenticator());
        assert_eq!(loaded.config().padding, GroupConfig::default().padding);
    }
    let old = downgrade(&current, cs.as_ref(), 3);
    let loaded = Group::from_bytes(&old, &provider).unwrap();
    assert_eq!(loaded.epoch_authenticator(), group.epoch_authenticator());
    assert_eq!(loaded.own_leaf(), group.own_leaf());
    let defaults = GroupConfig::default();
    assert_eq!(
        loaded.config().encrypt_handshake,
        defaults.encrypt_handshake
    );
    assert_eq!(loaded.config().max_past_epochs, defaults.max_past_epochs);
    assert_eq!(loaded.config().padding, defaults.padding);
    // Saved again it is version 3, and equal to the original once the
    // settings are set back.
    let mut loaded = loaded;
    loaded.set_encrypt_handshake(true);
    loaded.set_padding(PaddingMode::Multiple(64));
    let again = loaded.to_bytes().unwrap();
    assert_eq!(u16::from_be_bytes([again[4], again[5]]), STATE_VERSION);
    let reloaded = Group::from_bytes(&again, &provider).unwrap();
    assert!(reloaded.config().encrypt_handshake);
    assert_eq!(reloaded.config().padding, PaddingMode::Multiple(64));
}

/// Every data setting of the configuration survives a save and load, and
/// the per-group setters change what is saved.
#[test]
fn settings_are_saved_with_the_group() {
    let config = GroupConfig::builder()
        .encrypt_handshake(true)
        .require_encrypted_handshake(true)
        .ratchet_tree_extension(false)
        .force_path(true)
        .lifetime_checks(false)
        .allow_external_commits(false)
        .max_past_epochs(4)
        .max_group_size(77)
        .padding(PaddingMode::None)
        .grease(false)
        .joined_tree_lifetime_checks(true)
        .build();
    let provider = provider(62);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", config.clone());
    let loaded = Group::from_bytes(&alice.to_bytes().unwrap(), &provider).unwrap();
    assert_eq!(format!("{:?}", loaded.config()), format!("{config:?}"));
    // The same through a store's records.
    let store = InMemoryStore::new();
    alice
        .save(&store, &mut SaveCursor::new(), SideEffects::default())
        .unwrap();
    let (stored, _) = Group::load(&store, alice.group_id(), &provider)
        .unwrap()
        .unwrap();
    assert!(!stored.config().grease, "grease survives a save and load");
    assert!(stored.config().joined_tree_lifetime_checks);
    assert_eq!(format!("{:?}", stored.config()), format!("{config:?}"));

    alice.set_encrypt_handshake(false);
    alice.set_require_encrypted_handshake(false);
    alice.set_ratchet_tree_extension(true);
    alice.set_allow_external_commits(true);
    alice.set_padding(PaddingMode::Multiple(16));
    let loaded = Group::from_bytes(&alice.to_bytes().unwrap(), &provider).unwrap();
    let c = loaded.config();
    assert!(!c.encrypt_handshake && !c.require_encrypted_handshake);
    assert!(c.ratchet_tree_extension && c.allow_external_commits);
    assert_eq!(c.padding, PaddingMode::Multiple(16));
    assert!(c.force_path && !c.lifetime_checks);
    assert_eq!(c.max_past_epochs, 4);
    assert_eq!(c.decode_limits.max_group_size, 77);
}

/// A joiner's settings are those it joined with, saved from the start.
#[test]
fn a_joiners_settings_are_saved() {
    let provider = provider(63);
    let cs = suite(&provider);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let bob_kp = bundle(cs.as_ref(), "bob");
    let out = alice
        .commit_builder()
        .add_member(bob_kp.key_package().clone())
        .build()
        .unwrap();
    alice.merge_pending_commit().unwrap();
    let config = GroupConfig::builder().encrypt_handshake(true).build();
    let (bob, _) = Group::join(
        &provider,
        out.welcome.as_ref().unwrap(),
        &bob_kp,
        config,
        JoinOptions::default(),
    )
    .unwrap();
    let loaded = Group::from_bytes(&bob.to_bytes().unwrap(), &provider).unwrap();
    assert!(loaded.config().encrypt_handshake);
}

/// Version 5 snapshots (written by the version 5 writer: a five-member
/// group, and the same with a pending own Commit) load with the default
/// `grease` and `joined_tree_lifetime_checks`, which version 5 did not
/// store, and save again as the current version exactly as the same group
/// built now.
#[test]
fn v5_snapshots_load_and_save_as_the_current_version() {
    let provider = provider(61);
    let fixtures: [&[u8]; 2] = [
        include_bytes!("data/snapshot-v5.bin"),
        include_bytes!("data/snapshot-v5-pending.bin"),
    ];
    let mut group = five_members_as_configured(v5_fixture_config());
    for (i, bytes) in fixtures.into_iter().enumerate() {
        assert_eq!(u16::from_be_bytes([bytes[4], bytes[5]]), 5);
        if i == 1 {
            group.commit_builder().group_info(true).build().unwrap();
        }
        let loaded = Group::from_bytes(bytes, &provider).unwrap();
        assert!(loaded.config().grease);
        assert!(!loaded.config().joined_tree_lifetime_checks);
        assert!(loaded.config().encrypt_handshake);
        assert_eq!(loaded.config().max_past_epochs, 3);
        assert_eq!(loaded.epoch_authenticator(), group.epoch_authenticator());
        let again = loaded.to_bytes().unwrap();
        assert_eq!(u16::from_be_bytes([again[4], again[5]]), STATE_VERSION);
        if i == 0 {
            assert_eq!(again, group.to_bytes().unwrap());
        } else {
            // A Commit staged before version 7 keeps its whole staged tree
            // (stored whole again); one staged now stores its changes.
            let reloaded = Group::from_bytes(&again, &provider).unwrap();
            assert_eq!(reloaded.to_bytes().unwrap(), again);
            assert_ne!(again, group.to_bytes().unwrap());
        }
    }
    // The pending Commit loaded from version 5 merges like the original.
    let mut loaded = Group::from_bytes(fixtures[1], &provider).unwrap();
    loaded.merge_pending_commit().unwrap();
    group.merge_pending_commit().unwrap();
    assert_eq!(loaded.epoch_authenticator(), group.epoch_authenticator());
    assert_eq!(loaded.context(), group.context());
}
