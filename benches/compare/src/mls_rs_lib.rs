//! mls-rs (the crates.io release) on `mls-rs-crypto-rustcrypto`, through
//! its public API only.
//!
//! Its group state is written with `Group::write_to_storage` to a group
//! state storage of ours that keeps the values in memory and counts them:
//! the same values mls-rs's SQLite provider would store. (That provider
//! cannot be linked beside this project's SQLite store: both bring a
//! `libsqlite3-sys` of a different major version, and Cargo allows one
//! `links = "sqlite3"` per build.)

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use mls_rs::client_builder::{MlsConfig, PaddingMode};
use mls_rs::group::ReceivedMessage;
use mls_rs::identity::SigningIdentity;
use mls_rs::identity::basic::{BasicCredential, BasicIdentityProvider};
use mls_rs::mls_rules::{CommitOptions, DefaultMlsRules, EncryptionOptions};
use mls_rs::{
    CipherSuite, CipherSuiteProvider, Client, CryptoProvider, ExtensionList, GroupStateStorage,
    MlsMessage,
};
use mls_rs_core::group::{EpochRecord, GroupState};
use mls_rs_crypto_rustcrypto::RustCryptoProvider;
use zeroize::Zeroizing;

use crate::harness::{BoxError, Harness, agree, heap_now, payload};
use crate::scenario as s;

fn suite(n: u16) -> CipherSuite {
    match n {
        1 => CipherSuite::CURVE25519_AES128,
        _ => CipherSuite::P256_AES128,
    }
}

/// Group state storage keeping every written value in memory, so the
/// bytes a member persists can be counted.
#[derive(Clone, Default)]
struct CountingStorage {
    groups: Arc<Mutex<StoredGroups>>,
}

/// Per group id: the state and the epoch records by epoch id.
type StoredGroups = HashMap<Vec<u8>, (Vec<u8>, BTreeMap<u64, Vec<u8>>)>;

impl CountingStorage {
    /// The stored values, to put back with [`CountingStorage::restore`].
    fn snapshot(&self) -> StoredGroups {
        self.groups
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn restore(&self, values: &StoredGroups) {
        *self.groups.lock().unwrap_or_else(|e| e.into_inner()) = values.clone();
    }

    /// Bytes of every stored value (state and epoch records).
    fn stored_bytes(&self) -> usize {
        let groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        groups
            .values()
            .map(|(state, epochs)| state.len() + epochs.values().map(Vec::len).sum::<usize>())
            .sum()
    }
}

impl GroupStateStorage for CountingStorage {
    type Error = Infallible;

    fn state(&self, group_id: &[u8]) -> Result<Option<Zeroizing<Vec<u8>>>, Self::Error> {
        let groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        Ok(groups.get(group_id).map(|g| Zeroizing::new(g.0.clone())))
    }

    fn epoch(
        &self,
        group_id: &[u8],
        epoch_id: u64,
    ) -> Result<Option<Zeroizing<Vec<u8>>>, Self::Error> {
        let groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        Ok(groups
            .get(group_id)
            .and_then(|g| g.1.get(&epoch_id))
            .map(|e| Zeroizing::new(e.clone())))
    }

    fn write(
        &mut self,
        state: GroupState,
        epoch_inserts: Vec<EpochRecord>,
        epoch_updates: Vec<EpochRecord>,
    ) -> Result<(), Self::Error> {
        let mut groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        let entry = groups.entry(state.id.clone()).or_default();
        entry.0 = state.data.to_vec();
        for e in epoch_inserts.into_iter().chain(epoch_updates) {
            entry.1.insert(e.id, e.data.to_vec());
        }
        Ok(())
    }

    fn max_epoch_id(&self, group_id: &[u8]) -> Result<Option<u64>, Self::Error> {
        let groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        Ok(groups
            .get(group_id)
            .and_then(|g| g.1.keys().next_back().copied()))
    }
}

/// A client with a basic credential, PublicMessage Commits, no padding,
/// the ratchet tree in the Welcome; `path` forces an UpdatePath on every
/// Commit.
fn client(
    cs: CipherSuite,
    name: &str,
    path: bool,
    storage: CountingStorage,
) -> Result<Client<impl MlsConfig + use<>>, BoxError> {
    let crypto = RustCryptoProvider::default();
    let csp = crypto
        .cipher_suite_provider(cs)
        .ok_or("suite not supported")?;
    let (secret, public) = csp.signature_key_generate()?;
    let identity = SigningIdentity::new(
        BasicCredential::new(name.as_bytes().to_vec()).into_credential(),
        public,
    );
    let rules = DefaultMlsRules::new()
        .with_commit_options(
            CommitOptions::new()
                .with_path_required(path)
                .with_ratchet_tree_extension(true),
        )
        .with_encryption_options(EncryptionOptions::new(false, PaddingMode::None));
    Ok(Client::builder()
        .identity_provider(BasicIdentityProvider)
        .crypto_provider(crypto)
        .mls_rules(rules)
        .group_state_storage(storage)
        .signing_identity(identity, secret, cs)
        .build())
}

fn key_package(c: &Client<impl MlsConfig>) -> Result<Vec<u8>, BoxError> {
    Ok(
        c.generate_key_package_message(ExtensionList::default(), ExtensionList::default(), None)?
            .to_bytes()?,
    )
}

fn none(_: &mut impl Sized, _: usize) -> Result<(), BoxError> {
    Ok(())
}

fn add_commit<C: MlsConfig>(
    g: &mut mls_rs::Group<C>,
    kps: &[Vec<u8>],
) -> Result<(Vec<u8>, Vec<u8>), BoxError> {
    let mut builder = g.commit_builder();
    for b in kps {
        builder = builder.add_member(MlsMessage::from_bytes(b)?)?;
    }
    let out = builder.build()?;
    let welcome = out.welcome_messages.first().ok_or("no Welcome")?;
    Ok((out.commit_message.to_bytes()?, welcome.to_bytes()?))
}

fn process_commit<C: MlsConfig>(g: &mut mls_rs::Group<C>, bytes: &[u8]) -> Result<(), BoxError> {
    match g.process_incoming_message(MlsMessage::from_bytes(bytes)?)? {
        ReceivedMessage::Commit(_) => Ok(()),
        _ => Err("not a Commit".into()),
    }
}

fn authenticator<C: MlsConfig>(g: &mls_rs::Group<C>) -> Result<Vec<u8>, BoxError> {
    Ok(g.epoch_authenticator()?.as_bytes().to_vec())
}

/// Every scenario at one suite and group size.
/// The unit costs of the same public-key operations in mls-rs's RustCrypto
/// provider (`mls-rs-crypto-rustcrypto`), for the "HPKE no slower than the
/// fastest anchor" target: the same 64-byte message and 32-byte plaintext
/// as this project's units.
fn units(h: &Harness, cs: CipherSuite) -> Result<(), BoxError> {
    const OPS: u32 = 50;
    let crypto = RustCryptoProvider::default();
    let csp = crypto
        .cipher_suite_provider(cs)
        .ok_or("suite not supported")?;
    let (secret, public) = csp.signature_key_generate()?;
    let msg = [7u8; 64];
    let sig = csp.sign(&secret, &msg)?;
    let (hpke_secret, hpke_public) = csp.kem_generate()?;
    let plain = [1u8; 32];
    let ct = csp.hpke_seal(&hpke_public, b"info", None, &plain)?;
    h.per_op(s::UNIT_SIGN, OPS, || {
        csp.sign(&secret, &msg).map(drop).map_err(BoxError::from)
    })?;
    h.per_op(s::UNIT_VERIFY, OPS, || {
        csp.verify(&public, &sig, &msg).map_err(BoxError::from)
    })?;
    h.per_op(s::UNIT_SEAL, OPS, || {
        csp.hpke_seal(&hpke_public, b"info", None, &plain)
            .map(drop)
            .map_err(BoxError::from)
    })?;
    h.per_op(s::UNIT_OPEN, OPS, || {
        csp.hpke_open(&ct, &hpke_secret, &hpke_public, b"info", None)
            .map(drop)
            .map_err(BoxError::from)
    })?;
    h.per_op(s::UNIT_DERIVE, OPS, || {
        csp.kem_derive(&msg[..32]).map(drop).map_err(BoxError::from)
    })?;
    Ok(())
}

pub fn run(h: &Harness, suite_no: u16, n: usize, with_key_package: bool) -> Result<(), BoxError> {
    let cs = suite(suite_no);
    if with_key_package {
        units(h, cs)?;
        let c = client(cs, "member", false, CountingStorage::default())?;
        h.time(
            s::KEY_PACKAGE,
            &mut (),
            none,
            |_, ()| key_package(&c),
            |_, _, bytes| match bytes.is_empty() {
                true => Err("empty KeyPackage".into()),
                false => Ok(()),
            },
        )?;
    }

    // Joiners that join keep their client (it holds the KeyPackage's
    // private keys); the others are dropped after publishing.
    let mut keep = Vec::new();
    let mut kp_bytes = Vec::with_capacity(n - 1);
    for i in 0..n - 1 {
        let storage = CountingStorage::default();
        let c = client(cs, &format!("member {i}"), false, storage.clone())?;
        kp_bytes.push(key_package(&c)?);
        if i < h.runs {
            keep.push((c, storage));
        }
    }

    // Without a path: a creator whose rules do not force one (mls-rs adds
    // a path to an add-only Commit only when the rules ask for it).
    let mut plain = client(cs, "creator", false, CountingStorage::default())?.create_group(
        ExtensionList::default(),
        ExtensionList::default(),
        None,
    )?;
    h.time(
        s::ADD_NOPATH,
        &mut plain,
        |g, i| {
            if i > 0 {
                g.clear_pending_commit();
            }
            Ok::<_, BoxError>(())
        },
        |g, ()| add_commit(g, &kp_bytes),
        |_, _, _| Ok(()),
    )?;
    drop(plain);

    let mut creator = client(cs, "creator", true, CountingStorage::default())?.create_group(
        ExtensionList::default(),
        ExtensionList::default(),
        None,
    )?;
    let clear = |g: &mut mls_rs::Group<_>, i: usize| {
        if i > 0 {
            g.clear_pending_commit();
        }
        Ok::<_, BoxError>(())
    };
    let mut welcome = Vec::new();
    h.time(
        s::ADD_PATH,
        &mut creator,
        clear,
        |g, ()| add_commit(g, &kp_bytes),
        |_, _, (_, w)| {
            welcome = w;
            Ok(())
        },
    )?;
    creator.apply_pending_commit()?;

    let mut joined = Vec::new();
    let mut heap = (0usize, 0usize);
    let mut keep = keep.into_iter();
    let creator_auth = authenticator(&creator)?;
    h.time(
        s::JOIN,
        &mut heap,
        |heap, _| {
            let joiner = keep.next().ok_or("no joiner left")?;
            heap.0 = heap_now();
            Ok::<_, BoxError>(joiner)
        },
        |_, (c, storage)| {
            let (group, _) = c.join_group(None, &MlsMessage::from_bytes(&welcome)?, None)?;
            Ok((group, storage))
        },
        |heap, _, (group, storage)| {
            heap.1 = heap_now().saturating_sub(heap.0);
            agree("join", &authenticator(&group)?, &creator_auth)?;
            joined.push((group, storage));
            Ok(())
        },
    )?;
    h.bytes(s::HEAP_MEMBER, heap.1 as u64);
    let (mut member, storage) = joined.into_iter().next().ok_or("nobody joined")?;

    let mut update = Vec::new();
    h.time(
        s::SELF_UPDATE,
        &mut creator,
        clear,
        |g, ()| Ok(g.commit(Vec::new())?.commit_message.to_bytes()?),
        |_, _, bytes| {
            update = bytes;
            Ok(())
        },
    )?;
    creator.apply_pending_commit()?;
    let auth = authenticator(&creator)?;

    // Processing by the member at leaf 1, each run on a clone of it with
    // the storage as it was (clones share the storage, and a clone's write
    // would otherwise be seen by the next).
    member.write_to_storage()?;
    let stored = storage.snapshot();
    h.time(
        s::PROCESS_UPDATE,
        &mut (),
        |_, _| Ok::<_, BoxError>(member.clone()),
        |_, mut g| {
            process_commit(&mut g, &update)?;
            Ok(g)
        },
        |_, _, g| agree("process", &authenticator(&g)?, &auth),
    )?;
    h.time(
        s::PROCESS_UPDATE_PERSIST,
        &mut (),
        |_, _| {
            storage.restore(&stored);
            Ok::<_, BoxError>(member.clone())
        },
        |_, mut g| {
            process_commit(&mut g, &update)?;
            g.write_to_storage()?;
            Ok(g)
        },
        |_, _, g| agree("persist", &authenticator(&g)?, &auth),
    )?;
    storage.restore(&stored);
    process_commit(&mut member, &update)?;
    member.write_to_storage()?;
    agree("member", &authenticator(&member)?, &auth)?;
    h.bytes(s::PERSISTED_VALUES, storage.stored_bytes() as u64);
    h.skip(
        s::PERSISTED_FILE,
        "SQLite provider not linkable beside ours (libsqlite3-sys)",
    );

    let data = payload();
    for (name, forward) in [(s::APP_A_TO_B, true), (s::APP_B_TO_A, false)] {
        h.time(
            name,
            &mut (&mut creator, &mut member),
            none,
            |(a, b), ()| {
                let bytes = if forward {
                    a.encrypt_application_message(&data, Vec::new())?
                        .to_bytes()?
                } else {
                    b.encrypt_application_message(&data, Vec::new())?
                        .to_bytes()?
                };
                let msg = MlsMessage::from_bytes(&bytes)?;
                let got = if forward {
                    b.process_incoming_message(msg)?
                } else {
                    a.process_incoming_message(msg)?
                };
                match got {
                    ReceivedMessage::ApplicationMessage(m) => Ok(m.data().to_vec()),
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
