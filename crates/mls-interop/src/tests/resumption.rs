//! The resumption RPCs end to end (RFC 9420 §11.2, §11.3): a ReInit
//! proposed, committed, merged by both members and resumed in another
//! suite; a subgroup branched off and joined; bad requests refused without
//! changing a held state.

use tonic::Request;

use super::{assert_err, snapshot, two_members};
use crate::InteropServer;
use crate::proto::*;
use crate::service::m_l_s_client_server::MLSClient;

#[tokio::test]
async fn reinit_into_another_suite_and_back() {
    let server = InteropServer::new();
    for encrypt in [false, true] {
        let (alice, bob) = two_members(&server, 1, encrypt).await;
        let proposal = server
            .re_init_proposal(Request::new(ReInitProposalRequest {
                state_id: alice,
                cipher_suite: 2,
                group_id: b"successor".to_vec(),
                extensions: vec![Extension {
                    extension_type: 3,
                    extension_data: vec![0, 0, 0],
                }],
            }))
            .await
            .expect("ReInitProposal")
            .into_inner()
            .proposal;
        // A Commit that covers no ReInit is no ReInitCommit.
        let before = snapshot(&server, bob);
        assert_err(
            server
                .re_init_commit(Request::new(CommitRequest {
                    state_id: bob,
                    ..Default::default()
                }))
                .await,
            "ReInitCommit without a ReInit",
        );
        assert_eq!(snapshot(&server, bob), before);
        let commit = server
            .re_init_commit(Request::new(CommitRequest {
                state_id: bob,
                by_reference: vec![proposal.clone()],
                ..Default::default()
            }))
            .await
            .expect("ReInitCommit")
            .into_inner();
        let bob_reinit = server
            .handle_pending_re_init_commit(Request::new(HandlePendingCommitRequest {
                state_id: bob,
            }))
            .await
            .expect("HandlePendingReInitCommit")
            .into_inner();
        let alice_reinit = server
            .handle_re_init_commit(Request::new(HandleCommitRequest {
                state_id: alice,
                proposal: vec![proposal],
                commit: commit.commit,
            }))
            .await
            .expect("HandleReInitCommit")
            .into_inner();
        assert_eq!(
            alice_reinit.epoch_authenticator,
            bob_reinit.epoch_authenticator
        );
        let created = server
            .re_init_welcome(Request::new(ReInitWelcomeRequest {
                reinit_id: alice_reinit.reinit_id,
                key_package: vec![bob_reinit.key_package],
                force_path: encrypt,
                external_tree: encrypt,
            }))
            .await
            .expect("ReInitWelcome")
            .into_inner();
        assert_eq!(created.ratchet_tree.is_empty(), !encrypt);
        let joined = server
            .handle_re_init_welcome(Request::new(HandleReInitWelcomeRequest {
                reinit_id: bob_reinit.reinit_id,
                welcome: created.welcome,
                ratchet_tree: created.ratchet_tree,
            }))
            .await
            .expect("HandleReInitWelcome")
            .into_inner();
        assert_eq!(joined.epoch_authenticator, created.epoch_authenticator);
        // The successor works.
        let protected = server
            .protect(Request::new(ProtectRequest {
                state_id: created.state_id,
                authenticated_data: Vec::new(),
                plaintext: b"hi".to_vec(),
            }))
            .await
            .expect("protect")
            .into_inner();
        let unprotected = server
            .unprotect(Request::new(UnprotectRequest {
                state_id: joined.state_id,
                ciphertext: protected.ciphertext,
            }))
            .await
            .expect("unprotect")
            .into_inner();
        assert_eq!(unprotected.plaintext, b"hi");
    }
}

#[tokio::test]
async fn branch_and_join() {
    let server = InteropServer::new();
    let (alice, bob) = two_members(&server, 3, false).await;
    let kp = server
        .create_key_package(Request::new(CreateKeyPackageRequest {
            cipher_suite: 3,
            identity: b"bob".to_vec(),
        }))
        .await
        .expect("kp")
        .into_inner();
    let created = server
        .create_branch(Request::new(CreateBranchRequest {
            state_id: alice,
            group_id: b"branch".to_vec(),
            extensions: Vec::new(),
            key_packages: vec![kp.key_package],
            force_path: false,
            external_tree: false,
        }))
        .await
        .expect("CreateBranch")
        .into_inner();
    // The pending join of another member is not a group state.
    let before = snapshot(&server, alice);
    assert_err(
        server
            .handle_branch(Request::new(HandleBranchRequest {
                state_id: kp.transaction_id,
                transaction_id: kp.transaction_id,
                welcome: created.welcome.clone(),
                ratchet_tree: Vec::new(),
            }))
            .await,
        "a pending join as the parent state",
    );
    assert_eq!(snapshot(&server, alice), before);
    let joined = server
        .handle_branch(Request::new(HandleBranchRequest {
            state_id: bob,
            transaction_id: kp.transaction_id,
            welcome: created.welcome,
            ratchet_tree: Vec::new(),
        }))
        .await
        .expect("HandleBranch")
        .into_inner();
    assert_eq!(joined.epoch_authenticator, created.epoch_authenticator);
}

#[tokio::test]
async fn resumption_rpcs_on_the_wrong_state_change_nothing() {
    let server = InteropServer::new();
    let (alice, bob) = two_members(&server, 1, false).await;
    let before = (snapshot(&server, alice), snapshot(&server, bob));
    let held = server.held_count();
    // No ReInit was committed: the group stays a group state.
    assert_err(
        server
            .handle_pending_re_init_commit(Request::new(HandlePendingCommitRequest {
                state_id: alice,
            }))
            .await,
        "no pending commit",
    );
    // A group state is not a pending ReInit.
    for code in [
        assert_err(
            server
                .re_init_welcome(Request::new(ReInitWelcomeRequest {
                    reinit_id: alice,
                    ..Default::default()
                }))
                .await,
            "ReInitWelcome on a group state",
        ),
        assert_err(
            server
                .handle_re_init_welcome(Request::new(HandleReInitWelcomeRequest {
                    reinit_id: alice,
                    welcome: vec![0, 1],
                    ratchet_tree: Vec::new(),
                }))
                .await,
            "HandleReInitWelcome on a group state",
        ),
    ] {
        assert_ne!(code, tonic::Code::Unimplemented);
    }
    // A ReInit to a GREASE suite or an unknown one.
    for suite in [0x0a0a, 0x7777, 70_000] {
        assert_err(
            server
                .re_init_proposal(Request::new(ReInitProposalRequest {
                    state_id: alice,
                    cipher_suite: suite,
                    group_id: b"x".to_vec(),
                    extensions: Vec::new(),
                }))
                .await,
            "unsupported suite",
        );
    }
    assert_eq!((snapshot(&server, alice), snapshot(&server, bob)), before);
    assert_eq!(server.held_count(), held);
}
