//! A stateful target: a group of three members (up to four) driven through
//! a fuzzer-chosen sequence of operations (application messages, empty and
//! update Commits, Adds, Removes, proposals) and hostile deliveries
//! (corrupted messages, replays, fuzzer bytes). It asserts, after every
//! operation:
//!
//! - liveness: a member's proposal of fuzzer-chosen content that its own
//!   check passes is accepted by every receiver, and the next default
//!   Commit of another member does not fail because of it (issue 15 item
//!   3: the committer leaves out what would make its Commit invalid);
//! - agreement: every member is at the same epoch with the same epoch
//!   authenticator (RFC 9420 §8.7) and application data arrives intact;
//! - no state change on rejection: a rejected message leaves the receiver's
//!   `Group::to_bytes` identical, and the genuine message delivered after a
//!   corrupted copy is still accepted;
//! - the memory bound: a hostile delivery holds at most a small multiple of
//!   the message plus the receiver's state in live heap.
//!
//! It runs on [`mls_fuzz::fast_crypto`], a fuzz-only provider whose
//! signatures and HPKE are keyed hashes (with the real hash, KDF and AEAD),
//! so that an execution costs the state machine's work, not curve
//! arithmetic; the other targets run the real provider.
//!
//! The first input byte chooses the handshake mode (PublicMessage or
//! PrivateMessage Commits and proposals); each following operation is one
//! byte and its arguments.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mls_codec::{
    Add, Credential, MlsMessage, PreSharedKeyId, PreSharedKeyProposal, Proposal, Psk, Remove,
    VLBytes,
};
use mls_fuzz::fast_crypto;
use mls_fuzz::fixture;
use mls_group::key_package::{KeyPackageBundle, sign_key_package, sign_leaf_node};
use mls_group::{CommitOutput, CreateOptions, Group, JoinOptions, ProcessedMessage};
use mls_treekem::TreeView;
use zeroize::Zeroizing;

/// Operations per input at most, so that one execution stays short.
const MAX_OPS: usize = 24;
/// Members at most (the spare KeyPackages bound it too).
const MAX_MEMBERS: usize = 4;

/// The starting point of every execution: three members' snapshots and
/// KeyPackages of clients that may be added.
struct World {
    snapshots: Vec<Zeroizing<Vec<u8>>>,
    spares: Vec<KeyPackageBundle>,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let provider = fast_crypto::provider();
        let cs = provider.suite();
        let bundle = |name: &str| {
            let signer = cs.signature_generate_key_pair().expect("key pair");
            fixture::forever()
                .build(cs.as_ref(), Credential::basic(name), &signer)
                .expect("KeyPackage")
        };
        let signer = cs.signature_generate_key_pair().expect("key pair");
        let options = CreateOptions {
            leaf: fixture::forever(),
            ..CreateOptions::default()
        };
        let mut alice = Group::create(
            cs.clone(),
            Credential::basic("alice"),
            std::sync::Arc::new(signer),
            fixture::config(),
            options,
        )
        .expect("create");
        let (bob, carol) = (bundle("bob"), bundle("carol"));
        let out = alice
            .commit_builder()
            .add_member(bob.key_package().clone())
            .add_member(carol.key_package().clone())
            .build()
            .expect("add bob and carol");
        alice.merge_pending_commit().expect("merge");
        let welcome = out.welcome.expect("a Welcome");
        let mut snapshots = vec![alice.to_bytes().expect("save")];
        for joiner in [&bob, &carol] {
            let (group, _) = Group::join(
                provider,
                &welcome,
                joiner,
                fixture::config(),
                JoinOptions::default(),
            )
            .expect("join");
            snapshots.push(group.to_bytes().expect("save"));
        }
        let spares = ["dave", "erin", "frank"].map(bundle).into();
        World { snapshots, spares }
    })
}

/// The fuzzer's bytes, read one argument at a time (zeros past the end).
struct Input<'a> {
    bytes: &'a [u8],
}

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        match self.bytes.split_first() {
            Some((b, rest)) => {
                self.bytes = rest;
                *b
            }
            None => 0,
        }
    }

    fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.byte(), self.byte()])
    }

    fn take(&mut self, n: usize) -> &[u8] {
        let (head, rest) = self.bytes.split_at(n.min(self.bytes.len()));
        self.bytes = rest;
        head
    }
}

/// One execution: the members, the spares not used yet, the last message
/// every member accepted (for replays).
struct Run<'w> {
    members: Vec<Group>,
    spares: std::slice::Iter<'w, KeyPackageBundle>,
    last: Option<(usize, MlsMessage)>,
}

fn load(snapshot: &[u8], encrypt_handshake: bool) -> Group {
    let mut group =
        Group::from_bytes_with_options(snapshot, fast_crypto::provider(), fixture::load_options())
            .expect("load");
    group.set_encrypt_handshake(encrypt_handshake);
    group
}

impl Run<'_> {
    fn other(&self, sender: usize, pick: u8) -> usize {
        let n = self.members.len();
        (sender + 1 + usize::from(pick) % (n - 1)) % n
    }

    /// The sender merges its Commit, every other member processes and
    /// merges it, and all agree afterwards; members it removed (a
    /// committed Remove proposal) are no longer driven.
    fn deliver_commit(&mut self, sender: usize, out: &CommitOutput) {
        self.members[sender]
            .merge_pending_commit()
            .expect("merge own Commit");
        for (i, member) in self.members.iter_mut().enumerate() {
            if i == sender {
                continue;
            }
            match member.process_message(&out.commit) {
                Ok(ProcessedMessage::Commit(staged)) => {
                    member.merge_staged_commit(staged).expect("merge Commit")
                }
                Ok(_) => panic!("a Commit processed as something else"),
                Err(e) => panic!("member {i} rejected a genuine Commit: {e}"),
            }
        }
        let sender = sender
            - self.members[..sender]
                .iter()
                .filter(|m| !m.is_active())
                .count();
        self.members.retain(Group::is_active);
        self.last = Some((sender, out.commit.clone()));
        self.check_agreement();
    }

    fn check_agreement(&self) {
        let first = &self.members[0];
        for member in &self.members[1..] {
            assert_eq!(member.epoch(), first.epoch(), "epochs differ");
            assert_eq!(
                member.epoch_authenticator(),
                first.epoch_authenticator(),
                "epoch authenticators differ: the group forked"
            );
        }
    }

    /// Deliver a message that must be rejected (a corrupted copy, a
    /// replay): the receiver's state is byte-identical afterwards.
    fn deliver_hostile(&mut self, receiver: usize, message: &MlsMessage, must_reject: bool) {
        let member = &mut self.members[receiver];
        let before = member.to_bytes().expect("save");
        let len = mls_codec::encode(message).map_or(0, |b| b.len());
        let bound = mls_fuzz::decode_bound(len)
            .saturating_add(before.len().saturating_mul(8))
            .saturating_add(1 << 20);
        let result = mls_fuzz::with_heap_bound(bound, || member.process_message(message));
        match result {
            Err(_) => assert_eq!(
                member.to_bytes().expect("save")[..],
                before[..],
                "a rejected message changed the state"
            ),
            Ok(processed) => {
                assert!(
                    !must_reject,
                    "a corrupted or replayed message was accepted: {processed:?}"
                );
                // Fuzzer bytes that happen to be acceptable (nothing here
                // can forge one, but stay sound): forget what they did.
                *member = Group::from_bytes_with_options(
                    &before,
                    fast_crypto::provider(),
                    mls_group::LoadOptions::default().with_runtime_of(member.config()),
                )
                .expect("reload");
            }
        }
    }

    /// A member proposes fuzzer-chosen content (RFC 9420 §12.1): an Add of
    /// a spare KeyPackage (maybe re-signed with a member's encryption key),
    /// a Remove, a PSK nobody may hold, or any decodable proposal. What the
    /// proposer's own check passes, every receiver accepts at receipt (one
    /// checker); then another member's default Commit never fails because
    /// of it (issue 15 item 3): it is committed or left out, and everyone
    /// follows.
    fn propose_fuzzed(&mut self, sender: usize, input: &mut Input<'_>) {
        let n = self.members.len();
        let mut joiner = None;
        let proposal = match input.byte() % 4 {
            0 => {
                if n >= MAX_MEMBERS {
                    return;
                }
                let Some(spare) = self.spares.next() else {
                    return;
                };
                let mut key_package = spare.key_package().clone();
                if input.byte() & 1 == 1 {
                    let member = &self.members[usize::from(input.byte()) % n];
                    let own = member.ratchet_tree().leaf(member.own_leaf());
                    if let (Some(own), Some(signer)) = (own, spare.signer()) {
                        let cs = fast_crypto::provider().suite();
                        key_package.leaf_node.encryption_key = own.encryption_key.clone();
                        sign_leaf_node(cs.as_ref(), &signer, &mut key_package.leaf_node, &[], 0)
                            .expect("sign leaf");
                        sign_key_package(cs.as_ref(), &signer, &mut key_package)
                            .expect("sign KeyPackage");
                    }
                }
                joiner = Some(spare);
                Proposal::from(Add { key_package })
            }
            1 => Proposal::Remove(Remove {
                removed: u32::from(input.byte() % 8),
            }),
            2 => Proposal::from(PreSharedKeyProposal {
                psk: PreSharedKeyId {
                    psk: Psk::External {
                        psk_id: VLBytes::new(vec![input.byte()]),
                    },
                    psk_nonce: VLBytes::new(vec![7; 32]),
                },
            }),
            _ => {
                let len = usize::from(input.u16() % 1024);
                match mls_codec::decode::<Proposal>(input.take(len)) {
                    // A ReInit ends the group's life (RFC 9420 §11.2);
                    // it is the subject of other tests.
                    Ok(Proposal::ReInit(_)) | Err(_) => return,
                    Ok(p) => p,
                }
            }
        };
        let Ok(message) = self.members[sender].propose().proposal(proposal) else {
            return;
        };
        for (i, member) in self.members.iter_mut().enumerate() {
            if i != sender
                && let Err(e) = member.process_message(&message)
            {
                panic!("member {i} rejected a proposal its sender's check passed: {e}");
            }
        }
        let committer = self.other(sender, input.byte());
        let out = match self.members[committer].commit_builder().build() {
            Ok(out) => out,
            Err(e) => panic!("a default Commit failed after a member's proposal: {e}"),
        };
        self.deliver_commit(committer, &out);
        if let (Some(joiner), Some(welcome)) = (joiner, &out.welcome) {
            self.join(welcome, joiner);
        }
    }

    /// `joiner` joins from `welcome` in the others' handshake mode, and
    /// agrees with them.
    fn join(&mut self, welcome: &MlsMessage, joiner: &KeyPackageBundle) {
        let encrypt = self.members[0].config().encrypt_handshake;
        let (mut group, _) = Group::join(
            fast_crypto::provider(),
            welcome,
            joiner,
            fixture::config(),
            JoinOptions::default(),
        )
        .expect("join");
        group.set_encrypt_handshake(encrypt);
        self.members.push(group);
        self.check_agreement();
    }

    fn step(&mut self, input: &mut Input<'_>) {
        let n = self.members.len();
        // A fuzzed Remove may leave one member: nothing to drive.
        if n < 2 {
            input.bytes = &[];
            return;
        }
        let op = input.byte();
        let sender = usize::from(input.byte()) % n;
        match op % 10 {
            9 => self.propose_fuzzed(sender, input),
            0 => {
                let len = usize::from(input.byte() % 32);
                let data = input.take(len).to_vec();
                let message = self.members[sender]
                    .encrypt_application_message(&data, b"ad")
                    .expect("encrypt");
                self.deliver_application(sender, &message, &data);
            }
            1 => {
                let out = self.members[sender]
                    .commit_builder()
                    .build()
                    .expect("empty Commit");
                self.deliver_commit(sender, &out);
            }
            2 => {
                if n >= MAX_MEMBERS {
                    return;
                }
                let Some(joiner) = self.spares.next() else {
                    return;
                };
                let out = self.members[sender]
                    .commit_builder()
                    .add_member(joiner.key_package().clone())
                    .build()
                    .expect("Add Commit");
                self.deliver_commit(sender, &out);
                let welcome = out.welcome.as_ref().expect("an Add has a Welcome");
                self.join(welcome, joiner);
            }
            3 => {
                if n <= 2 {
                    return;
                }
                let removed = self.other(sender, input.byte());
                let leaf = self.members[removed].own_leaf();
                let out = self.members[sender]
                    .commit_builder()
                    .remove_member(leaf)
                    .build()
                    .expect("Remove Commit");
                self.members.remove(removed);
                let sender = if removed < sender { sender - 1 } else { sender };
                self.deliver_commit(sender, &out);
            }
            4 => {
                // An Update proposal, committed by another member.
                let proposal = self.members[sender].propose().update().expect("propose");
                for (i, member) in self.members.iter_mut().enumerate() {
                    if i != sender {
                        member.process_message(&proposal).expect("genuine proposal");
                    }
                }
                let committer = self.other(sender, input.byte());
                let out = self.members[committer]
                    .commit_builder()
                    .build()
                    .expect("Commit of the Update");
                self.deliver_commit(committer, &out);
            }
            5 => {
                // A corrupted application message first, then the genuine one.
                let message = self.members[sender]
                    .encrypt_application_message(b"genuine", b"")
                    .expect("encrypt");
                let receiver = self.other(sender, input.byte());
                if let Some(bad) = corrupt(&message, input) {
                    self.deliver_hostile(receiver, &bad, true);
                }
                self.deliver_application(sender, &message, b"genuine");
            }
            6 => {
                // A corrupted Commit first, then the genuine one.
                let out = self.members[sender]
                    .commit_builder()
                    .build()
                    .expect("empty Commit");
                let receiver = self.other(sender, input.byte());
                if let Some(bad) = corrupt(&out.commit, input) {
                    self.deliver_hostile(receiver, &bad, true);
                }
                self.deliver_commit(sender, &out);
            }
            7 => {
                // Replay what every member already accepted.
                if let Some((from, message)) = self.last.clone()
                    && from < n
                {
                    let receiver = self.other(from, input.byte());
                    self.deliver_hostile(receiver, &message, true);
                }
            }
            _ => {
                // Fuzzer bytes as a message.
                let len = usize::from(input.u16() % 2048);
                let bytes = input.take(len).to_vec();
                let receiver = usize::from(input.byte()) % n;
                if let Ok(message) = mls_codec::decode::<MlsMessage>(&bytes) {
                    self.deliver_hostile(receiver, &message, false);
                }
            }
        }
    }

    fn deliver_application(&mut self, sender: usize, message: &MlsMessage, data: &[u8]) {
        for (i, member) in self.members.iter_mut().enumerate() {
            if i == sender {
                continue;
            }
            match member.process_message(message) {
                Ok(ProcessedMessage::Application(m)) => {
                    assert_eq!(m.data, data, "application data altered")
                }
                Ok(_) => panic!("an application message processed as something else"),
                Err(e) => panic!("member {i} rejected a genuine application message: {e}"),
            }
        }
        self.last = Some((sender, message.clone()));
    }
}

/// `message` with one byte changed (position and nonzero XOR mask from the
/// input), if the result still decodes.
fn corrupt(message: &MlsMessage, input: &mut Input<'_>) -> Option<MlsMessage> {
    let mut bytes = mls_codec::encode(message).ok()?;
    let at = usize::from(input.u16()) % bytes.len();
    bytes[at] ^= input.byte().max(1);
    mls_codec::decode(&bytes).ok()
}

fuzz_target!(|data: &[u8]| {
    let world = world();
    let mut input = Input { bytes: data };
    let encrypt_handshake = input.byte() & 1 == 1;
    let mut run = Run {
        members: world
            .snapshots
            .iter()
            .map(|s| load(s, encrypt_handshake))
            .collect(),
        spares: world.spares.iter(),
        last: None,
    };
    for _ in 0..MAX_OPS {
        if input.bytes.is_empty() {
            break;
        }
        run.step(&mut input);
    }
    run.check_agreement();
});
