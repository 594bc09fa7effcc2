//! The world the crash test kills: four `mls_client::Client`s, each with its
//! own SQLite store file, and a delivery service (DS) file that orders every
//! action. A fixed plan creates groups, adds members (each join consumes a
//! KeyPackage) and rotates self-updates. The clients persist on their own
//! (issue 13 item 1): a committer's pending Commit is stored before the
//! Commit is handed to the DS (G-05) and it merges only what the DS ordered;
//! a join stores the group and deletes its KeyPackage in one write (G-03).
//! After a restart [`World::reconcile`] brings every client to the DS's
//! order again.
//!
//! Every write (client store or DS) first prints `W <n> <kind>` so that the
//! parent process can kill the child at any of them.

#![allow(clippy::unwrap_used, dead_code)]

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use mls_client::{ClientGroup, Received};
use mls_codec::{Credential, KeyPackage, MlsMessage};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::CreateOptions;
use mls_group::key_package::KeyPackageRef;
use mls_group::storage::{
    ClientRecord, ClientRecordStore, GroupStateStore, GroupWrite, KeyPackageRecord,
    KeyPackageStore, PskStore, Store, StoreResult, StoredGroup,
};
use mls_store_sqlite::{Durability, SqliteOptions, SqliteStore};
use rusqlite::{Connection, OptionalExtension, params};

const SUITE: CipherSuite = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;
/// Clients in the world.
pub const CLIENTS: usize = 4;
const GROUPS: usize = 3;
const UPDATES: usize = 4;

/// One step of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `creator` creates group `group`.
    Create { group: usize, creator: usize },
    /// `committer` adds `joiner` (with one of its KeyPackages).
    Add {
        group: usize,
        committer: usize,
        joiner: usize,
    },
    /// `committer` commits a self-update (empty Commit with a path).
    Update { group: usize, committer: usize },
}

/// The whole plan: per group a creation, three Adds, then self-updates by
/// every member in turn.
pub fn plan() -> Vec<Action> {
    let mut plan = Vec::new();
    for group in 0..GROUPS {
        let creator = group % CLIENTS;
        plan.push(Action::Create { group, creator });
        for k in 1..CLIENTS {
            plan.push(Action::Add {
                group,
                committer: creator,
                joiner: (creator + k) % CLIENTS,
            });
        }
        for u in 0..UPDATES {
            plan.push(Action::Update {
                group,
                committer: (creator + u + 1) % CLIENTS,
            });
        }
    }
    plan
}

fn group_id(group: usize) -> Vec<u8> {
    format!("group-{group}").into_bytes()
}

fn group_index(id: &[u8]) -> usize {
    std::str::from_utf8(id)
        .ok()
        .and_then(|s| s.strip_prefix("group-"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a group id of the world: {id:?}"))
}

static WRITES: AtomicUsize = AtomicUsize::new(0);

/// Announce a write to the parent (stdout is line-buffered: the line is out
/// before the write starts).
fn announce(kind: &str) {
    let n = WRITES.fetch_add(1, Ordering::SeqCst) + 1;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "W {n} {kind}");
    let _ = out.flush();
}

/// A client's store that announces each group or KeyPackage write.
pub struct Announced {
    /// The store.
    pub inner: SqliteStore,
    announce: bool,
}

impl GroupStateStore for Announced {
    fn write_group(&self, write: GroupWrite) -> StoreResult<u64> {
        self.announce(if !write.consumed_key_packages.is_empty() {
            "join"
        } else if write.expected_generation.is_none() {
            "create"
        } else {
            "group"
        });
        self.inner.write_group(write)
    }
    fn read_group(&self, group_id: &[u8]) -> StoreResult<Option<StoredGroup>> {
        self.inner.read_group(group_id)
    }
    fn group_ids(&self) -> StoreResult<Vec<Vec<u8>>> {
        self.inner.group_ids()
    }
    fn delete_group(&self, group_id: &[u8]) -> StoreResult<()> {
        self.announce("delete");
        self.inner.delete_group(group_id)
    }
}

impl Announced {
    fn announce(&self, kind: &str) {
        if self.announce {
            announce(kind);
        }
    }
}

impl KeyPackageStore for Announced {
    fn insert_key_package(&self, record: KeyPackageRecord) -> StoreResult<()> {
        self.announce("kp");
        self.inner.insert_key_package(record)
    }
    fn key_package(&self, reference: &[u8]) -> StoreResult<Option<KeyPackageRecord>> {
        self.inner.key_package(reference)
    }
    fn key_package_refs(&self) -> StoreResult<Vec<(Vec<u8>, bool, u64)>> {
        self.inner.key_package_refs()
    }
    fn delete_key_package(&self, reference: &[u8]) -> StoreResult<()> {
        self.announce("kp-delete");
        self.inner.delete_key_package(reference)
    }
}

impl PskStore for Announced {
    fn insert_psk(&self, id: &[u8], secret: &[u8]) -> StoreResult<()> {
        self.announce("psk");
        self.inner.insert_psk(id, secret)
    }
    fn psk(&self, id: &[u8]) -> StoreResult<Option<zeroize::Zeroizing<Vec<u8>>>> {
        self.inner.psk(id)
    }
    fn delete_psk(&self, id: &[u8]) -> StoreResult<()> {
        self.announce("psk");
        self.inner.delete_psk(id)
    }
}

impl ClientRecordStore for Announced {
    fn client_record(&self, name: &[u8]) -> StoreResult<Option<zeroize::Zeroizing<Vec<u8>>>> {
        self.inner.client_record(name)
    }
    fn write_client_record(&self, record: ClientRecord) -> StoreResult<()> {
        self.announce("record");
        self.inner.write_client_record(record)
    }
}

impl Store for Announced {
    fn bind_identity(&self, identity: &[u8]) -> StoreResult<()> {
        self.announce("identity");
        self.inner.bind_identity(identity)
    }
}

/// One DS row: an action the DS accepted, with its messages.
#[derive(Debug, Clone)]
pub struct Accepted {
    /// Position in the plan.
    pub index: usize,
    /// The epoch the Commit was made in (it leads to `epoch + 1`).
    pub epoch: Option<u64>,
    /// The Commit.
    pub commit: Option<MlsMessage>,
    /// The Welcome of an Add.
    pub welcome: Option<MlsMessage>,
    /// The KeyPackageRef the Add consumed.
    pub kp_ref: Option<Vec<u8>>,
}

/// The delivery service: accepted actions in plan order, published
/// KeyPackages.
pub struct Ds {
    conn: Connection,
    announce: bool,
}

impl Ds {
    fn open(path: &Path, announce: bool) -> Self {
        let conn = Connection::open(path).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
             CREATE TABLE IF NOT EXISTS accepted (idx INTEGER PRIMARY KEY, epoch INTEGER,
                 commit_msg BLOB, welcome BLOB, kp_ref BLOB);
             CREATE TABLE IF NOT EXISTS published (kp_ref BLOB PRIMARY KEY, client INTEGER NOT NULL,
                 key_package BLOB NOT NULL, used INTEGER NOT NULL DEFAULT 0);",
        )
        .unwrap();
        Self { conn, announce }
    }

    /// Every accepted action, in order.
    pub fn accepted(&self) -> Vec<Accepted> {
        let mut stmt = self
            .conn
            .prepare("SELECT idx, epoch, commit_msg, welcome, kp_ref FROM accepted ORDER BY idx")
            .unwrap();
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, Option<Vec<u8>>>(2)?,
                    r.get::<_, Option<Vec<u8>>>(3)?,
                    r.get::<_, Option<Vec<u8>>>(4)?,
                ))
            })
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap();
        let message = |b: Option<Vec<u8>>| b.map(|b| mls_codec::decode::<MlsMessage>(&b).unwrap());
        let accepted: Vec<Accepted> = rows
            .into_iter()
            .map(|(idx, epoch, commit, welcome, kp_ref)| Accepted {
                index: usize::try_from(idx).unwrap(),
                epoch: epoch.map(|e| u64::try_from(e).unwrap()),
                commit: message(commit),
                welcome: message(welcome),
                kp_ref,
            })
            .collect();
        for (i, a) in accepted.iter().enumerate() {
            assert_eq!(a.index, i, "the DS accepts actions in plan order");
        }
        accepted
    }

    fn accept(
        &self,
        index: usize,
        epoch: Option<u64>,
        out: Option<&mls_group::CommitOutput>,
        kp_ref: Option<&[u8]>,
    ) {
        if self.announce {
            announce("ds");
        }
        let encode = |m: &MlsMessage| mls_codec::encode(m).unwrap();
        let tx = self.conn.unchecked_transaction().unwrap();
        tx.execute(
            "INSERT INTO accepted (idx, epoch, commit_msg, welcome, kp_ref) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                i64::try_from(index).unwrap(),
                epoch.map(|e| i64::try_from(e).unwrap()),
                out.map(|o| encode(&o.commit)),
                out.and_then(|o| o.welcome.as_ref()).map(encode),
                kp_ref,
            ],
        )
        .unwrap();
        if let Some(r) = kp_ref {
            tx.execute("UPDATE published SET used = 1 WHERE kp_ref = ?1", [r])
                .unwrap();
        }
        tx.commit().unwrap();
    }

    fn unused_key_package(&self, client: usize) -> Option<(Vec<u8>, KeyPackage)> {
        self.conn
            .query_row(
                "SELECT kp_ref, key_package FROM published WHERE client = ?1 AND used = 0 LIMIT 1",
                [i64::try_from(client).unwrap()],
                |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?)),
            )
            .optional()
            .unwrap()
            .map(|(r, kp)| (r, mls_codec::decode::<KeyPackage>(&kp).unwrap()))
    }

    fn publish(&self, client: usize, reference: &[u8], key_package: &KeyPackage) {
        if self.announce {
            announce("ds");
        }
        self.conn
            .execute(
                "INSERT INTO published (kp_ref, client, key_package) VALUES (?1, ?2, ?3)",
                params![
                    reference,
                    i64::try_from(client).unwrap(),
                    mls_codec::encode(key_package).unwrap()
                ],
            )
            .unwrap();
    }
}

/// One client: the `mls_client::Client` on its store file and the groups it
/// holds open.
pub struct Client {
    /// The client.
    pub client: mls_client::Client,
    /// Its open groups by index.
    pub groups: BTreeMap<usize, ClientGroup>,
}

impl Client {
    /// The stored KeyPackage `reference`, if any.
    fn key_package(&self, reference: &[u8]) -> Option<KeyPackageRecord> {
        self.client.store().key_package(reference).unwrap()
    }
}

/// The clients and the DS on their files.
pub struct World {
    cs: Arc<dyn CipherSuiteProvider>,
    /// The DS.
    pub ds: Ds,
    /// The clients.
    pub clients: Vec<Client>,
}

/// `Durability::Normal`: a SIGKILL loses no write the OS has (only a power
/// loss could), so `Full`'s extra fsync per write would only slow the test;
/// the transactions and the order of writes are the same.
fn options() -> SqliteOptions {
    SqliteOptions {
        durability: Durability::Normal,
        ..SqliteOptions::default()
    }
}

fn client_path(dir: &Path, c: usize) -> PathBuf {
    dir.join(format!("client-{c}.db"))
}

/// Client `c`'s identity: the same key at every restart (an application
/// keeps its signer in a keystore; a seeded generator stands for it here).
fn identity(c: usize) -> (Credential, Arc<dyn mls_crypto::Signer>) {
    let seeded = RustCryptoProvider::with_seed([u8::try_from(c).unwrap() + 1; 32]);
    let cs = seeded.cipher_suite_provider(SUITE).unwrap();
    (
        Credential::basic(format!("client {c}").into_bytes()),
        Arc::new(cs.signature_generate_key_pair().unwrap()),
    )
}

impl World {
    /// Open the world in `dir`, opening every stored group. `announce`: the
    /// child, whose writes the parent may kill.
    pub fn open(dir: &Path, announce: bool) -> Self {
        let provider = RustCryptoProvider::new();
        let cs = provider.cipher_suite_provider(SUITE).unwrap();
        let ds = Ds::open(&dir.join("ds.db"), announce);
        let clients = (0..CLIENTS)
            .map(|c| {
                let store = Announced {
                    inner: SqliteStore::open_with(client_path(dir, c), options()).unwrap_or_else(
                        |e| panic!("client {c}'s store does not open after a kill: {e}"),
                    ),
                    announce,
                };
                let (credential, signer) = identity(c);
                let client = mls_client::Client::builder()
                    .identity(credential, signer)
                    .cipher_suite(SUITE)
                    .store(store)
                    .build()
                    .unwrap_or_else(|e| panic!("client {c} does not open after a kill: {e}"));
                let mut groups = BTreeMap::new();
                for id in client.group_ids().unwrap() {
                    let loaded = client
                        .group(&id)
                        .unwrap_or_else(|e| panic!("client {c}'s group does not load: {e}"))
                        .unwrap();
                    groups.insert(group_index(&id), loaded);
                }
                Client { client, groups }
            })
            .collect();
        Self { cs, ds, clients }
    }

    /// Bring every client to the DS's order: joins from Welcomes addressed
    /// to it, then every accepted Commit of its groups from its epoch on
    /// (its own echoed back, or another member's), each stored by the
    /// client as it merges.
    pub fn reconcile(&mut self) {
        let plan = plan();
        let accepted = self.ds.accepted();
        for c in 0..CLIENTS {
            for a in &accepted {
                match plan[a.index] {
                    Action::Create { group, creator } if creator == c => {
                        assert!(
                            self.clients[c].groups.contains_key(&group),
                            "client {c}: group {group} accepted as created but not stored"
                        );
                    }
                    Action::Add { group, joiner, .. }
                        if joiner == c && !self.clients[c].groups.contains_key(&group) =>
                    {
                        self.join(c, group, a);
                    }
                    _ => {}
                }
                let group = match plan[a.index] {
                    Action::Create { group, .. }
                    | Action::Add { group, .. }
                    | Action::Update { group, .. } => group,
                };
                let (Some(commit), Some(epoch)) = (&a.commit, a.epoch) else {
                    continue;
                };
                let Some(g) = self.clients[c].groups.get_mut(&group) else {
                    continue;
                };
                if g.epoch() != epoch {
                    continue;
                }
                match g.receive(commit).unwrap() {
                    Received::Commit(_) => {}
                    other => panic!("expected a Commit, got {other:?}"),
                }
            }
        }
    }

    fn join(&mut self, c: usize, group: usize, a: &Accepted) {
        let client = &self.clients[c];
        assert!(
            client.key_package(a.kp_ref.as_ref().unwrap()).is_some(),
            "client {c}: the KeyPackage of group {group}'s Welcome is gone, the group is not stored"
        );
        // The client finds the KeyPackage itself and deletes it in the write
        // that stores the group.
        let joined = client.client.join(a.welcome.as_ref().unwrap()).unwrap();
        self.clients[c].groups.insert(group, joined);
    }

    /// Run the plan from the DS's position to the end.
    pub fn run(&mut self) {
        let plan = plan();
        self.reconcile();
        loop {
            let next = self.ds.accepted().len();
            let Some(&action) = plan.get(next) else {
                return;
            };
            self.perform(next, action);
            self.reconcile();
        }
    }

    fn perform(&mut self, index: usize, action: Action) {
        match action {
            Action::Create { group, creator } => {
                let client = &mut self.clients[creator];
                if !client.groups.contains_key(&group) {
                    let g = client
                        .client
                        .create_group_with(CreateOptions {
                            group_id: Some(group_id(group)),
                            ..CreateOptions::default()
                        })
                        .unwrap();
                    client.groups.insert(group, g);
                }
                self.ds.accept(index, None, None, None);
            }
            Action::Add {
                group,
                committer,
                joiner,
            } => {
                let (kp_ref, key_package) = match self.ds.unused_key_package(joiner) {
                    Some(kp) => kp,
                    None => self.new_key_package(joiner),
                };
                self.commit(index, group, committer, Some((kp_ref, key_package)));
            }
            Action::Update { group, committer } => {
                self.commit(index, group, committer, None);
            }
        }
    }

    /// A KeyPackage of client `c`: stored by the client (with its private
    /// keys), then published on the DS.
    fn new_key_package(&mut self, c: usize) -> (Vec<u8>, KeyPackage) {
        let key_package = self.clients[c].client.new_key_package().unwrap();
        let reference = KeyPackageRef::compute(self.cs.as_ref(), &key_package)
            .unwrap()
            .as_bytes()
            .to_vec();
        self.ds.publish(c, &reference, &key_package);
        (reference, key_package)
    }

    /// A Commit (an Add, or a self-update): the client stores it as its
    /// pending Commit (G-05) before the DS takes it; merged when
    /// [`World::reconcile`] sees it accepted. A pending Commit the DS never
    /// took (the process died in between) is dropped first.
    fn commit(
        &mut self,
        index: usize,
        group: usize,
        committer: usize,
        add: Option<(Vec<u8>, KeyPackage)>,
    ) {
        let g = self.clients[committer].groups.get_mut(&group).unwrap();
        if g.group().pending_commit().is_some() {
            g.clear_pending_commit().unwrap();
        }
        let epoch = g.epoch();
        let (kp_ref, key_package) = add.unzip();
        let out = g
            .commit(|b| match key_package {
                Some(kp) => b.add_member(kp),
                None => b.force_path(true),
            })
            .unwrap();
        self.ds
            .accept(index, Some(epoch), Some(&out), kp_ref.as_deref());
    }

    /// The DS's current epoch of `group` (after its last accepted Commit).
    pub fn ds_epoch(&self, group: usize) -> Option<u64> {
        let plan = plan();
        let mut epoch = None;
        for a in self.ds.accepted() {
            let g = match plan[a.index] {
                Action::Create { group, .. }
                | Action::Add { group, .. }
                | Action::Update { group, .. } => group,
            };
            if g == group {
                epoch = Some(a.epoch.map_or(0, |e| e + 1));
            }
        }
        epoch
    }

    /// Check a world found on disk (after a kill): every group loaded (in
    /// [`World::open`]) at the DS's epoch or one behind; every KeyPackage a
    /// stored join consumed is gone, every one of a join not stored is
    /// still there; after catching up in memory every member of a group
    /// has the same epoch authenticator. Returns the number of members
    /// checked.
    ///
    /// The check runs on a copy of the files (the clients store as they
    /// catch up), so the child restarts on exactly what the kill left.
    pub fn check(dir: &Path) -> usize {
        let copy = dir.with_extension("check");
        let _ = std::fs::remove_dir_all(&copy);
        std::fs::create_dir_all(&copy).unwrap();
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), copy.join(entry.file_name())).unwrap();
        }
        let members = World::check_files(&copy);
        std::fs::remove_dir_all(&copy).unwrap();
        members
    }

    fn check_files(dir: &Path) -> usize {
        let mut world = World::open(dir, false);
        let plan = plan();
        let accepted = world.ds.accepted();
        for group in 0..GROUPS {
            let Some(ds_epoch) = world.ds_epoch(group) else {
                continue;
            };
            for (c, client) in world.clients.iter().enumerate() {
                if let Some(g) = client.groups.get(&group) {
                    assert!(
                        g.epoch() == ds_epoch || g.epoch() + 1 == ds_epoch,
                        "client {c}, group {group}: stored epoch {} against the DS's {ds_epoch}",
                        g.epoch()
                    );
                }
            }
        }
        for a in &accepted {
            if let Action::Add { group, joiner, .. } = plan[a.index] {
                let kp_ref = a.kp_ref.as_ref().unwrap();
                let stored = world.clients[joiner].groups.contains_key(&group);
                let kp = world.clients[joiner].key_package(kp_ref);
                assert_eq!(
                    kp.is_none(),
                    stored,
                    "client {joiner}, group {group}: KeyPackage deleted {} but group stored {stored}",
                    kp.is_none()
                );
            }
        }
        world.reconcile();
        let mut members = 0;
        for group in 0..GROUPS {
            let Some(ds_epoch) = world.ds_epoch(group) else {
                continue;
            };
            let states: Vec<_> = world
                .clients
                .iter()
                .filter_map(|c| c.groups.get(&group))
                .map(|g| (g.epoch(), g.group().epoch_authenticator().to_vec()))
                .collect();
            let expected = accepted
                .iter()
                .filter(|a| match plan[a.index] {
                    Action::Create { group: g, .. } | Action::Add { group: g, .. } => g == group,
                    Action::Update { .. } => false,
                })
                .count();
            assert_eq!(states.len(), expected, "group {group}: members missing");
            members += states.len();
            for s in &states {
                assert_eq!(
                    s.0, ds_epoch,
                    "group {group}: a member behind after catching up"
                );
                assert_eq!(s.1, states[0].1, "group {group}: members disagree");
            }
        }
        members
    }
}
