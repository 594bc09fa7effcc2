//! Shared helpers of the group tests: clients with KeyPackages and a
//! deterministic provider.

#![allow(dead_code)]

use std::sync::Arc;

use mls_codec::{Credential, MlsMessage, MlsMessageBody, Welcome};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::key_package::{KeyPackageBuilder, KeyPackageBundle};
use mls_group::{
    CreateOptions, Group, GroupConfig, JoinOptions, LeafIndex, LoadOptions, ProcessedMessage,
};

/// Suite 1.
pub const SUITE: CipherSuite = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;

/// The provider (seeded per test for determinism).
pub fn provider(seed: u8) -> RustCryptoProvider {
    RustCryptoProvider::with_seed([seed; 32])
}

/// Leaf `n` (tests name leaves by number).
pub fn leaf(n: u32) -> LeafIndex {
    LeafIndex::new(n).expect("a leaf index below 2^31")
}

/// The suite provider.
pub fn suite(provider: &RustCryptoProvider) -> Arc<dyn CipherSuiteProvider> {
    provider.cipher_suite_provider(SUITE).expect("suite 1")
}

/// The provider of any suite (the post-quantum ones with the `pq` feature).
pub fn suite_provider(
    provider: &RustCryptoProvider,
    suite: CipherSuite,
) -> Arc<dyn CipherSuiteProvider> {
    provider
        .cipher_suite_provider(suite)
        .unwrap_or_else(|| panic!("{suite} supported"))
}

/// A fresh KeyPackage bundle for `name`.
pub fn bundle(cs: &dyn CipherSuiteProvider, name: &str) -> KeyPackageBundle {
    let signer = cs.signature_generate_key_pair().expect("signature key");
    KeyPackageBuilder::new()
        .build(cs, Credential::basic(name.as_bytes().to_vec()), &signer)
        .expect("key package")
}

/// A new group created by `name`.
pub fn create(cs: &Arc<dyn CipherSuiteProvider>, name: &str, config: GroupConfig) -> Group {
    let signer = cs.signature_generate_key_pair().expect("signature key");
    Group::create(
        cs.clone(),
        Credential::basic(name.as_bytes().to_vec()),
        Arc::new(signer),
        config,
        CreateOptions::default(),
    )
    .expect("create")
}

/// The Welcome inside an MLSMessage.
pub fn welcome_of(message: &MlsMessage) -> &Welcome {
    match &message.body {
        MlsMessageBody::Welcome(w) => w,
        _ => panic!("not a Welcome"),
    }
}

/// Join with `bundle` from `welcome`.
pub fn join(
    provider: &RustCryptoProvider,
    welcome: &MlsMessage,
    bundle: KeyPackageBundle,
    config: GroupConfig,
    tree: Option<mls_codec::RatchetTree>,
) -> Group {
    let (group, _) = Group::join(
        provider,
        welcome,
        &vec![bundle],
        config,
        JoinOptions {
            ratchet_tree: tree,
            ..JoinOptions::default()
        },
    )
    .expect("join");
    group
}

/// `group` adds a new member `name` by value in one Commit and merges it;
/// the new member joins from the Welcome (tree in-band, default config).
pub fn add_member(
    group: &mut Group,
    provider: &RustCryptoProvider,
    cs: &dyn CipherSuiteProvider,
    name: &str,
) -> Group {
    let kp = bundle(cs, name);
    let out = group
        .commit_builder()
        .proposals(vec![mls_codec::Proposal::from(mls_codec::Add {
            key_package: kp.key_package().clone(),
        })])
        .build()
        .expect("add");
    group.merge_pending_commit().expect("merge");
    join(
        provider,
        out.welcome.as_ref().expect("welcome"),
        kp,
        GroupConfig::default(),
        None,
    )
}

/// Process a Commit and merge it.
pub fn process_commit(group: &mut Group, message: &MlsMessage) {
    match group.process_message(message).expect("process commit") {
        ProcessedMessage::Commit(staged) => group.merge_staged_commit(staged).expect("merge"),
        other => panic!("expected a commit, got {other:?}"),
    }
}

/// Decrypt an application message.
pub fn receive_app(group: &mut Group, message: &MlsMessage) -> Vec<u8> {
    match group.process_message(message).expect("process application") {
        ProcessedMessage::Application(m) => m.data,
        other => panic!("expected application data, got {other:?}"),
    }
}

/// A snapshot of the whole group state (for "nothing changed" checks).
pub fn snapshot(group: &Group) -> Vec<u8> {
    group.to_bytes().expect("serialize").to_vec()
}

/// Serialize and restore with the clock, credential validator and
/// proposal policy of `config` (the data settings come from the snapshot),
/// checking the round trip is exact.
pub fn round_trip(group: &Group, provider: &RustCryptoProvider, config: GroupConfig) -> Group {
    let bytes = snapshot(group);
    let options = LoadOptions::default().with_runtime_of(&config);
    let restored = Group::from_bytes_with_options(&bytes, provider, options).expect("restore");
    assert_eq!(snapshot(&restored), bytes, "restore is exact");
    restored
}
