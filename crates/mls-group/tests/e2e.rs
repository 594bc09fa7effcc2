//! End to end: a group grows to 100 members (batched adds), then runs 50
//! epochs of mixed adds, removes, updates (by Commit path and by Update
//! proposal) and application messages; after every epoch all members agree
//! on the epoch and the epoch authenticator. A second, smaller run sends
//! handshake messages as PrivateMessages with the tree out of band.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use mls_codec::{Add, MlsMessage, Proposal, Remove};
use mls_crypto::CipherSuite;
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::key_package::KeyPackageBundle;
use mls_group::{CommitOutput, Group, GroupConfig, JoinOptions, ProcessedMessage};

/// A tiny deterministic generator (xorshift) for choosing operations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct Run {
    provider: RustCryptoProvider,
    suite: CipherSuite,
    config: GroupConfig,
    members: Vec<Group>,
    next_name: usize,
}

impl Run {
    fn new(seed: u8, config: GroupConfig, suite: CipherSuite) -> Self {
        let provider = provider(seed);
        let cs = suite_provider(&provider, suite);
        let first = create(&cs, "member-0", config.clone());
        Run {
            provider,
            suite,
            config,
            members: vec![first],
            next_name: 1,
        }
    }

    fn fresh_bundles(&mut self, n: usize) -> Vec<KeyPackageBundle> {
        let cs = suite_provider(&self.provider, self.suite);
        (0..n)
            .map(|_| {
                self.next_name += 1;
                bundle(cs.as_ref(), &format!("member-{}", self.next_name))
            })
            .collect()
    }

    /// `committer` commits `proposals` (and the cached ones); everyone else
    /// processes; new members join.
    fn commit(
        &mut self,
        committer: usize,
        proposals: Vec<Proposal>,
        joiners: Vec<KeyPackageBundle>,
    ) {
        let out: CommitOutput = self.members[committer]
            .commit_builder()
            .proposals(proposals)
            .build()
            .unwrap();
        self.members[committer].merge_pending_commit().unwrap();
        self.deliver(committer, &out.commit);
        if let Some(welcome) = &out.welcome {
            for b in joiners {
                let (g, _) = Group::join(
                    &self.provider,
                    welcome,
                    &vec![b],
                    self.config.clone(),
                    JoinOptions {
                        ratchet_tree: out.ratchet_tree.clone(),
                        ..JoinOptions::default()
                    },
                )
                .unwrap();
                self.members.push(g);
            }
        }
        self.members.retain(Group::is_active);
        // Persist and restore one member each epoch: the restored state is
        // exact and keeps working.
        let i = (self.members[0].epoch() as usize) % self.members.len();
        let bytes = self.members[i].to_bytes().unwrap();
        let options = mls_group::LoadOptions::default().with_runtime_of(&self.config);
        let restored = Group::from_bytes_with_options(&bytes, &self.provider, options).unwrap();
        assert_eq!(*restored.to_bytes().unwrap(), *bytes);
        self.members[i] = restored;
        self.check_agreement();
    }

    /// Everyone but `sender` processes `message`; Commits are merged.
    fn deliver(&mut self, sender: usize, message: &MlsMessage) {
        for (i, m) in self.members.iter_mut().enumerate() {
            if i == sender {
                continue;
            }
            match m.process_message(message).unwrap() {
                ProcessedMessage::Commit(staged) => m.merge_staged_commit(staged).unwrap(),
                ProcessedMessage::Proposal(_) => {}
                ProcessedMessage::Application(a) => {
                    assert_eq!(a.data, format!("from {sender}").into_bytes())
                }
            }
        }
    }

    fn check_agreement(&self) {
        let first = &self.members[0];
        for m in &self.members {
            assert_eq!(m.epoch(), first.epoch());
            assert_eq!(m.epoch_authenticator(), first.epoch_authenticator());
            assert_eq!(m.member_count(), self.members.len());
        }
    }

    fn leaf_of(&self, index: usize) -> u32 {
        self.members[index].own_leaf().get()
    }
}

fn add_all(bundles: &[KeyPackageBundle]) -> Vec<Proposal> {
    bundles
        .iter()
        .map(|b| {
            Proposal::from(Add {
                key_package: b.key_package().clone(),
            })
        })
        .collect()
}

fn run(seed: u8, config: GroupConfig, suite: CipherSuite, size: usize, epochs: usize) {
    let mut run = Run::new(seed, config, suite);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ u64::from(seed));
    // Grow in batches of up to 33.
    while run.members.len() < size {
        let n = (size - run.members.len()).min(33);
        let bundles = run.fresh_bundles(n);
        let committer = rng.below(run.members.len());
        run.commit(committer, add_all(&bundles), bundles);
    }
    for epoch in 0..epochs {
        // An application message from a random member.
        let sender = rng.below(run.members.len());
        let msg = run.members[sender]
            .encrypt_application_message(format!("from {sender}").as_bytes(), b"")
            .unwrap();
        run.deliver(sender, &msg);

        let committer = rng.below(run.members.len());
        match epoch % 4 {
            0 => {
                let bundles = run.fresh_bundles(1 + rng.below(3));
                run.commit(committer, add_all(&bundles), bundles);
            }
            1 => {
                let mut victims = Vec::new();
                for _ in 0..2 {
                    let v = rng.below(run.members.len());
                    let leaf = run.leaf_of(v);
                    if v != committer && !victims.contains(&leaf) {
                        victims.push(leaf);
                    }
                }
                run.commit(
                    committer,
                    victims
                        .into_iter()
                        .map(|removed| Proposal::Remove(Remove { removed }))
                        .collect(),
                    Vec::new(),
                );
            }
            2 => run.commit(committer, Vec::new(), Vec::new()),
            _ => {
                // An Update proposal by one member, committed by another.
                let proposer = (committer + 1) % run.members.len();
                let p = run.members[proposer].propose().update().unwrap();
                run.deliver(proposer, &p);
                run.commit(committer, Vec::new(), Vec::new());
            }
        }
    }
}

#[test]
fn hundred_members_fifty_epochs() {
    run(21, GroupConfig::default(), SUITE, 100, 50);
}

#[test]
fn encrypted_handshake_with_out_of_band_tree() {
    let config = GroupConfig {
        encrypt_handshake: true,
        ratchet_tree_extension: false,
        ..GroupConfig::default()
    };
    run(22, config, SUITE, 20, 16);
}

/// The same scenario over each of the eleven post-quantum suites (smaller:
/// 20 members, 8 epochs, so every operation kind runs twice), alternately
/// with public and encrypted handshake messages.
#[cfg(feature = "pq")]
#[test]
fn every_pq_suite_end_to_end() {
    for (i, pq) in mls_crypto::PqSuite::ALL.into_iter().enumerate() {
        let config = GroupConfig {
            encrypt_handshake: i % 2 == 1,
            ..GroupConfig::default()
        };
        run(40 + i as u8, config, CipherSuite::Pq(pq), 20, 8);
    }
}
