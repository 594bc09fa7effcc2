//! A small chat (issue 13): three clients, each with its own SQLite store
//! file, talk through an in-process delivery service (DS) that orders
//! Commits per group: the first Commit for an epoch wins, a loser gets the
//! rejection, processes the winner's Commit and retries. Midway one client
//! is stopped and restarted from its file; it catches up and carries on.
//!
//! Every change of a group is persisted through the store as one write
//! (the `mls_client::ClientGroup` does it: one SQL transaction): a merged Commit, a join (which
//! deletes the used KeyPackage in the same transaction), a sent or received
//! message (the ratchet moved, GUIDANCE G-04). A client persists a Commit
//! with its pending state before handing it to the DS (G-05).
//!
//! Run: `cargo run --profile test -p mls-store-sqlite --example chat`.

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use mls_client::{Client, ClientGroup, DEFAULT_CIPHER_SUITE, Received, generate_signer};
use mls_codec::{Add, Credential, KeyPackage, MlsMessage, Proposal};
use mls_crypto::SignatureKeyPair;
use mls_group::CreateOptions;
use mls_store_sqlite::SqliteStore;

type Error = Box<dyn std::error::Error>;

const GROUP: &[u8] = b"friends";

/// What the DS delivers to one client.
#[derive(Clone)]
enum Delivery {
    Welcome(MlsMessage),
    Group(MlsMessage),
}

/// The in-process delivery service: one epoch counter per group (Commits
/// are ordered there), members per group, an inbox per client, and the
/// published KeyPackages.
#[derive(Default)]
struct DeliveryService {
    epochs: BTreeMap<Vec<u8>, u64>,
    members: BTreeMap<Vec<u8>, Vec<String>>,
    inboxes: BTreeMap<String, VecDeque<Delivery>>,
    key_packages: BTreeMap<String, Vec<KeyPackage>>,
}

/// The DS refused a Commit: another one for that epoch came first.
#[derive(Debug)]
struct Rejected {
    current_epoch: u64,
}

impl DeliveryService {
    fn publish(&mut self, name: &str, key_package: KeyPackage) {
        self.key_packages
            .entry(name.into())
            .or_default()
            .push(key_package);
    }

    /// A KeyPackage of `name`, used once.
    fn take_key_package(&mut self, name: &str) -> Option<KeyPackage> {
        self.key_packages.get_mut(name)?.pop()
    }

    fn create_group(&mut self, group: &[u8], creator: &str) {
        self.epochs.insert(group.to_vec(), 0);
        self.members.insert(group.to_vec(), vec![creator.into()]);
    }

    /// Order a Commit made in `epoch`: the first for that epoch wins and is
    /// fanned out to every member (the committer too: it merges on the
    /// echo); a Welcome goes to the new member.
    fn submit_commit(
        &mut self,
        from: &str,
        group: &[u8],
        epoch: u64,
        commit: &MlsMessage,
        welcome: Option<(&str, &MlsMessage)>,
    ) -> Result<(), Rejected> {
        let current = self.epochs.get_mut(group).expect("a known group");
        if *current != epoch {
            println!("  DS: {from}'s Commit for epoch {epoch} rejected (epoch is {current})");
            return Err(Rejected {
                current_epoch: *current,
            });
        }
        *current += 1;
        println!("  DS: {from}'s Commit accepted, epoch {}", *current);
        let members = self.members.get_mut(group).expect("a known group");
        for m in members.iter() {
            self.inboxes
                .entry(m.clone())
                .or_default()
                .push_back(Delivery::Group(commit.clone()));
        }
        if let Some((name, message)) = welcome {
            members.push(name.into());
            self.inboxes
                .entry(name.into())
                .or_default()
                .push_back(Delivery::Welcome(message.clone()));
        }
        Ok(())
    }

    /// An application message to every other member.
    fn send(&mut self, from: &str, group: &[u8], message: &MlsMessage) {
        for m in &self.members[group] {
            if m != from {
                self.inboxes
                    .entry(m.clone())
                    .or_default()
                    .push_back(Delivery::Group(message.clone()));
            }
        }
    }

    fn next(&mut self, name: &str) -> Option<Delivery> {
        self.inboxes.get_mut(name)?.pop_front()
    }
}

/// A chat client: a [`Client`] on its own SQLite file and its open groups.
struct ChatClient {
    name: String,
    client: Client,
    groups: BTreeMap<Vec<u8>, ClientGroup>,
}

impl ChatClient {
    /// Open (or create) the client's store with its identity (the app keeps
    /// the signature key, e.g. in the platform keychain) and open its groups.
    fn open(name: &str, signer: Arc<SignatureKeyPair>, dir: &Path) -> Result<Self, Error> {
        let client = Client::builder()
            .identity(Credential::basic(name.as_bytes().to_vec()), signer)
            .store(SqliteStore::open(db_path(dir, name))?)
            .build()?;
        let mut groups = BTreeMap::new();
        for id in client.group_ids()? {
            if let Some(group) = client.group(&id)? {
                groups.insert(id, group);
            }
        }
        Ok(Self {
            name: name.into(),
            client,
            groups,
        })
    }

    /// A fresh KeyPackage: the private part in the store, the public one
    /// at the DS.
    fn publish_key_package(&self, ds: &mut DeliveryService) -> Result<(), Error> {
        let key_package = self.client.new_key_package()?;
        ds.publish(&self.name, key_package);
        Ok(())
    }

    fn create_group(&mut self, ds: &mut DeliveryService, id: &[u8]) -> Result<(), Error> {
        let group = self.client.create_group_with(CreateOptions {
            group_id: Some(id.to_vec()),
            ..CreateOptions::default()
        })?;
        self.groups.insert(id.to_vec(), group);
        ds.create_group(id, &self.name);
        println!("{}: created the group", self.name);
        Ok(())
    }

    /// Commit (adding `add`, or a self-update), retrying after a rejection
    /// once the winner's Commit is processed.
    fn commit(&mut self, ds: &mut DeliveryService, add: Option<&str>) -> Result<(), Error> {
        let joiner = match add {
            Some(name) => Some((
                name.to_string(),
                ds.take_key_package(name).ok_or("a published KeyPackage")?,
            )),
            None => None,
        };
        loop {
            let group = self.groups.get_mut(GROUP).ok_or("a member")?;
            // A Commit left pending by an earlier run is dropped.
            if group.group().has_pending_commit() {
                group.clear_pending_commit()?;
            }
            let epoch = group.epoch();
            let proposals: Vec<Proposal> = joiner
                .iter()
                .map(|(_, kp)| {
                    Proposal::from(Add {
                        key_package: kp.clone(),
                    })
                })
                .collect();
            // G-05: the client stores the pending Commit before returning it.
            let out = group.commit(|c| c.proposals(proposals))?;
            let welcome = match (&joiner, &out.welcome) {
                (Some((name, _)), Some(w)) => Some((name.as_str(), w)),
                _ => None,
            };
            match ds.submit_commit(&self.name, GROUP, epoch, &out.commit, welcome) {
                Ok(()) => break,
                Err(Rejected { current_epoch }) => {
                    // Lost the race: drop our Commit, take the winner's, retry.
                    group.clear_pending_commit()?;
                    self.receive_all(ds)?;
                    let now = self.groups[GROUP].epoch();
                    println!(
                        "{}: retrying at epoch {now} (DS at {current_epoch})",
                        self.name
                    );
                }
            }
        }
        // Our Commit comes back from the DS: merged and stored there.
        self.receive_all(ds)
    }

    fn say(&mut self, ds: &mut DeliveryService, text: &str) -> Result<(), Error> {
        let group = self.groups.get_mut(GROUP).ok_or("a member")?;
        // G-04: the sending ratchet position is stored before the message
        // is returned.
        let message = group.encrypt_application_message(text.as_bytes(), b"")?;
        ds.send(&self.name, GROUP, &message);
        println!("{}: says {text:?}", self.name);
        Ok(())
    }

    /// Take every delivery from the DS, each stored before the next.
    fn receive_all(&mut self, ds: &mut DeliveryService) -> Result<(), Error> {
        while let Some(delivery) = ds.next(&self.name) {
            match delivery {
                Delivery::Welcome(message) => self.join(&message)?,
                Delivery::Group(message) => self.handle(&message)?,
            }
        }
        Ok(())
    }

    fn join(&mut self, welcome: &MlsMessage) -> Result<(), Error> {
        // The client finds its KeyPackage; one transaction stores the group
        // and deletes the KeyPackage.
        let group = self.client.join(welcome)?;
        println!(
            "{}: joined at epoch {} with {} members",
            self.name,
            group.epoch(),
            group.group().member_count()
        );
        self.groups.insert(group.group_id().to_vec(), group);
        Ok(())
    }

    fn handle(&mut self, message: &MlsMessage) -> Result<(), Error> {
        let group = self.groups.get_mut(GROUP).ok_or("a member")?;
        match group.receive(message)? {
            Received::Commit(info) if !info.own_commit => {
                println!("{}: processed a Commit, epoch {}", self.name, group.epoch());
            }
            Received::Application(m) => {
                let sender = group
                    .group()
                    .member(m.sender)
                    .map(|member| match member.credential {
                        Credential::Basic { identity } => {
                            String::from_utf8_lossy(identity.as_slice()).into_owned()
                        }
                        _ => "?".into(),
                    })
                    .unwrap_or_default();
                println!(
                    "{}: got {:?} from {sender}",
                    self.name,
                    String::from_utf8_lossy(&m.data)
                );
            }
            _ => {}
        }
        Ok(())
    }

    fn authenticator(&self) -> (u64, Vec<u8>) {
        let group = &self.groups[GROUP];
        (group.epoch(), group.group().epoch_authenticator().to_vec())
    }
}

fn db_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.db"))
}

fn main() -> Result<(), Error> {
    let dir = std::env::temp_dir().join(format!("mls-chat-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = chat(&dir);
    std::fs::remove_dir_all(&dir)?;
    result
}

fn chat(dir: &Path) -> Result<(), Error> {
    let mut ds = DeliveryService::default();
    // Each app keeps its identity's signature key (a keychain, here memory).
    let key = || generate_signer(DEFAULT_CIPHER_SUITE);
    let (alice_key, bob_key, carol_key) = (key()?, key()?, key()?);
    let mut alice = ChatClient::open("alice", alice_key, dir)?;
    let mut bob = ChatClient::open("bob", bob_key, dir)?;
    let mut carol = ChatClient::open("carol", carol_key.clone(), dir)?;
    for c in [&alice, &bob, &carol] {
        c.publish_key_package(&mut ds)?;
        c.publish_key_package(&mut ds)?;
    }

    alice.create_group(&mut ds, GROUP)?;
    alice.commit(&mut ds, Some("bob"))?;
    bob.receive_all(&mut ds)?;

    // Alice and Bob commit at the same epoch: Bob's reaches the DS first;
    // Alice, who has not read her inbox yet, gets the rejection, takes
    // Bob's Commit and retries.
    bob.commit(&mut ds, None)?;
    alice.commit(&mut ds, Some("carol"))?;
    bob.receive_all(&mut ds)?;
    carol.receive_all(&mut ds)?;

    alice.say(&mut ds, "hi all")?;
    bob.say(&mut ds, "hello alice")?;
    for c in [&mut alice, &mut bob, &mut carol] {
        c.receive_all(&mut ds)?;
    }
    carol.say(&mut ds, "brb")?;
    for c in [&mut alice, &mut bob] {
        c.receive_all(&mut ds)?;
    }

    // Carol stops: the process would exit here; her store file stays.
    let carol_epoch = carol.authenticator().0;
    drop(carol);
    println!("carol: stopped at epoch {carol_epoch}");

    bob.say(&mut ds, "carol is away")?;
    bob.commit(&mut ds, None)?;
    alice.receive_all(&mut ds)?;
    alice.say(&mut ds, "she will read this later")?;
    alice.commit(&mut ds, None)?;
    bob.receive_all(&mut ds)?;

    // Carol restarts from her file and catches up from her inbox.
    let mut carol = ChatClient::open("carol", carol_key, dir)?;
    println!(
        "carol: restarted from her file at epoch {}",
        carol.authenticator().0
    );
    carol.receive_all(&mut ds)?;
    carol.say(&mut ds, "back, read everything")?;
    carol.commit(&mut ds, None)?;
    for c in [&mut alice, &mut bob] {
        c.receive_all(&mut ds)?;
    }

    let (epoch, auth) = alice.authenticator();
    if bob.authenticator() != (epoch, auth.clone()) || carol.authenticator() != (epoch, auth) {
        return Err("the three clients disagree on the group state".into());
    }
    // Bob and Carol each joined with one of their two KeyPackages: it is
    // gone from their stores, the unused one is still there.
    for (c, left) in [(&alice, 2), (&bob, 1), (&carol, 1)] {
        if c.client.store().key_package_refs()?.len() != left {
            return Err(format!("{}: a used KeyPackage was not deleted", c.name).into());
        }
    }
    println!("chat: done, alice, bob and carol agree at epoch {epoch}");
    Ok(())
}
