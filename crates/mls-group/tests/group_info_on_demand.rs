//! A Commit signs a GroupInfo only when it is needed (issue 14 item 3): for
//! the Welcome of its Adds, or when the caller asks for one to publish for
//! external joins (RFC 9420 §12.4.3, §12.4.3.2). `export_group_info` keeps
//! giving one on demand after the merge.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{add_member, create, process_commit, provider, suite};
use mls_codec::{Credential, ExternalPub, RatchetTreeExtension, find_payload};
use mls_group::{Group, GroupConfig, ProcessedMessage};

#[test]
fn a_self_update_makes_no_group_info_unless_asked() {
    let p = provider(90);
    let cs = suite(&p);
    let mut alice = create(&cs, "alice", GroupConfig::default());
    let mut bob = add_member(&mut alice, &p, cs.as_ref(), "bob");

    // An empty Commit: no Welcome, no GroupInfo, no tree.
    let out = alice.commit_builder().build().unwrap();
    assert!(out.welcome.is_none());
    assert!(out.group_info.is_none());
    assert!(out.ratchet_tree.is_none());
    alice.merge_pending_commit().unwrap();
    process_commit(&mut bob, &out.commit);

    // Asked for: a GroupInfo of the new epoch with external_pub and the
    // tree, from which a newcomer joins by external Commit.
    let out = alice.commit_builder().group_info(true).build().unwrap();
    alice.merge_pending_commit().unwrap();
    process_commit(&mut bob, &out.commit);
    let info = out.group_info.expect("asked for");
    let body = info.as_group_info().unwrap();
    assert_eq!(body.group_context.epoch, alice.epoch());
    assert!(
        find_payload::<ExternalPub>(&body.extensions)
            .unwrap()
            .is_some()
    );
    assert!(
        find_payload::<RatchetTreeExtension>(&body.extensions)
            .unwrap()
            .is_some()
    );
    // The same public key and context as the GroupInfo exported on demand.
    let exported = alice.export_group_info(true).unwrap();
    let exported = exported.as_group_info().unwrap();
    assert_eq!(exported.group_context, body.group_context);
    assert_eq!(
        find_payload::<ExternalPub>(&exported.extensions).unwrap(),
        find_payload::<ExternalPub>(&body.extensions).unwrap()
    );

    let key = cs.signature_generate_key_pair().unwrap();
    let (carol, joined) = Group::external_commit_builder(
        cs.clone(),
        &info,
        Credential::basic("carol"),
        Arc::new(key),
    )
    .build()
    .unwrap();
    for member in [&mut alice, &mut bob] {
        let ProcessedMessage::Commit(staged) = member.process_message(&joined.commit).unwrap()
        else {
            panic!("a Commit");
        };
        member.merge_staged_commit(staged).unwrap();
        assert_eq!(member.epoch_authenticator(), carol.epoch_authenticator());
    }
}

#[test]
fn an_add_makes_the_group_info_of_its_welcome_and_the_tree_out_of_band() {
    let p = provider(91);
    let cs = suite(&p);
    let config = GroupConfig {
        ratchet_tree_extension: false,
        ..GroupConfig::default()
    };
    let mut alice = create(&cs, "alice", config);
    let bob = common::bundle(cs.as_ref(), "bob");
    let out = alice
        .commit_builder()
        .add_member(bob.key_package().clone())
        .build()
        .unwrap();
    let info = out.group_info.expect("an Add makes a GroupInfo");
    let body = info.as_group_info().unwrap();
    // The Welcome's GroupInfo: no external_pub (nobody asked), the tree out
    // of band.
    assert!(
        find_payload::<ExternalPub>(&body.extensions)
            .unwrap()
            .is_none()
    );
    assert!(
        find_payload::<RatchetTreeExtension>(&body.extensions)
            .unwrap()
            .is_none()
    );
    assert!(out.ratchet_tree.is_some());
    assert!(out.welcome.is_some());
}
