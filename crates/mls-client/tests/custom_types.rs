//! A client whose group configuration registers application-defined types
//! (RFC 9420 §13) lists them in the capabilities of every leaf it makes:
//! its KeyPackages and the leaf of an external join, so that groups can use
//! the types with it (a custom proposal is committed only when every member
//! supports its type, §12.2; a joiner must support every GroupContext
//! extension, §12.1.1).

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;

use mls_client::{Client, default_group_config};
use mls_codec::{Credential, ExtensionContainer, ExtensionType, ProposalType};
use mls_group::custom::{
    CustomEffect, CustomExtensionHandler, CustomProposal, CustomProposalHandler, CustomRefusal,
    CustomRegistry,
};
use mls_treekem::TreeView;
use support::{agree, signer};

const NOTE: u16 = 0xf0a2;
const NOTE_EXT: u16 = 0xf0b2;

struct Accept;
impl CustomProposalHandler for Accept {
    fn validate(&self, _: &CustomProposal<'_>) -> Result<CustomEffect, CustomRefusal> {
        Ok(CustomEffect::default())
    }
}
impl CustomExtensionHandler for Accept {
    fn validate(&self, _: ExtensionContainer, _: &[u8]) -> Result<(), CustomRefusal> {
        Ok(())
    }
}

fn registry() -> CustomRegistry {
    CustomRegistry::builder()
        .proposal_type(NOTE, false, Arc::new(Accept))
        .unwrap()
        .extension_type(NOTE_EXT, &[ExtensionContainer::LeafNode], Arc::new(Accept))
        .unwrap()
        .build()
}

fn client(name: &str) -> Client {
    let mut config = default_group_config();
    config.custom = registry();
    Client::builder()
        .identity(Credential::basic(name), signer())
        .group_config(config)
        .build()
        .unwrap()
}

fn lists_the_types(capabilities: &mls_codec::Capabilities) -> bool {
    capabilities.proposals.contains(&ProposalType(NOTE))
        && capabilities.extensions.contains(&ExtensionType(NOTE_EXT))
}

#[test]
fn key_packages_of_a_client_with_custom_types_list_them_and_a_group_commits_one() {
    let (alice, bob) = (client("alice"), client("bob"));
    let published = bob.key_packages_to_publish().unwrap();
    assert!(!published.is_empty());
    for kp in &published {
        assert!(lists_the_types(&kp.leaf_node.capabilities));
    }
    let mut a = alice.create_group().unwrap();
    let out = a.commit(|c| c.add_member(published[0].clone())).unwrap();
    a.merge_pending_commit().unwrap();
    let mut b = bob.join(&out.welcome.unwrap()).unwrap();

    // Both leaves list the type, so a Commit may carry it (§12.2).
    let note = a
        .commit(|c| c.custom_proposal(NOTE, b"hello".to_vec()))
        .unwrap();
    a.merge_pending_commit().unwrap();
    match b.receive(&note.commit).unwrap() {
        mls_client::Received::Commit(info) => {
            assert_eq!(info.custom_proposals.len(), 1);
            assert_eq!(info.custom_proposals[0].body, b"hello");
        }
        other => panic!("not a Commit: {other:?}"),
    }
    assert!(agree(&a, &b));
}

#[test]
fn the_leaf_of_an_external_join_lists_the_clients_custom_types() {
    let (alice, carol) = (client("alice"), client("carol"));
    let a = alice.create_group().unwrap();
    let group_info = a.group().export_group_info(true).unwrap();
    let (c, _) = carol.join_external(&group_info, None).unwrap();
    let own = c
        .group()
        .ratchet_tree()
        .leaf(c.group().own_leaf())
        .unwrap()
        .capabilities
        .clone();
    assert!(lists_the_types(&own));
}
