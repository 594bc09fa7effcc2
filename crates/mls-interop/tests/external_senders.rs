//! The RPCs of proposals from outside the group (RFC 9420 §12.1.8) against
//! the server itself: an external signer listed by a GCE proposal adds a
//! member, a joiner adds itself with a new-member proposal, and the bad
//! requests answer an error status without touching the held states.

#![allow(clippy::unwrap_used)]

use mls_interop::InteropServer;
use mls_interop::proto::*;
use mls_interop::service::m_l_s_client_server::MLSClient;
use tonic::{Code, Request};

async fn key_package(server: &InteropServer, name: &str) -> CreateKeyPackageResponse {
    server
        .create_key_package(Request::new(CreateKeyPackageRequest {
            cipher_suite: 1,
            identity: name.as_bytes().to_vec(),
        }))
        .await
        .unwrap()
        .into_inner()
}

/// `committer` commits `proposals` by reference, merges it, `members`
/// handle it; every authenticator is returned.
async fn commit_by_reference(
    server: &InteropServer,
    committer: u32,
    members: &[u32],
    proposals: Vec<Vec<u8>>,
) -> (CommitResponse, Vec<Vec<u8>>) {
    let commit = server
        .commit(Request::new(CommitRequest {
            state_id: committer,
            by_reference: proposals.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let mut auths = vec![
        server
            .handle_pending_commit(Request::new(HandlePendingCommitRequest {
                state_id: committer,
            }))
            .await
            .unwrap()
            .into_inner()
            .epoch_authenticator,
    ];
    for m in members {
        auths.push(
            server
                .handle_commit(Request::new(HandleCommitRequest {
                    state_id: *m,
                    proposal: proposals.clone(),
                    commit: commit.commit.clone(),
                }))
                .await
                .unwrap()
                .into_inner()
                .epoch_authenticator,
        );
    }
    (commit, auths)
}

async fn join(
    server: &InteropServer,
    transaction_id: u32,
    welcome: Vec<u8>,
    name: &str,
) -> JoinGroupResponse {
    server
        .join_group(Request::new(JoinGroupRequest {
            transaction_id,
            welcome,
            encrypt_handshake: false,
            identity: name.as_bytes().to_vec(),
            ratchet_tree: Vec::new(),
        }))
        .await
        .unwrap()
        .into_inner()
}

async fn group_info(server: &InteropServer, state_id: u32) -> GroupInfoResponse {
    server
        .group_info(Request::new(GroupInfoRequest {
            state_id,
            external_tree: true,
        }))
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test]
async fn external_signer_and_new_member_proposals() {
    let server = InteropServer::new();
    let alice = server
        .create_group(Request::new(CreateGroupRequest {
            group_id: b"group".to_vec(),
            cipher_suite: 1,
            encrypt_handshake: false,
            identity: b"alice".to_vec(),
        }))
        .await
        .unwrap()
        .into_inner()
        .state_id;

    // A new member adds itself (sender new_member_proposal).
    let info = server
        .group_info(Request::new(GroupInfoRequest {
            state_id: alice,
            external_tree: false,
        }))
        .await
        .unwrap()
        .into_inner();
    let bob = server
        .new_member_add_proposal(Request::new(NewMemberAddProposalRequest {
            group_info: info.group_info,
            identity: b"bob".to_vec(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(!bob.signature_priv.is_empty());
    let (commit, auths) = commit_by_reference(&server, alice, &[], vec![bob.proposal]).await;
    let joined = join(&server, bob.transaction_id, commit.welcome, "bob").await;
    assert_eq!(auths[0], joined.epoch_authenticator);
    let bob = joined.state_id;

    // The DS is listed by Alice's GCE proposal, then proposes adding Carol.
    let ds = server
        .create_external_signer(Request::new(CreateExternalSignerRequest {
            cipher_suite: 1,
            identity: b"ds".to_vec(),
        }))
        .await
        .unwrap()
        .into_inner();
    let gce = server
        .add_external_signer(Request::new(AddExternalSignerRequest {
            state_id: alice,
            external_sender: ds.external_sender.clone(),
        }))
        .await
        .unwrap()
        .into_inner()
        .proposal;
    let (_, auths) = commit_by_reference(&server, alice, &[bob], vec![gce]).await;
    assert_eq!(auths[0], auths[1]);
    let carol = key_package(&server, "carol").await;
    let info = group_info(&server, bob).await;
    let proposal = server
        .external_signer_proposal(Request::new(ExternalSignerProposalRequest {
            signer_id: ds.signer_id,
            signer_index: 0,
            group_info: info.group_info.clone(),
            ratchet_tree: info.ratchet_tree.clone(),
            description: Some(ProposalDescription {
                proposal_type: b"add".to_vec(),
                key_package: carol.key_package,
                ..Default::default()
            }),
        }))
        .await
        .unwrap()
        .into_inner()
        .proposal;
    let (commit, auths) = commit_by_reference(&server, alice, &[bob], vec![proposal]).await;
    let joined = join(&server, carol.transaction_id, commit.welcome, "carol").await;
    assert_eq!(auths[0], auths[1]);
    assert_eq!(auths[0], joined.epoch_authenticator);

    // Bad requests: an unknown proposal type, a signer the group does not
    // list, a signer id used as a group state.
    let info = group_info(&server, alice).await;
    let status = server
        .external_signer_proposal(Request::new(ExternalSignerProposalRequest {
            signer_id: ds.signer_id,
            signer_index: 0,
            group_info: info.group_info.clone(),
            ratchet_tree: info.ratchet_tree.clone(),
            description: Some(ProposalDescription {
                proposal_type: b"update".to_vec(),
                ..Default::default()
            }),
        }))
        .await
        .expect_err("update");
    assert_eq!(status.code(), Code::InvalidArgument);
    let other = server
        .create_external_signer(Request::new(CreateExternalSignerRequest {
            cipher_suite: 1,
            identity: b"other".to_vec(),
        }))
        .await
        .unwrap()
        .into_inner();
    let status = server
        .external_signer_proposal(Request::new(ExternalSignerProposalRequest {
            signer_id: other.signer_id,
            signer_index: 0,
            group_info: info.group_info,
            ratchet_tree: info.ratchet_tree,
            description: Some(ProposalDescription {
                proposal_type: b"remove".to_vec(),
                removed_id: b"bob".to_vec(),
                ..Default::default()
            }),
        }))
        .await
        .expect_err("not listed");
    assert_eq!(status.code(), Code::InvalidArgument, "{}", status.message());
    let status = server
        .store_psk(Request::new(StorePSKRequest {
            state_or_transaction_id: ds.signer_id,
            psk_id: vec![1],
            psk_secret: vec![2; 32],
        }))
        .await
        .expect_err("signer as state");
    assert_eq!(status.code(), Code::FailedPrecondition);
}
