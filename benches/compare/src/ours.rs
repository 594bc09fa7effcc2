//! This project through its public API (`mls-group`, `mls-store-sqlite`).

use std::sync::Arc;

use mls_codec::{Credential, KeyPackage, MlsMessage};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::framing::PaddingMode;
use mls_group::key_package::{KeyPackageBuilder, KeyPackageBundle};
use mls_group::storage::GroupStateStore;
use mls_group::{
    CreateOptions, Group, GroupConfig, InMemoryStore, JoinOptions, ProcessedMessage, SaveCursor,
    SideEffects,
};
use mls_store_sqlite::SqliteStore;

use crate::harness::{BoxError, Harness, agree, heap_now, payload};
use crate::scenario as s;

fn suite(n: u16) -> CipherSuite {
    match n {
        1 => CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519,
        _ => CipherSuite::Mls128DhKemP256Aes128GcmSha256P256,
    }
}

/// No padding, no GREASE, no external-commit key in the GroupInfo: the
/// anchors' defaults, so that every library does the same work.
fn config() -> GroupConfig {
    GroupConfig::builder()
        .padding(PaddingMode::None)
        .grease(false)
        .allow_external_commits(false)
        .build()
}

fn key_package(cs: &dyn CipherSuiteProvider, name: &str) -> Result<KeyPackageBundle, BoxError> {
    let signer = cs.signature_generate_key_pair()?;
    Ok(KeyPackageBuilder::new()
        .grease(false)
        .build(cs, Credential::basic(name), &signer)?)
}

fn decode(bytes: &[u8]) -> Result<MlsMessage, BoxError> {
    Ok(mls_codec::decode::<MlsMessage>(bytes)?)
}

fn none(_: &mut impl Sized, _: usize) -> Result<(), BoxError> {
    Ok(())
}

/// Decode a received Commit, stage it and merge it.
fn process_commit(g: &mut Group, bytes: &[u8]) -> Result<(), BoxError> {
    let ProcessedMessage::Commit(staged) = g.process_message(&decode(bytes)?)? else {
        return Err("not a Commit".into());
    };
    g.merge_staged_commit(staged)?;
    Ok(())
}

/// One Commit adding everyone in `kps` (decoded from bytes inside the
/// timing); returns the Commit and Welcome bytes.
fn add_commit(
    creator: &mut Group,
    kps: &[Vec<u8>],
    path: bool,
) -> Result<(Vec<u8>, Vec<u8>), BoxError> {
    let mut builder = creator.commit_builder().force_path(path);
    for b in kps {
        builder = builder.add_member(mls_codec::decode::<KeyPackage>(b)?);
    }
    let out = builder.build()?;
    let welcome = out.welcome.as_ref().ok_or("no Welcome")?;
    Ok((mls_codec::encode(&out.commit)?, mls_codec::encode(welcome)?))
}

/// Every scenario at one suite and group size.
pub fn run(h: &Harness, suite_no: u16, n: usize, with_key_package: bool) -> Result<(), BoxError> {
    let provider = RustCryptoProvider::new();
    let cs: Arc<dyn CipherSuiteProvider> = provider
        .cipher_suite_provider(suite(suite_no))
        .ok_or("suite not supported")?;

    if with_key_package {
        let signer = cs.signature_generate_key_pair()?;
        h.time(
            s::KEY_PACKAGE,
            &mut (),
            none,
            |_, ()| {
                let kp = KeyPackageBuilder::new().grease(false).build(
                    cs.as_ref(),
                    Credential::basic("member"),
                    &signer,
                )?;
                Ok(mls_codec::encode(kp.key_package())?)
            },
            |_, _, bytes| match bytes.is_empty() {
                true => Err("empty KeyPackage".into()),
                false => Ok(()),
            },
        )?;
    }

    // The joiners: the first `runs` keep their private keys (they join),
    // the others only publish. KeyPackages cross as bytes.
    let mut keep = Vec::new();
    let mut kp_bytes = Vec::with_capacity(n - 1);
    for i in 0..n - 1 {
        let bundle = key_package(cs.as_ref(), &format!("member {i}"))?;
        kp_bytes.push(mls_codec::encode(bundle.key_package())?);
        if i < h.runs {
            keep.push(bundle);
        }
    }
    let signer = cs.signature_generate_key_pair()?;
    let mut creator = Group::create(
        cs.clone(),
        Credential::basic("creator"),
        Arc::new(signer),
        config(),
        CreateOptions::default(),
    )?;

    // The add Commits; the last one with a path is merged and its Welcome
    // used. A discarded Commit is cleared before the next run.
    let clear = |c: &mut Group, i: usize| {
        if i > 0 {
            c.clear_pending_commit();
        }
        Ok::<_, BoxError>(())
    };
    h.time(
        s::ADD_NOPATH,
        &mut creator,
        clear,
        |c, ()| add_commit(c, &kp_bytes, false),
        |_, _, _| Ok(()),
    )?;
    creator.clear_pending_commit();
    let mut welcome = Vec::new();
    h.time(
        s::ADD_PATH,
        &mut creator,
        clear,
        |c, ()| add_commit(c, &kp_bytes, true),
        |_, _, (_, w)| {
            welcome = w;
            Ok(())
        },
    )?;
    creator.merge_pending_commit()?;

    // Joining: joiner i joins in run i; the heap its state retains is
    // read around the last run.
    let mut joined: Vec<Group> = Vec::new();
    let mut heap = (0usize, 0usize);
    let mut keep = keep.into_iter();
    h.time(
        s::JOIN,
        &mut heap,
        |heap, _| {
            let me = keep.next().ok_or("no joiner left")?;
            heap.0 = heap_now();
            Ok::<_, BoxError>(me)
        },
        |_, me| {
            let welcome = decode(&welcome)?;
            let (group, _) = Group::join(
                &provider,
                &welcome,
                &vec![me],
                config(),
                JoinOptions::default(),
            )?;
            Ok(group)
        },
        |heap, _, group| {
            heap.1 = heap_now().saturating_sub(heap.0);
            agree(
                "join",
                group.epoch_authenticator(),
                creator.epoch_authenticator(),
            )?;
            joined.push(group);
            Ok(())
        },
    )?;
    h.bytes(s::HEAP_MEMBER, heap.1 as u64);
    let mut member = joined.into_iter().next().ok_or("nobody joined")?;

    // A self-update Commit by the creator; the last one is merged.
    let mut update = Vec::new();
    h.time(
        s::SELF_UPDATE,
        &mut creator,
        clear,
        |c, ()| {
            let out = c.commit_builder().force_path(true).build()?;
            Ok(mls_codec::encode(&out.commit)?)
        },
        |_, _, bytes| {
            update = bytes;
            Ok(())
        },
    )?;
    creator.merge_pending_commit()?;
    let authenticator = creator.epoch_authenticator().to_vec();

    // Its processing by the member at leaf 1, each run from a copy of the
    // member's state.
    let snapshot = member.to_bytes()?;
    h.time(
        s::PROCESS_UPDATE,
        &mut (),
        |_, _| Ok::<_, BoxError>(Group::from_bytes(&snapshot, &provider)?),
        |_, mut g| {
            process_commit(&mut g, &update)?;
            Ok(g)
        },
        |_, _, g| agree("process", g.epoch_authenticator(), &authenticator),
    )?;
    // The same, then the new epoch saved (incrementally) to an in-memory
    // store: the serialization work of the anchors' in-memory storage.
    h.time(
        s::PROCESS_UPDATE_PERSIST,
        &mut (),
        |_, _| {
            let g = Group::from_bytes(&snapshot, &provider)?;
            let store = InMemoryStore::new();
            let mut cursor = SaveCursor::new();
            g.save(&store, &mut cursor, SideEffects::default())?;
            Ok::<_, BoxError>((g, store, cursor))
        },
        |_, (mut g, store, mut cursor)| {
            process_commit(&mut g, &update)?;
            g.save(&store, &mut cursor, SideEffects::default())?;
            Ok(g)
        },
        |_, _, g| agree("persist", g.epoch_authenticator(), &authenticator),
    )?;
    process_commit(&mut member, &update)?;
    agree("member", member.epoch_authenticator(), &authenticator)?;

    // Persisted bytes of the member: the values of one full save, and the
    // size of an SQLite file holding only that save.
    let write = member.write_batch(&SaveCursor::new(), SideEffects::default())?;
    let values = write.state.len()
        + write
            .tree_parts
            .iter()
            .map(|p| p.bytes.len())
            .sum::<usize>()
        + write
            .past_epochs
            .iter()
            .map(|p| p.bytes.len())
            .sum::<usize>();
    h.bytes(s::PERSISTED_VALUES, values as u64);
    let dir = std::env::temp_dir().join(format!("mls-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("ours.sqlite");
    {
        let store = SqliteStore::open(&path)?;
        let mut cursor = SaveCursor::new();
        member.save(&store, &mut cursor, SideEffects::default())?;
        if store.read_group(member.group_id())?.is_none() {
            return Err("the SQLite store lost the group".into());
        }
        store.checkpoint()?;
    }
    h.bytes(s::PERSISTED_FILE, std::fs::metadata(&path)?.len());
    std::fs::remove_dir_all(&dir)?;

    // 1 KiB application messages both ways.
    let data = payload();
    for (name, forward) in [(s::APP_A_TO_B, true), (s::APP_B_TO_A, false)] {
        h.time(
            name,
            &mut (&mut creator, &mut member),
            none,
            |(a, b), ()| {
                let (from, to) = if forward { (a, b) } else { (b, a) };
                let bytes = mls_codec::encode(&from.encrypt_application_message(&data, b"")?)?;
                match to.process_message(&decode(&bytes)?)? {
                    ProcessedMessage::Application(m) => Ok(m.data),
                    _ => Err("not an application message".into()),
                }
            },
            |_, _, got| match got == data {
                true => Ok(()),
                false => Err("application data differs".into()),
            },
        )?;
    }
    Ok(())
}
