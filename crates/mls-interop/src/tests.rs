//! Bad input never panics and never changes a held state: unknown ids,
//! garbage in place of MLS messages, unsupported suites, unknown removed
//! identities, wrong id kinds. Each gives a gRPC error status, and the
//! group's serialized state is byte-identical afterwards.

use tonic::{Code, Request};

use crate::proto::*;
use crate::server::InteropServer;
use crate::service::m_l_s_client_server::MLSClient;
use crate::state::Held;

mod resumption;

/// The serialized group state of `id` (None for a pending join).
fn snapshot(server: &InteropServer, id: u32) -> Option<Vec<u8>> {
    server
        .held
        .with(id, |h| match h {
            Held::Group(st) => Ok(Some(st.group.to_bytes().expect("to_bytes").to_vec())),
            Held::Pending(_) | Held::Signer(_) | Held::ReInit(_) => Ok(None),
        })
        .expect("held")
}

/// Alice (creator) and Bob (joined) in one group; returns their state ids.
async fn two_members(server: &InteropServer, suite: u32, encrypt: bool) -> (u32, u32) {
    let alice = server
        .create_group(Request::new(CreateGroupRequest {
            group_id: b"group".to_vec(),
            cipher_suite: suite,
            encrypt_handshake: encrypt,
            identity: b"alice".to_vec(),
        }))
        .await
        .expect("create")
        .into_inner()
        .state_id;
    let kp = server
        .create_key_package(Request::new(CreateKeyPackageRequest {
            cipher_suite: suite,
            identity: b"bob".to_vec(),
        }))
        .await
        .expect("kp")
        .into_inner();
    let commit = server
        .commit(Request::new(CommitRequest {
            state_id: alice,
            by_value: vec![ProposalDescription {
                proposal_type: b"add".to_vec(),
                key_package: kp.key_package,
                ..Default::default()
            }],
            ..Default::default()
        }))
        .await
        .expect("commit")
        .into_inner();
    let merged = server
        .handle_pending_commit(Request::new(HandlePendingCommitRequest { state_id: alice }))
        .await
        .expect("merge")
        .into_inner();
    let joined = server
        .join_group(Request::new(JoinGroupRequest {
            transaction_id: kp.transaction_id,
            welcome: commit.welcome,
            encrypt_handshake: encrypt,
            identity: b"bob".to_vec(),
            ratchet_tree: Vec::new(),
        }))
        .await
        .expect("join")
        .into_inner();
    assert_eq!(merged.epoch_authenticator, joined.epoch_authenticator);
    (alice, joined.state_id)
}

const GARBAGE: &[&[u8]] = &[
    b"",
    b"\x00",
    b"\x00\x01\x00\x01garbage",
    b"\x00\x01\x00\x02\xff\xff\xff\xff\xff\xff",
    &[0xff; 64],
];

fn assert_err<T: std::fmt::Debug>(
    r: Result<tonic::Response<T>, tonic::Status>,
    what: &str,
) -> Code {
    let status = r.expect_err(what);
    assert_ne!(
        status.code(),
        Code::Internal,
        "{what}: caught a panic: {}",
        status.message()
    );
    assert_ne!(status.code(), Code::Ok, "{what}");
    assert!(!status.message().is_empty(), "{what}: no error text");
    status.code()
}

#[tokio::test]
async fn unknown_ids_are_not_found() {
    let server = InteropServer::new();
    let (alice, bob) = two_members(&server, 1, false).await;
    let before = (snapshot(&server, alice), snapshot(&server, bob));
    let held = server.held_count();
    for id in [0, 999, u32::MAX] {
        let codes = [
            assert_err(
                server
                    .state_auth(Request::new(StateAuthRequest { state_id: id }))
                    .await,
                "state_auth",
            ),
            assert_err(
                server
                    .protect(Request::new(ProtectRequest {
                        state_id: id,
                        ..Default::default()
                    }))
                    .await,
                "protect",
            ),
            assert_err(
                server
                    .unprotect(Request::new(UnprotectRequest {
                        state_id: id,
                        ..Default::default()
                    }))
                    .await,
                "unprotect",
            ),
            assert_err(
                server
                    .commit(Request::new(CommitRequest {
                        state_id: id,
                        ..Default::default()
                    }))
                    .await,
                "commit",
            ),
            assert_err(
                server
                    .handle_commit(Request::new(HandleCommitRequest {
                        state_id: id,
                        ..Default::default()
                    }))
                    .await,
                "handle_commit",
            ),
            assert_err(
                server
                    .handle_pending_commit(Request::new(HandlePendingCommitRequest {
                        state_id: id,
                    }))
                    .await,
                "handle_pending_commit",
            ),
            assert_err(
                server
                    .update_proposal(Request::new(UpdateProposalRequest { state_id: id }))
                    .await,
                "update_proposal",
            ),
            assert_err(
                server
                    .store_psk(Request::new(StorePSKRequest {
                        state_or_transaction_id: id,
                        ..Default::default()
                    }))
                    .await,
                "store_psk",
            ),
            assert_err(
                server
                    .join_group(Request::new(JoinGroupRequest {
                        transaction_id: id,
                        ..Default::default()
                    }))
                    .await,
                "join_group",
            ),
            assert_err(
                server
                    .free(Request::new(FreeRequest { state_id: id }))
                    .await,
                "free",
            ),
        ];
        assert!(codes.iter().all(|c| *c == Code::NotFound), "{codes:?}");
    }
    assert_eq!(server.held_count(), held);
    assert_eq!((snapshot(&server, alice), snapshot(&server, bob)), before);
}

#[tokio::test]
async fn garbage_messages_change_nothing() {
    let server = InteropServer::new();
    let (alice, bob) = two_members(&server, 1, true).await;
    let kp = server
        .create_key_package(Request::new(CreateKeyPackageRequest {
            cipher_suite: 1,
            identity: b"carol".to_vec(),
        }))
        .await
        .unwrap()
        .into_inner();
    let before = (snapshot(&server, alice), snapshot(&server, bob));
    for g in GARBAGE {
        let g = g.to_vec();
        assert_err(
            server
                .unprotect(Request::new(UnprotectRequest {
                    state_id: bob,
                    ciphertext: g.clone(),
                }))
                .await,
            "unprotect",
        );
        assert_err(
            server
                .handle_commit(Request::new(HandleCommitRequest {
                    state_id: bob,
                    proposal: Vec::new(),
                    commit: g.clone(),
                }))
                .await,
            "handle_commit",
        );
        assert_err(
            server
                .handle_commit(Request::new(HandleCommitRequest {
                    state_id: bob,
                    proposal: vec![g.clone()],
                    commit: Vec::new(),
                }))
                .await,
            "handle_commit proposal",
        );
        assert_err(
            server
                .add_proposal(Request::new(AddProposalRequest {
                    state_id: alice,
                    key_package: g.clone(),
                }))
                .await,
            "add_proposal",
        );
        assert_err(
            server
                .commit(Request::new(CommitRequest {
                    state_id: alice,
                    by_reference: vec![g.clone()],
                    ..Default::default()
                }))
                .await,
            "commit by reference",
        );
        assert_err(
            server
                .commit(Request::new(CommitRequest {
                    state_id: alice,
                    by_value: vec![ProposalDescription {
                        proposal_type: b"add".to_vec(),
                        key_package: g.clone(),
                        ..Default::default()
                    }],
                    ..Default::default()
                }))
                .await,
            "commit by value",
        );
        assert_err(
            server
                .join_group(Request::new(JoinGroupRequest {
                    transaction_id: kp.transaction_id,
                    welcome: g.clone(),
                    ..Default::default()
                }))
                .await,
            "join_group",
        );
    }
    assert_eq!((snapshot(&server, alice), snapshot(&server, bob)), before);
    // A message of the wrong kind: a KeyPackage where a Commit is expected,
    // a Welcome-less join with a real KeyPackage as "welcome".
    assert_err(
        server
            .handle_commit(Request::new(HandleCommitRequest {
                state_id: bob,
                proposal: Vec::new(),
                commit: kp.key_package.clone(),
            }))
            .await,
        "key package as commit",
    );
    assert_err(
        server
            .join_group(Request::new(JoinGroupRequest {
                transaction_id: kp.transaction_id,
                welcome: kp.key_package.clone(),
                ..Default::default()
            }))
            .await,
        "key package as welcome",
    );
    assert_eq!((snapshot(&server, alice), snapshot(&server, bob)), before);
    // The pending join is still there and the group still works.
    assert!(snapshot(&server, kp.transaction_id).is_none());
    let ct = server
        .protect(Request::new(ProtectRequest {
            state_id: alice,
            authenticated_data: b"ad".to_vec(),
            plaintext: b"still works".to_vec(),
        }))
        .await
        .unwrap()
        .into_inner();
    let pt = server
        .unprotect(Request::new(UnprotectRequest {
            state_id: bob,
            ciphertext: ct.ciphertext,
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(pt.plaintext, b"still works");
}

#[tokio::test]
async fn a_valid_proposal_then_a_bad_commit_rolls_back() {
    let server = InteropServer::new();
    let (alice, bob) = two_members(&server, 1, false).await;
    let proposal = server
        .update_proposal(Request::new(UpdateProposalRequest { state_id: alice }))
        .await
        .unwrap()
        .into_inner()
        .proposal;
    let before = snapshot(&server, bob);
    assert_err(
        server
            .handle_commit(Request::new(HandleCommitRequest {
                state_id: bob,
                proposal: vec![proposal],
                commit: b"not a commit".to_vec(),
            }))
            .await,
        "bad commit after a good proposal",
    );
    assert_eq!(
        snapshot(&server, bob),
        before,
        "the cached proposal was rolled back"
    );
}

#[tokio::test]
async fn unsupported_suites_are_invalid_arguments() {
    let server = InteropServer::new();
    for suite in [0u32, 8, 0xA0A0, 0x1_0001, u32::MAX] {
        let code = assert_err(
            server
                .create_group(Request::new(CreateGroupRequest {
                    group_id: b"g".to_vec(),
                    cipher_suite: suite,
                    encrypt_handshake: false,
                    identity: b"a".to_vec(),
                }))
                .await,
            "create_group",
        );
        assert_eq!(code, Code::InvalidArgument);
        let code = assert_err(
            server
                .create_key_package(Request::new(CreateKeyPackageRequest {
                    cipher_suite: suite,
                    identity: b"a".to_vec(),
                }))
                .await,
            "create_key_package",
        );
        assert_eq!(code, Code::InvalidArgument);
    }
    assert_eq!(server.held_count(), 0);
}

#[tokio::test]
async fn unknown_removed_identity_and_bad_requests_change_nothing() {
    let server = InteropServer::new();
    let (alice, bob) = two_members(&server, 1, false).await;
    let before = (snapshot(&server, alice), snapshot(&server, bob));
    let code = assert_err(
        server
            .remove_proposal(Request::new(RemoveProposalRequest {
                state_id: alice,
                removed_id: b"mallory".to_vec(),
            }))
            .await,
        "remove_proposal",
    );
    assert_eq!(code, Code::InvalidArgument);
    assert_err(
        server
            .commit(Request::new(CommitRequest {
                state_id: alice,
                by_value: vec![ProposalDescription {
                    proposal_type: b"remove".to_vec(),
                    removed_id: b"mallory".to_vec(),
                    ..Default::default()
                }],
                ..Default::default()
            }))
            .await,
        "commit remove unknown",
    );
    assert_err(
        server
            .commit(Request::new(CommitRequest {
                state_id: alice,
                by_value: vec![ProposalDescription {
                    proposal_type: b"frobnicate".to_vec(),
                    ..Default::default()
                }],
                ..Default::default()
            }))
            .await,
        "unknown proposal type",
    );
    let code = assert_err(
        server
            .commit(Request::new(CommitRequest {
                state_id: alice,
                by_value: vec![ProposalDescription {
                    proposal_type: b"reinit".to_vec(),
                    ..Default::default()
                }],
                ..Default::default()
            }))
            .await,
        "reinit by value to suite 0",
    );
    assert_eq!(
        code,
        Code::Aborted,
        "the engine refuses suite 0 (V-12.1.5-03)"
    );
    assert_err(
        server
            .handle_pending_commit(Request::new(HandlePendingCommitRequest { state_id: bob }))
            .await,
        "no pending commit",
    );
    assert_err(
        server
            .export(Request::new(ExportRequest {
                state_id: bob,
                label: "l".into(),
                context: Vec::new(),
                key_length: 70_000,
            }))
            .await,
        "export length",
    );
    assert_err(
        server
            .group_context_extensions_proposal(Request::new(
                GroupContextExtensionsProposalRequest {
                    state_id: alice,
                    extensions: vec![Extension {
                        extension_type: 70_000,
                        extension_data: Vec::new(),
                    }],
                },
            ))
            .await,
        "extension type",
    );
    assert_eq!((snapshot(&server, alice), snapshot(&server, bob)), before);
}

#[tokio::test]
async fn ids_of_the_wrong_kind_are_refused() {
    let server = InteropServer::new();
    let (alice, _bob) = two_members(&server, 1, false).await;
    let kp = server
        .create_key_package(Request::new(CreateKeyPackageRequest {
            cipher_suite: 1,
            identity: b"carol".to_vec(),
        }))
        .await
        .unwrap()
        .into_inner();
    let code = assert_err(
        server
            .state_auth(Request::new(StateAuthRequest {
                state_id: kp.transaction_id,
            }))
            .await,
        "transaction as state",
    );
    assert_eq!(code, Code::FailedPrecondition);
    let code = assert_err(
        server
            .join_group(Request::new(JoinGroupRequest {
                transaction_id: alice,
                ..Default::default()
            }))
            .await,
        "state as transaction",
    );
    assert_eq!(code, Code::FailedPrecondition);
}

#[tokio::test]
async fn branching_an_unknown_state_is_not_found() {
    let server = InteropServer::new();
    let status = server
        .create_branch(Request::new(CreateBranchRequest::default()))
        .await
        .expect_err("branch");
    assert_eq!(status.code(), Code::NotFound);
}

/// Bob joins Alice's group by external Commit (RFC 9420 §12.4.3.2); with
/// `remove_prior` a second join of the same identity replaces the first.
#[tokio::test]
async fn external_join_and_resync() {
    let server = InteropServer::new();
    let alice = server
        .create_group(Request::new(CreateGroupRequest {
            group_id: b"group".to_vec(),
            cipher_suite: 1,
            encrypt_handshake: false,
            identity: b"alice".to_vec(),
        }))
        .await
        .expect("create")
        .into_inner()
        .state_id;
    for (remove_prior, external_tree, members) in [(false, false, 2), (true, true, 2)] {
        let info = server
            .group_info(Request::new(GroupInfoRequest {
                state_id: alice,
                external_tree,
            }))
            .await
            .expect("group info")
            .into_inner();
        let joined = server
            .external_join(Request::new(ExternalJoinRequest {
                group_info: info.group_info,
                ratchet_tree: info.ratchet_tree,
                encrypt_handshake: false,
                identity: b"bob".to_vec(),
                remove_prior,
                psks: Vec::new(),
            }))
            .await
            .expect("external join")
            .into_inner();
        let handled = server
            .handle_commit(Request::new(HandleCommitRequest {
                state_id: alice,
                proposal: Vec::new(),
                commit: joined.commit,
            }))
            .await
            .expect("handle")
            .into_inner();
        assert_eq!(handled.epoch_authenticator, joined.epoch_authenticator);
        let count = server
            .held
            .with(alice, |h| match h {
                Held::Group(st) => Ok(st.group.member_count()),
                Held::Pending(_) | Held::Signer(_) | Held::ReInit(_) => Ok(0),
            })
            .expect("held");
        assert_eq!(count, members);
    }
}

#[tokio::test]
async fn random_bytes_in_every_message_field_never_panic() {
    let server = InteropServer::new();
    let (alice, bob) = two_members(&server, 1, false).await;
    let before = (snapshot(&server, alice), snapshot(&server, bob));
    // A deterministic byte generator (bounded loop, no timing assertion).
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for round in 0..100 {
        let len = (next() % 200) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        // Half of the inputs look like an MLSMessage header (version mls10).
        if round % 2 == 0 && bytes.len() >= 4 {
            bytes[0] = 0;
            bytes[1] = 1;
            bytes[2] = 0;
            bytes[3] = (round % 6) as u8;
        }
        let _ = assert_err(
            server
                .unprotect(Request::new(UnprotectRequest {
                    state_id: bob,
                    ciphertext: bytes.clone(),
                }))
                .await,
            "unprotect",
        );
        let _ = assert_err(
            server
                .handle_commit(Request::new(HandleCommitRequest {
                    state_id: bob,
                    proposal: Vec::new(),
                    commit: bytes.clone(),
                }))
                .await,
            "handle_commit",
        );
        let _ = assert_err(
            server
                .join_group(Request::new(JoinGroupRequest {
                    transaction_id: 12345,
                    welcome: bytes.clone(),
                    ..Default::default()
                }))
                .await,
            "join_group",
        );
    }
    assert_eq!((snapshot(&server, alice), snapshot(&server, bob)), before);
}

/// A PublicMessage of `group` at epoch 1 from `sender` (unsigned: the engine
/// refuses it either way).
fn from_sender(sender: mls::codec::Sender, commit: bool) -> Vec<u8> {
    use mls::codec::{
        FramedContent, FramedContentAuthData, FramedContentBody, PublicMessage, VLBytes,
    };
    let content = if commit {
        FramedContentBody::Commit(mls::codec::Commit {
            proposals: Vec::new(),
            path: None,
        })
    } else {
        FramedContentBody::Proposal(mls::Proposal::Remove(mls::codec::Remove { removed: 0 }))
    };
    let message = mls::MlsMessage::new(mls::MlsMessageBody::PublicMessage(PublicMessage {
        content: FramedContent {
            group_id: VLBytes::new(b"group".to_vec()),
            epoch: 1,
            sender,
            authenticated_data: VLBytes::new(Vec::new()),
            content,
        },
        auth: FramedContentAuthData {
            signature: VLBytes::new(vec![0; 64]),
            confirmation_tag: commit.then(|| VLBytes::new(vec![0; 32])),
        },
        membership_tag: None,
    }));
    mls::encode_message(&message).expect("encode")
}

#[tokio::test]
async fn forged_messages_from_non_member_senders_are_engine_rejections() {
    use mls::codec::Sender;
    let server = InteropServer::new();
    let (_alice, bob) = two_members(&server, 1, false).await;
    let before = snapshot(&server, bob);
    // External Commits are supported: this forged one (no path) is an
    // engine rejection, not UNIMPLEMENTED.
    let status = server
        .handle_commit(Request::new(HandleCommitRequest {
            state_id: bob,
            proposal: Vec::new(),
            commit: from_sender(Sender::NewMemberCommit, true),
        }))
        .await
        .expect_err("external commit without a path");
    assert_eq!(status.code(), Code::Aborted, "{}", status.message());
    for sender in [Sender::External(0), Sender::NewMemberProposal] {
        let status = server
            .handle_commit(Request::new(HandleCommitRequest {
                state_id: bob,
                proposal: vec![from_sender(sender, false)],
                commit: Vec::new(),
            }))
            .await
            .expect_err("external proposal");
        // Supported sender types: a forged message (bad signature) is an
        // engine rejection, not UNIMPLEMENTED.
        assert_eq!(status.code(), Code::Aborted, "{}", status.message());
    }
    assert_eq!(snapshot(&server, bob), before);
}
