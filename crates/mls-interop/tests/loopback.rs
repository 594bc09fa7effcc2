//! The service over real HTTP/2 on a loopback port with the generated
//! client: name, suites, a two-member group and a message.

#![allow(clippy::unwrap_used)]

use mls_interop::proto::*;
use mls_interop::service::m_l_s_client_client::MLSClientClient;

#[tokio::test]
async fn two_members_over_grpc() {
    let (listener, addr) = mls_interop::server::bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(mls_interop::server::serve(listener, async {
        let _ = stopped.await;
    }));
    let mut c = MLSClientClient::connect(format!("http://{addr}"))
        .await
        .unwrap();

    let name = c.name(NameRequest {}).await.unwrap().into_inner().name;
    assert!(name.starts_with("mls-rs9420"));
    let suites = c
        .supported_ciphersuites(SupportedCiphersuitesRequest {})
        .await
        .unwrap()
        .into_inner()
        .ciphersuites;
    assert_eq!(suites, vec![1, 2, 3, 4, 5, 6, 7]);

    for (suite, encrypt) in [(1, false), (2, true), (3, false)] {
        let alice = c
            .create_group(CreateGroupRequest {
                group_id: b"g".to_vec(),
                cipher_suite: suite,
                encrypt_handshake: encrypt,
                identity: b"alice".to_vec(),
            })
            .await
            .unwrap()
            .into_inner()
            .state_id;
        let kp = c
            .create_key_package(CreateKeyPackageRequest {
                cipher_suite: suite,
                identity: b"bob".to_vec(),
            })
            .await
            .unwrap()
            .into_inner();
        let add = c
            .add_proposal(AddProposalRequest {
                state_id: alice,
                key_package: kp.key_package,
            })
            .await
            .unwrap()
            .into_inner();
        let commit = c
            .commit(CommitRequest {
                state_id: alice,
                by_reference: vec![add.proposal],
                external_tree: true,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(
            !commit.ratchet_tree.is_empty(),
            "external_tree returns the tree"
        );
        let merged = c
            .handle_pending_commit(HandlePendingCommitRequest { state_id: alice })
            .await
            .unwrap()
            .into_inner();
        let bob = c
            .join_group(JoinGroupRequest {
                transaction_id: kp.transaction_id,
                welcome: commit.welcome.clone(),
                encrypt_handshake: encrypt,
                identity: b"bob".to_vec(),
                ratchet_tree: commit.ratchet_tree,
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(bob.epoch_authenticator, merged.epoch_authenticator);
        let auth = c
            .state_auth(StateAuthRequest {
                state_id: bob.state_id,
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(auth.state_auth_secret, merged.epoch_authenticator);
        let export = |state_id| ExportRequest {
            state_id,
            label: "interop".into(),
            context: b"ctx".to_vec(),
            key_length: 32,
        };
        let a = c
            .export(export(alice))
            .await
            .unwrap()
            .into_inner()
            .exported_secret;
        let b = c
            .export(export(bob.state_id))
            .await
            .unwrap()
            .into_inner()
            .exported_secret;
        assert_eq!(a.len(), 32);
        assert_eq!(a, b);
        let ct = c
            .protect(ProtectRequest {
                state_id: alice,
                authenticated_data: b"ad".to_vec(),
                plaintext: b"hello".to_vec(),
            })
            .await
            .unwrap()
            .into_inner();
        let pt = c
            .unprotect(UnprotectRequest {
                state_id: bob.state_id,
                ciphertext: ct.ciphertext,
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            (pt.plaintext.as_slice(), pt.authenticated_data.as_slice()),
            (&b"hello"[..], &b"ad"[..])
        );
        for external_tree in [false, true] {
            let info = c
                .group_info(GroupInfoRequest {
                    state_id: bob.state_id,
                    external_tree,
                })
                .await
                .unwrap()
                .into_inner();
            let message = mls::decode_message(&info.group_info).unwrap();
            let info_body = message.as_group_info().expect("a GroupInfo");
            assert_eq!(info_body.group_context.epoch, 1);
            assert_eq!(info.ratchet_tree.is_empty(), !external_tree);
        }
        c.free(FreeRequest { state_id: alice }).await.unwrap();
        c.free(FreeRequest {
            state_id: bob.state_id,
        })
        .await
        .unwrap();
        let gone = c.free(FreeRequest { state_id: alice }).await.unwrap_err();
        assert_eq!(gone.code(), tonic::Code::NotFound);
    }

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
