//! The seed corpora of the fuzz targets (docs/fuzzing.md), written under
//! `target/fuzz/seeds/<target>/` on every `cargo xtask fuzz` run, never
//! committed:
//!
//! - every hex string of the vendored official vectors (`test-vectors/`)
//!   that decodes as one of the top-level types goes to that type's
//!   decoder target (and the MLSMessage-level targets for its body);
//! - groups of 2 to 5 members over the suites the provider has, in both
//!   handshake modes: their messages, GroupInfos, KeyPackages, trees and
//!   snapshots, and Welcomes addressed to the join target's fixed
//!   KeyPackageBundle (`fuzz/fixtures/join.bundle`, created here when
//!   missing);
//! - a few operation scripts for the stateful `group_ops` target.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use mls_codec::{
    Credential, GroupInfo, KeyPackage, Lifetime, MlsMessage, MlsMessageBody, RatchetTree, Welcome,
};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::key_package::{KeyPackageBuilder, KeyPackageBundle};
use mls_group::{CreateOptions, Group, GroupConfig, JoinOptions, ProcessedMessage};
use serde_json::Value;

/// Seeds longer than this are left out (libFuzzer's `-max_len` of the runs).
const MAX_SEED_LEN: usize = 65_536;
/// At most this many seeds per target from the vectors (they repeat a lot).
const MAX_VECTOR_SEEDS: usize = 400;

type Result<T> = std::result::Result<T, String>;

/// The seed directory of `target`.
pub fn seed_dir(root: &Path, target: &str) -> PathBuf {
    root.join("target/fuzz/seeds").join(target)
}

/// The fixed KeyPackageBundle of the join target.
fn bundle_path(root: &Path) -> PathBuf {
    root.join("fuzz/fixtures/join.bundle")
}

/// The seeds, by target; each set deduplicated.
#[derive(Default)]
struct Seeds(BTreeMap<&'static str, BTreeSet<Vec<u8>>>);

impl Seeds {
    fn add(&mut self, target: &'static str, bytes: Vec<u8>) {
        if !bytes.is_empty() && bytes.len() <= MAX_SEED_LEN {
            self.0.entry(target).or_default().insert(bytes);
        }
    }

    fn count(&self, target: &str) -> usize {
        self.0.get(target).map_or(0, BTreeSet::len)
    }

    /// An MLSMessage and, by its wire format, its body's own targets.
    fn add_message(&mut self, message: &MlsMessage) -> Result<()> {
        let bytes = enc(message)?;
        self.add("decode_mls_message", bytes.clone());
        match &message.body {
            MlsMessageBody::Welcome(w) => {
                self.add("decode_welcome", enc(w)?);
                self.add("join_welcome", bytes);
            }
            MlsMessageBody::GroupInfo(g) => {
                self.add("decode_group_info", enc(g)?);
                self.add("validate_group_info", bytes);
            }
            MlsMessageBody::KeyPackage(k) => {
                self.add("decode_key_package", enc(k)?);
                self.add("validate_key_package", bytes);
            }
            _ => {}
        }
        Ok(())
    }
}

fn enc<T: mls_codec::tls_codec::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>> {
    mls_codec::encode(value).map_err(|e| e.to_string())
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Write the seeds of every target of `targets` (all of `fuzz/`'s targets:
/// a directory of one not listed is left alone); returns the count per target.
pub fn write_all<'t>(root: &Path, targets: &[&'t str]) -> Result<Vec<(&'t str, usize)>> {
    let mut seeds = Seeds::default();
    vector_seeds(&mls_vectors::vectors_dir(), &mut seeds)?;
    let bundle = join_bundle(root)?;
    generated_seeds(&bundle, &mut seeds)?;
    script_seeds(&mut seeds);
    let mut counts = Vec::new();
    for &target in targets {
        let dir = seed_dir(root, target);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for seed in seeds.0.get(target).into_iter().flatten() {
            let mut h = DefaultHasher::new();
            seed.hash(&mut h);
            let file = dir.join(format!("{:016x}", h.finish()));
            std::fs::write(&file, seed).map_err(|e| format!("{}: {e}", file.display()))?;
        }
        counts.push((target, seeds.count(target)));
    }
    Ok(counts)
}

// ---- The official vectors ---------------------------------------------------

fn vector_seeds(dir: &Path, seeds: &mut Seeds) -> Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut from_vectors = Seeds::default();
    for file in files {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let json: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        walk(&json, &mut |bytes| classify(bytes, &mut from_vectors));
    }
    for (target, set) in from_vectors.0 {
        for seed in set.into_iter().take(MAX_VECTOR_SEEDS) {
            seeds.add(target, seed);
        }
    }
    Ok(())
}

/// Every string of `value` that is non-empty hex, decoded.
fn walk(value: &Value, f: &mut dyn FnMut(Vec<u8>)) {
    match value {
        Value::String(s) if s.len() >= 4 => {
            if let Ok(bytes) = hex::decode(s) {
                f(bytes);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| walk(v, f)),
        Value::Object(map) => map.values().for_each(|v| walk(v, f)),
        _ => {}
    }
}

/// Add `bytes` to every target whose top-level type it decodes as.
fn classify(bytes: Vec<u8>, seeds: &mut Seeds) {
    if let Ok(message) = mls_codec::decode::<MlsMessage>(&bytes) {
        let _ = seeds.add_message(&message);
    }
    if mls_codec::decode::<Welcome>(&bytes).is_ok() {
        seeds.add("decode_welcome", bytes.clone());
    }
    if mls_codec::decode::<GroupInfo>(&bytes).is_ok() {
        seeds.add("decode_group_info", bytes.clone());
    }
    if mls_codec::decode::<KeyPackage>(&bytes).is_ok() {
        seeds.add("decode_key_package", bytes.clone());
    }
    if mls_codec::decode::<RatchetTree>(&bytes).is_ok() {
        seeds.add("decode_ratchet_tree", bytes);
    }
}

// ---- Generated groups ---------------------------------------------------------

/// The fuzz targets' clock (`mls_fuzz::fixture::NOW`): every generated
/// KeyPackage is valid from 0 to `u64::MAX`, so this time is inside.
fn forever() -> KeyPackageBuilder {
    KeyPackageBuilder::new().lifetime(Lifetime {
        not_before: 0,
        not_after: u64::MAX,
    })
}

/// The join target's bundle: read, or made (suite 1) and written once.
fn join_bundle(root: &Path) -> Result<KeyPackageBundle> {
    let provider = RustCryptoProvider::new();
    let path = bundle_path(root);
    if let Ok(bytes) = std::fs::read(&path) {
        return KeyPackageBundle::from_bytes(&provider, &bytes).map_err(err);
    }
    let cs = suite(
        &provider,
        CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519,
    )?;
    let signer = cs.signature_generate_key_pair().map_err(err)?;
    let bundle = forever()
        .build(cs.as_ref(), Credential::basic("fuzz-joiner"), &signer)
        .map_err(err)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    std::fs::write(&path, &bundle.to_bytes().map_err(err)?[..]).map_err(err)?;
    println!(
        "wrote {} (commit it: the join target includes it)",
        path.display()
    );
    Ok(bundle)
}

fn suite(
    provider: &RustCryptoProvider,
    suite: CipherSuite,
) -> Result<Arc<dyn CipherSuiteProvider>> {
    provider
        .cipher_suite_provider(suite)
        .ok_or_else(|| format!("the provider lacks {suite:?}"))
}

fn new_member(cs: &dyn CipherSuiteProvider, name: &str) -> Result<KeyPackageBundle> {
    let signer = cs.signature_generate_key_pair().map_err(err)?;
    forever()
        .build(cs, Credential::basic(name), &signer)
        .map_err(err)
}

/// Groups of 2..=5 members per suite and handshake mode; the join target's
/// Welcomes only in suite 1 (its bundle's suite).
fn generated_seeds(join: &KeyPackageBundle, seeds: &mut Seeds) -> Result<()> {
    let provider = RustCryptoProvider::new();
    let suites = [
        CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519,
        CipherSuite::Mls128DhKemP256Aes128GcmSha256P256,
        CipherSuite::Mls128DhKemX25519ChaCha20Poly1305Sha256Ed25519,
    ];
    for id in suites {
        let cs = suite(&provider, id)?;
        for encrypt in [false, true] {
            for size in 2..=5 {
                one_group(&provider, &cs, size, encrypt, seeds)?;
                if id == CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519 {
                    welcome_to_fixture(&cs, size, encrypt, join, seeds)?;
                }
            }
        }
    }
    Ok(())
}

fn config(encrypt: bool) -> GroupConfig {
    GroupConfig::builder().encrypt_handshake(encrypt).build()
}

fn create(cs: &Arc<dyn CipherSuiteProvider>, encrypt: bool) -> Result<Group> {
    let signer = cs.signature_generate_key_pair().map_err(err)?;
    let options = CreateOptions {
        leaf: forever(),
        ..CreateOptions::default()
    };
    Group::create(
        cs.clone(),
        Credential::basic("creator"),
        Arc::new(signer),
        config(encrypt),
        options,
    )
    .map_err(err)
}

/// A group of `size`: every message of its life, its GroupInfo, tree,
/// KeyPackages and snapshots.
fn one_group(
    provider: &RustCryptoProvider,
    cs: &Arc<dyn CipherSuiteProvider>,
    size: usize,
    encrypt: bool,
    seeds: &mut Seeds,
) -> Result<()> {
    let mut creator = create(cs, encrypt)?;
    let mut builder = creator.commit_builder();
    let mut bundles = Vec::new();
    for i in 1..size {
        let bundle = new_member(cs.as_ref(), &format!("member-{i}"))?;
        seeds.add_message(&MlsMessage::new(MlsMessageBody::KeyPackage(
            bundle.key_package().clone(),
        )))?;
        builder = builder.add_member(bundle.key_package().clone());
        bundles.push(bundle);
    }
    let out = builder.build().map_err(err)?;
    creator.merge_pending_commit().map_err(err)?;
    let welcome = out.welcome.ok_or("an Add has a Welcome")?;
    let info = out.group_info.ok_or("an Add has a GroupInfo")?;
    for m in [&out.commit, &welcome, &info] {
        seeds.add_message(m)?;
    }
    let mut members = vec![creator];
    for bundle in &bundles {
        let (g, _) = Group::join(
            provider,
            &welcome,
            bundle,
            config(encrypt),
            JoinOptions::default(),
        )
        .map_err(err)?;
        members.push(g);
    }
    // An application message, an Update proposal and a Commit by the last member.
    let last = members.len() - 1;
    let app = members[last]
        .encrypt_application_message(b"seed", b"ad")
        .map_err(err)?;
    let proposal = members[last].propose().update().map_err(err)?;
    for m in &mut members[..last] {
        m.process_message(&app).map_err(err)?;
        m.process_message(&proposal).map_err(err)?;
    }
    let out = members[0]
        .commit_builder()
        .group_info(true)
        .build()
        .map_err(err)?;
    members[0].merge_pending_commit().map_err(err)?;
    for m in &mut members[1..] {
        if let ProcessedMessage::Commit(staged) = m.process_message(&out.commit).map_err(err)? {
            m.merge_staged_commit(staged).map_err(err)?;
        }
    }
    let info = out.group_info.ok_or("a GroupInfo was asked for")?;
    for m in [&app, &proposal, &out.commit, &info] {
        seeds.add_message(m)?;
    }
    seeds.add_message(&members[0].export_group_info(true).map_err(err)?)?;
    seeds.add(
        "decode_ratchet_tree",
        enc(&members[0].export_ratchet_tree())?,
    );
    for m in &members {
        seeds.add("group_from_bytes", m.to_bytes().map_err(err)?.to_vec());
    }
    Ok(())
}

/// A group of `size - 1` members that adds the fixture's KeyPackage.
fn welcome_to_fixture(
    cs: &Arc<dyn CipherSuiteProvider>,
    size: usize,
    encrypt: bool,
    join: &KeyPackageBundle,
    seeds: &mut Seeds,
) -> Result<()> {
    let mut creator = create(cs, encrypt)?;
    let mut builder = creator.commit_builder();
    for i in 2..size {
        builder = builder.add_member(
            new_member(cs.as_ref(), &format!("other-{i}"))?
                .key_package()
                .clone(),
        );
    }
    builder = builder.add_member(join.key_package().clone());
    let out = builder.build().map_err(err)?;
    seeds.add_message(&out.welcome.ok_or("an Add has a Welcome")?)?;
    Ok(())
}

// ---- Operation scripts of group_ops ------------------------------------------

/// Each operation at least once, in both handshake modes (the first byte);
/// see fuzz/fuzz_targets/group_ops.rs for the encoding.
fn script_seeds(seeds: &mut Seeds) {
    let ops: &[&[u8]] = &[
        &[0, 0, 5, b'h', b'e', b'l', b'l', b'o'],
        &[1, 1],
        &[2, 0],
        &[3, 0, 1],
        &[4, 1, 0],
        &[5, 0, 0, 0, 10, 0xff],
        &[6, 1, 0, 0, 20, 0x01],
        &[7, 0, 0],
        &[8, 0, 0, 4, 0, 1, 0, 1, 0],
        // A member's proposal, then another member's default Commit: an Add
        // (re-signed with member 0's encryption key), a Remove, a PSK.
        &[9, 1, 0, 1, 0, 0],
        &[9, 0, 1, 2, 0],
        &[9, 1, 2, 5, 0],
    ];
    for mode in [0u8, 1] {
        let mut all = vec![mode];
        for op in ops {
            let mut one = vec![mode];
            one.extend_from_slice(op);
            seeds.add("group_ops", one);
            all.extend_from_slice(op);
        }
        seeds.add("group_ops", all);
    }
}
