//! Reinitialization and branching through the public API (RFC 9420 §11.2,
//! §11.3, §12.1.5): a ReInit proposed and committed, the old group shut
//! down, the successor created by one member and joined by the others (in
//! every pair of the seven suites), a subgroup branched off; and the bad
//! inputs a member can meet on the way, each leaving the group
//! byte-identical.

mod common;

use std::sync::Arc;

use common::{bundle, create, provider, snapshot, suite_provider};
use mls_codec::{
    Credential, Extension, ExtensionType, MlsMessage, ProtocolVersion, RequiredCapabilities,
    VLBytes,
};
use mls_crypto::{CipherSuite, CipherSuiteProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::key_package::KeyPackageBundle;
use mls_group::{
    Group, GroupConfig, GroupError, JoinOptions, Misuse, ProcessedMessage, ProposalError,
    Rejection, ResumptionError, ResumptionOptions, ResumptionOutput,
};

/// A group of `names` in `suite`, everyone joined; index = leaf.
fn group_of(
    provider: &RustCryptoProvider,
    cs: &Arc<dyn CipherSuiteProvider>,
    names: &[&str],
) -> Vec<Group> {
    let mut creator = create(cs, names[0], GroupConfig::default());
    let bundles: Vec<KeyPackageBundle> =
        names[1..].iter().map(|n| bundle(cs.as_ref(), n)).collect();
    let mut builder = creator.commit_builder();
    for b in &bundles {
        builder = builder.add_member(b.key_package().clone());
    }
    let out = builder.build().expect("add everyone");
    creator.merge_pending_commit().expect("merge");
    let welcome = out.welcome.expect("welcome");
    let mut groups = vec![creator];
    for b in bundles {
        let (g, _) = Group::join(
            provider,
            &welcome,
            &b,
            GroupConfig::default(),
            JoinOptions::default(),
        )
        .expect("join");
        groups.push(g);
    }
    groups
}

/// Process `message` as a Commit, check that it reports the ReInit, merge.
fn merge_reinit_commit(group: &mut Group, message: &MlsMessage) {
    match group
        .process_message(message)
        .expect("process the ReInit Commit")
    {
        ProcessedMessage::Commit(staged) => {
            assert!(
                staged.info().reinit().is_some(),
                "the Commit reports its ReInit"
            );
            group.merge_staged_commit(staged).expect("merge");
        }
        other => panic!("expected a Commit, got {other:?}"),
    }
    assert!(group.pending_reinit().is_some());
}

/// `committer` commits a ReInit to `to` by value; everyone merges it.
fn commit_reinit(groups: &mut [Group], committer: usize, group_id: &[u8], to: CipherSuite) {
    let out = groups[committer]
        .commit_builder()
        .reinit(group_id.to_vec(), ProtocolVersion::MLS10, to, Vec::new())
        .build()
        .expect("ReInit Commit");
    assert!(out.info.reinit().is_some());
    assert!(out.welcome.is_none());
    groups[committer].merge_pending_commit().expect("merge own");
    assert!(groups[committer].pending_reinit().is_some());
    for (i, g) in groups.iter_mut().enumerate() {
        if i != committer {
            merge_reinit_commit(g, &out.commit);
        }
    }
}

/// The members' KeyPackages for the successor (in the suite `cs`), in leaf
/// order, with their identity in the old group.
fn successor_bundles(cs: &dyn CipherSuiteProvider, names: &[&str]) -> Vec<KeyPackageBundle> {
    names.iter().map(|n| bundle(cs, n)).collect()
}

/// Member `welcomer` creates the successor in `cs`; the others join. Returns
/// the new groups in the old leaf order.
fn move_to_successor(
    provider: &RustCryptoProvider,
    old: &[Group],
    names: &[&str],
    welcomer: usize,
    cs: &Arc<dyn CipherSuiteProvider>,
) -> Vec<Group> {
    let bundles = successor_bundles(cs.as_ref(), names);
    let others: Vec<_> = (0..names.len()).filter(|&i| i != welcomer).collect();
    let signer = cs.signature_generate_key_pair().expect("signer");
    let (created, out) = old[welcomer]
        .reinit_successor(
            cs.clone(),
            Arc::new(signer),
            others
                .iter()
                .map(|&i| bundles[i].key_package().clone())
                .collect(),
            ResumptionOptions::default(),
        )
        .expect("successor");
    assert_eq!(created.epoch(), 1);
    let welcome = out.welcome.expect("a Welcome for the others");
    let mut new: Vec<Option<Group>> = (0..names.len()).map(|_| None).collect();
    for &i in &others {
        let (g, _) = old[i]
            .join_reinit_successor(
                provider,
                &welcome,
                &bundles[i],
                GroupConfig::default(),
                JoinOptions::default(),
            )
            .expect("join the successor");
        assert_eq!(g.epoch_authenticator(), created.epoch_authenticator());
        new[i] = Some(g);
    }
    new[welcomer] = Some(created);
    new.into_iter().map(|g| g.expect("every member")).collect()
}

#[test]
fn reinit_proposed_committed_and_resumed() {
    let p = provider(1);
    let suite = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;
    let cs = suite_provider(&p, suite);
    let names = ["alice", "bob", "charlie"];
    let mut old = group_of(&p, &cs, &names);

    // Alice proposes (§12.1.5), Bob commits it by reference (§11.2 steps 1, 2).
    let to = CipherSuite::Mls128DhKemP256Aes128GcmSha256P256;
    let extensions = vec![
        Extension::from_payload(&RequiredCapabilities {
            extension_types: Vec::new(),
            proposal_types: Vec::new(),
            credential_types: Vec::new(),
        })
        .unwrap(),
    ];
    let proposal = old[0]
        .propose()
        .reinit(
            b"successor".to_vec(),
            ProtocolVersion::MLS10,
            to,
            extensions.clone(),
        )
        .expect("propose");
    for g in &mut old[1..] {
        assert!(matches!(
            g.process_message(&proposal).expect("receive the proposal"),
            ProcessedMessage::Proposal(_)
        ));
    }
    let out = old[1].commit_builder().build().expect("commit the ReInit");
    assert_eq!(out.info.proposals.len(), 1);
    assert!(!out.info.has_path, "a ReInit needs no path (§17.4)");
    old[1].merge_pending_commit().unwrap();
    merge_reinit_commit(&mut old[0], &out.commit);
    merge_reinit_commit(&mut old[2], &out.commit);
    let reinit = old[0].pending_reinit().unwrap().clone();
    assert_eq!(reinit.group_id.as_slice(), b"successor");
    assert_eq!(reinit.extensions, extensions);

    // Charlie creates the successor (§11.2 step 3), the others join.
    let new_cs = suite_provider(&p, to);
    let mut new = move_to_successor(&p, &old, &names, 2, &new_cs);
    for g in &new {
        assert_eq!(g.group_id(), b"successor");
        assert_eq!(g.cipher_suite(), to);
        assert_eq!(g.epoch(), 1);
        assert_eq!(g.extensions(), extensions.as_slice());
        assert_eq!(g.member_count(), 3);
    }
    // The successor works: application data and a Commit.
    let msg = new[0].encrypt_application_message(b"hello", b"").unwrap();
    assert_eq!(common::receive_app(&mut new[2], &msg), b"hello");
    let out = new[1].commit_builder().force_path(true).build().unwrap();
    new[1].merge_pending_commit().unwrap();
    common::process_commit(&mut new[0], &out.commit);
    common::process_commit(&mut new[2], &out.commit);
    assert_eq!(new[0].epoch_authenticator(), new[1].epoch_authenticator());

    // The old group's state, ReInit included, survives a save and restore.
    let restored = common::round_trip(&old[0], &p, GroupConfig::default());
    assert_eq!(restored.pending_reinit(), Some(&reinit));
}

/// RFC 9420 §11.2: the cipher suite changes through ReInit between every
/// pair of the seven suites (49 pairs, the same suite included).
#[test]
fn reinit_changes_between_every_pair_of_suites() {
    let p = provider(2);
    let names = ["alice", "bob"];
    for from in CipherSuite::RFC9420 {
        let cs = suite_provider(&p, from);
        for to in CipherSuite::RFC9420 {
            let mut old = group_of(&p, &cs, &names);
            commit_reinit(&mut old, 0, format!("{from:?}->{to:?}").as_bytes(), to);
            let new_cs = suite_provider(&p, to);
            let new = move_to_successor(&p, &old, &names, 1, &new_cs);
            assert_eq!(new[0].cipher_suite(), to, "{from:?} -> {to:?}");
            assert_eq!(new[0].epoch_authenticator(), new[1].epoch_authenticator());
        }
    }
}

#[test]
fn reinit_with_another_proposal_is_refused_to_the_committer() {
    let p = provider(3);
    let cs = common::suite(&p);
    let mut old = group_of(&p, &cs, &["alice", "bob", "charlie"]);
    let before = snapshot(&old[0]);
    let err = old[0]
        .commit_builder()
        .reinit(
            b"x".to_vec(),
            ProtocolVersion::MLS10,
            common::SUITE,
            Vec::new(),
        )
        .remove_member(common::leaf(2))
        .build()
        .expect_err("a ReInit stands alone (V-12.2-14)");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(ProposalError::ReInitNotAlone))
        ),
        "{err}"
    );
    assert_eq!(snapshot(&old[0]), before);

    // A cached proposal is left out of the committer's ReInit Commit, and
    // reported (issue 15 item 3).
    let update = old[1].propose().update().unwrap();
    old[0].process_message(&update).unwrap();
    let out = old[0]
        .commit_builder()
        .reinit(
            b"x".to_vec(),
            ProtocolVersion::MLS10,
            common::SUITE,
            Vec::new(),
        )
        .build()
        .unwrap();
    assert_eq!(out.info.proposals.len(), 1);
    assert_eq!(out.omitted.len(), 1);
    assert!(matches!(
        *out.omitted[0].reason,
        GroupError::Rejected(Rejection::Proposal(ProposalError::ReInitNotAlone))
    ));
}

#[test]
fn reinit_to_an_unsupported_suite_or_version_is_refused() {
    let p = provider(4);
    let cs = common::suite(&p);
    let mut old = group_of(&p, &cs, &["alice", "bob"]);
    let before = snapshot(&old[0]);
    let forged = |version: u16, suite: u16| {
        mls_codec::Proposal::ReInit(Box::new(mls_codec::ReInit {
            group_id: VLBytes::new(b"x".to_vec()),
            version: ProtocolVersion(version),
            cipher_suite: mls_codec::CipherSuiteId(suite),
            extensions: Vec::new(),
        }))
    };
    for (proposal, want) in [
        (forged(1, 0x0a0a), "suite"),
        (forged(1, 0x0000), "suite"),
        (forged(1, 0x7777), "suite"),
        (forged(0, 1), "version"),
        (forged(2, 1), "version"),
    ] {
        let err = old[0]
            .propose()
            .proposal(proposal.clone())
            .expect_err("propose");
        let err2 = old[0]
            .commit_builder()
            .proposal(proposal)
            .build()
            .expect_err("commit");
        for e in [&err, &err2] {
            match want {
                "suite" => assert!(
                    matches!(
                        e,
                        GroupError::Rejected(Rejection::Proposal(
                            ProposalError::ReInitUnsupportedCipherSuite(_)
                        ))
                    ),
                    "{e}"
                ),
                _ => assert!(
                    matches!(
                        e,
                        GroupError::Rejected(Rejection::Proposal(
                            ProposalError::ReInitUnsupportedVersion(_)
                        ))
                    ),
                    "{e}"
                ),
            }
        }
        assert_eq!(snapshot(&old[0]), before);
    }
    // Extensions a member does not support (an unknown type: V-12.1.5-03).
    let unknown = vec![Extension {
        extension_type: ExtensionType(0xff00),
        extension_data: VLBytes::new(vec![1]),
    }];
    let err = old[0]
        .propose()
        .reinit(
            b"x".to_vec(),
            ProtocolVersion::MLS10,
            common::SUITE,
            unknown,
        )
        .expect_err("unsupported extension");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Proposal(
                ProposalError::ReInitExtensionsUnsupported(_)
            ))
        ),
        "{err}"
    );
    assert_eq!(snapshot(&old[0]), before);
}

#[test]
fn a_reinitialized_group_sends_nothing_more() {
    let p = provider(5);
    let cs = common::suite(&p);
    let mut old = group_of(&p, &cs, &["alice", "bob"]);
    commit_reinit(&mut old, 0, b"next", common::SUITE);
    for g in &mut old {
        let before = snapshot(g);
        let kp = bundle(cs.as_ref(), "carol").key_package().clone();
        let errors = [
            g.encrypt_application_message(b"late", b"").unwrap_err(),
            g.propose().update().unwrap_err(),
            g.propose().add(kp.clone()).unwrap_err(),
            g.commit_builder().build().unwrap_err(),
            g.commit_builder().add_member(kp).build().unwrap_err(),
            g.export_group_info(true).unwrap_err(),
        ];
        for e in errors {
            assert!(
                matches!(e, GroupError::Misuse(Misuse::GroupReInitialized)),
                "{e}"
            );
        }
        assert_eq!(snapshot(g), before);
    }
}

#[test]
fn the_successor_is_made_only_after_a_reinit() {
    let p = provider(6);
    let cs = common::suite(&p);
    let old = group_of(&p, &cs, &["alice", "bob"]);
    let signer = cs.signature_generate_key_pair().unwrap();
    let kp = bundle(cs.as_ref(), "bob").key_package().clone();
    let err = old[0]
        .reinit_successor(
            cs.clone(),
            Arc::new(signer),
            vec![kp],
            ResumptionOptions::default(),
        )
        .expect_err("no ReInit was committed (V-11.2-04)");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Resumption(ResumptionError::NoPendingReInit))
        ),
        "{err}"
    );
}

#[test]
fn the_successor_takes_every_member_and_nobody_else() {
    let p = provider(7);
    let cs = common::suite(&p);
    let names = ["alice", "bob", "charlie"];
    let mut old = group_of(&p, &cs, &names);
    commit_reinit(&mut old, 0, b"next", common::SUITE);
    let signer = cs.signature_generate_key_pair().unwrap();
    let kp = |n: &str| bundle(cs.as_ref(), n).key_package().clone();
    let before = snapshot(&old[0]);
    for kps in [
        vec![kp("bob")],                           // charlie missing
        vec![kp("bob"), kp("charlie"), kp("eve")], // eve was not a member
        vec![kp("bob"), kp("eve")],
    ] {
        let err = old[0]
            .reinit_successor(
                cs.clone(),
                Arc::new(signer.clone()),
                kps,
                ResumptionOptions::default(),
            )
            .expect_err("membership (V-11.2-05)");
        assert!(
            matches!(
                err,
                GroupError::Rejected(Rejection::Resumption(ResumptionError::MembershipMismatch(
                    _
                )))
            ),
            "{err}"
        );
    }
    // The successor's suite is the ReInit's.
    let other = suite_provider(&p, CipherSuite::Mls128DhKemP256Aes128GcmSha256P256);
    let err = old[0]
        .reinit_successor(
            other.clone(),
            Arc::new(other.signature_generate_key_pair().unwrap()),
            vec![],
            ResumptionOptions::default(),
        )
        .expect_err("suite of the ReInit");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Resumption(ResumptionError::ParameterMismatch(_)))
        ),
        "{err}"
    );
    assert_eq!(snapshot(&old[0]), before);
}

/// A successor Welcome made without the reinit PSK (a plain new group with
/// the ReInit's parameters) is refused by the old members.
#[test]
fn a_successor_welcome_without_the_reinit_psk_is_refused() {
    let p = provider(8);
    let cs = common::suite(&p);
    let mut old = group_of(&p, &cs, &["alice", "bob"]);
    commit_reinit(&mut old, 0, b"next", common::SUITE);
    let bob = bundle(cs.as_ref(), "bob");
    let signer = cs.signature_generate_key_pair().unwrap();
    let mut fake = Group::create(
        cs.clone(),
        Credential::basic("alice"),
        Arc::new(signer.clone()),
        GroupConfig::default(),
        mls_group::CreateOptions {
            group_id: Some(b"next".to_vec()),
            ..mls_group::CreateOptions::default()
        },
    )
    .unwrap();
    let out = fake
        .commit_builder()
        .add_member(bob.key_package().clone())
        .build()
        .unwrap();
    let welcome = out.welcome.unwrap();
    let before = snapshot(&old[1]);
    let err = old[1]
        .join_reinit_successor(
            &p,
            &welcome,
            &bob,
            GroupConfig::default(),
            JoinOptions::default(),
        )
        .expect_err("no reinit PSK (V-11.2-06)");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Resumption(ResumptionError::PskMissing("reinit")))
        ),
        "{err}"
    );
    assert_eq!(snapshot(&old[1]), before);
}

#[test]
fn a_subgroup_branches_off_and_its_members_join() {
    let p = provider(9);
    let cs = common::suite(&p);
    let names = ["alice", "bob", "charlie", "diana"];
    let parent = group_of(&p, &cs, &names);
    // Alice branches with Bob and Diana (§11.3).
    let bob = bundle(cs.as_ref(), "bob");
    let diana = bundle(cs.as_ref(), "diana");
    let signer = cs.signature_generate_key_pair().unwrap();
    let before = snapshot(&parent[0]);
    let (mut sub, out): (Group, ResumptionOutput) = parent[0]
        .branch(
            Arc::new(signer.clone()),
            b"sub".to_vec(),
            Vec::new(),
            vec![bob.key_package().clone(), diana.key_package().clone()],
            ResumptionOptions::default(),
        )
        .expect("branch");
    assert_eq!(snapshot(&parent[0]), before, "the parent does not change");
    assert_eq!(sub.epoch(), 1);
    assert_eq!(sub.member_count(), 3);
    let welcome = out.welcome.unwrap();
    let mut joined = Vec::new();
    for (i, b) in [(1, &bob), (3, &diana)] {
        let (g, _) = parent[i]
            .join_branch(
                &p,
                &welcome,
                b,
                GroupConfig::default(),
                JoinOptions::default(),
            )
            .expect("join the branch");
        assert_eq!(g.epoch_authenticator(), sub.epoch_authenticator());
        joined.push(g);
    }
    // The parent goes on too (a branch does not end it).
    assert!(parent[0].pending_reinit().is_none());
    let msg = sub.encrypt_application_message(b"sub", b"").unwrap();
    assert_eq!(common::receive_app(&mut joined[1], &msg), b"sub");
    // Branching with a stranger is refused (V-11.3-04).
    let eve = bundle(cs.as_ref(), "eve");
    let err = parent[0]
        .branch(
            Arc::new(signer.clone()),
            b"sub2".to_vec(),
            Vec::new(),
            vec![eve.key_package().clone()],
            ResumptionOptions::default(),
        )
        .expect_err("a stranger");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Resumption(ResumptionError::MembershipMismatch(
                _
            )))
        ),
        "{err}"
    );
}

/// A branch Welcome whose PSK is an application resumption PSK of the
/// parent, not one of usage `branch`, is refused.
#[test]
fn a_branch_welcome_without_a_branch_psk_is_refused() {
    let p = provider(10);
    let cs = common::suite(&p);
    let parent = group_of(&p, &cs, &["alice", "bob"]);
    let bob = bundle(cs.as_ref(), "bob");
    let signer = cs.signature_generate_key_pair().unwrap();
    let mut fake = Group::create(
        cs.clone(),
        Credential::basic("alice"),
        Arc::new(signer.clone()),
        GroupConfig::default(),
        mls_group::CreateOptions::default(),
    )
    .unwrap();
    let psk = mls_codec::PreSharedKeyId {
        psk: mls_codec::Psk::Resumption {
            usage: mls_codec::ResumptionPskUsage::Application,
            psk_group_id: VLBytes::new(parent[0].group_id().to_vec()),
            psk_epoch: parent[0].epoch(),
        },
        psk_nonce: VLBytes::new(vec![7; cs.cipher_suite().hash_len()]),
    };
    let mut store = mls_keyschedule::InMemoryPskStore::new();
    store.insert_resumption(
        parent[0].group_id().to_vec(),
        parent[0].epoch(),
        parent[0].resumption_psk().clone(),
    );
    let out = fake
        .commit_builder()
        .add_member(bob.key_package().clone())
        .psk(psk)
        .psk_store(&store)
        .build()
        .unwrap();
    let before = snapshot(&parent[1]);
    let err = parent[1]
        .join_branch(
            &p,
            &out.welcome.unwrap(),
            &bob,
            GroupConfig::default(),
            JoinOptions::default(),
        )
        .expect_err("usage is not branch");
    assert!(
        matches!(
            err,
            GroupError::Rejected(Rejection::Resumption(ResumptionError::PskMissing("branch")))
        ),
        "{err}"
    );
    assert_eq!(snapshot(&parent[1]), before);
}
