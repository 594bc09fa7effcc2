//! Test support: small groups built through the public API (adds and
//! commits with real keys and signatures), shared by the integration tests.

#![allow(dead_code)]

pub mod full_tree;

use std::sync::Arc;

use mls_codec::{
    Capabilities, CipherSuiteId, Credential, CredentialType, GroupContext, LeafNode,
    LeafNodeSource, Lifetime, ProtocolVersion, VLBytes,
};
use mls_crypto::labeled::sign_with_label;
use mls_crypto::{
    CipherSuite, CipherSuiteProvider, CryptoProvider, HpkePrivateKey, Secret, SignatureKeyPair,
    Signer,
};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_treekem::{
    LEAF_NODE_TBS_LABEL, LeafIndex, LeafValidationPolicy, RatchetTree, TreePrivateKeys, TreeView,
    UpdatePathInput, apply_update_path, prepare_update_path,
};

/// The group id used by the fixtures.
pub const GROUP_ID: &[u8] = b"treekem test group";

/// Suite 1 with deterministic randomness.
pub fn suite() -> Arc<dyn CipherSuiteProvider> {
    RustCryptoProvider::with_seed([7; 32])
        .cipher_suite_provider(CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519)
        .expect("suite 1")
}

/// Capabilities of every fixture leaf.
pub fn capabilities() -> Capabilities {
    Capabilities {
        versions: vec![ProtocolVersion::MLS10],
        cipher_suites: vec![CipherSuiteId(1)],
        extensions: vec![],
        proposals: vec![],
        credentials: vec![CredentialType::BASIC],
    }
}

/// Sign `leaf` in place for `leaf_index` of the fixture group.
pub fn sign_leaf(
    cs: &dyn CipherSuiteProvider,
    leaf: &mut LeafNode,
    signer: &dyn Signer,
    leaf_index: u32,
) {
    let tbs = leaf.tbs_bytes(GROUP_ID, leaf_index).expect("tbs");
    leaf.signature =
        VLBytes::new(sign_with_label(cs, signer, LEAF_NODE_TBS_LABEL, &tbs).expect("sign"));
}

/// A key-package leaf with fresh keys.
pub fn key_package_leaf(
    cs: &dyn CipherSuiteProvider,
    name: &str,
) -> (LeafNode, HpkePrivateKey, SignatureKeyPair) {
    let hpke = cs.hpke_generate_key_pair().expect("hpke");
    let sig = cs.signature_generate_key_pair().expect("sig");
    let mut leaf = LeafNode {
        encryption_key: hpke.public_key.into(),
        signature_key: sig.public_key.clone().into(),
        credential: Credential::basic(name.as_bytes().to_vec()),
        capabilities: capabilities(),
        leaf_node_source: LeafNodeSource::KeyPackage(Lifetime {
            not_before: 0,
            not_after: u64::MAX,
        }),
        extensions: vec![],
        signature: VLBytes::new(vec![]),
    };
    sign_leaf(cs, &mut leaf, &sig, 0);
    (leaf, hpke.private_key, sig)
}

/// A member's private state.
pub struct Member {
    pub keys: TreePrivateKeys,
    pub signer: SignatureKeyPair,
}

/// A group: the public tree and every member's private state.
pub struct Group {
    pub cs: Arc<dyn CipherSuiteProvider>,
    pub tree: RatchetTree,
    pub members: Vec<Option<Member>>,
    pub epoch: u64,
}

/// The serialized provisional GroupContext for a tree hash.
pub fn group_context(epoch: u64, tree_hash: &[u8]) -> Vec<u8> {
    mls_codec::encode(&GroupContext {
        version: ProtocolVersion::MLS10,
        cipher_suite: CipherSuiteId(1),
        group_id: VLBytes::new(GROUP_ID.to_vec()),
        epoch,
        tree_hash: VLBytes::new(tree_hash.to_vec()),
        confirmed_transcript_hash: VLBytes::new(vec![]),
        extensions: vec![],
    })
    .expect("gc")
}

impl Group {
    /// A one-member group.
    pub fn new() -> Self {
        let cs = suite();
        let (leaf, enc, sig) = key_package_leaf(cs.as_ref(), "member 0");
        let mut tree = RatchetTree::new(leaf);
        tree.tree_hash(cs.as_ref()).expect("hash");
        let keys = TreePrivateKeys::new(LeafIndex::new(0).expect("leaf"), enc);
        Group {
            cs,
            tree,
            members: vec![Some(Member { keys, signer: sig })],
            epoch: 0,
        }
    }

    /// Add a member (no commit); returns its leaf.
    pub fn add(&mut self, name: &str) -> LeafIndex {
        let (leaf, enc, sig) = key_package_leaf(self.cs.as_ref(), name);
        let index = self.tree.add_leaf(leaf).expect("add");
        let slot = index.as_usize();
        if self.members.len() <= slot {
            self.members.resize_with(slot + 1, || None);
        }
        self.members[slot] = Some(Member {
            keys: TreePrivateKeys::new(index, enc),
            signer: sig,
        });
        index
    }

    /// Remove a member (no commit).
    pub fn remove(&mut self, leaf: u32) {
        self.tree
            .remove_leaf(LeafIndex::new(leaf).expect("leaf"))
            .expect("remove");
        self.members[leaf as usize] = None;
        for m in self.members.iter_mut().flatten() {
            m.keys.prune(&self.tree);
        }
    }

    /// An Update proposal from `leaf` applied (no commit): fresh encryption
    /// key, source `update`, re-signed; its direct path is blanked.
    pub fn update(&mut self, leaf: u32) {
        let cs = self.cs.clone();
        let cs = cs.as_ref();
        let index = LeafIndex::new(leaf).expect("leaf");
        let pair = cs.hpke_generate_key_pair().expect("hpke");
        let mut node = self.tree.leaf(index).expect("occupied").clone();
        node.encryption_key = pair.public_key.into();
        node.leaf_node_source = LeafNodeSource::Update;
        let m = self.members[leaf as usize].as_mut().expect("member");
        sign_leaf(cs, &mut node, &m.signer, leaf);
        self.tree.update_leaf(index, node).expect("update");
        m.keys = TreePrivateKeys::new(index, pair.private_key);
        for m in self.members.iter_mut().flatten() {
            m.keys.prune(&self.tree);
        }
    }

    /// The occupied leaves.
    pub fn occupied(&self) -> Vec<u32> {
        self.members
            .iter()
            .enumerate()
            .filter(|(_, m)| m.is_some())
            .map(|(i, _)| i as u32)
            .collect()
    }

    /// A commit with an UpdatePath from `sender`, processed by every other
    /// member and merged. Returns the commit secret.
    pub fn commit(&mut self, sender: u32) -> Secret {
        let cs = self.cs.clone();
        let cs = cs.as_ref();
        let sender = LeafIndex::new(sender).expect("leaf");
        let me = self.members[sender.as_usize()].as_ref().expect("sender");
        let template = self.tree.leaf(sender).expect("leaf").clone();
        let leaf_secret = Secret::new(cs.random_bytes(32).expect("rand"));
        let mut diff = self.tree.diff();
        let prepared = prepare_update_path(
            &mut diff,
            cs,
            UpdatePathInput {
                sender,
                group_id: GROUP_ID,
                leaf_secret: &leaf_secret,
                leaf_template: &template,
                signer: &me.signer,
            },
        )
        .expect("prepare");
        let hash = diff.tree_hash(cs).expect("hash");
        let gc = group_context(self.epoch + 1, &hash);
        let created = prepared.encrypt(&diff, cs, &gc, &[]).expect("encrypt");
        let policy = LeafValidationPolicy::without_time_checks();
        let mut received = Vec::new();
        for (i, m) in self.members.iter().enumerate() {
            let Some(m) = m else { continue };
            if i == sender.as_usize() {
                continue;
            }
            let mut d = self.tree.diff();
            let applied = apply_update_path(
                &mut d,
                cs,
                sender,
                &created.update_path,
                GROUP_ID,
                &[],
                &policy,
            )
            .expect("apply");
            assert_eq!(d.tree_hash(cs).expect("hash"), hash);
            let got = applied.decrypt(&d, cs, &m.keys, &gc).expect("decrypt");
            assert_eq!(got.commit_secret, created.commit_secret);
            received.push((i, got.private_keys));
        }
        let changes = diff.into_changes();
        self.tree.merge(changes);
        // RFC 9420 §7.9.2: after the merge the path is one parent-hash chain.
        mls_treekem::verify_path_parent_hashes(&self.tree, cs, sender).expect("path chain");
        self.members[sender.as_usize()]
            .as_mut()
            .expect("sender")
            .keys
            .apply(created.private_keys);
        for (i, changes) in received {
            if let Some(m) = self.members[i].as_mut() {
                m.keys.apply(changes);
            }
        }
        self.epoch += 1;
        created.commit_secret
    }

    /// A group with blanks, unmerged leaves and several parent-hash chains:
    /// 7 members, commit by 5, one add (unmerged at nodes 11 and 7), commit
    /// by 0, remove 3, add, commit by 2. Node 11 keeps unmerged leaf 7,
    /// which the original sibling tree hash of its chain must remove.
    pub fn mixed() -> Self {
        let mut g = Group::new();
        for i in 1..7 {
            g.add(&format!("member {i}"));
        }
        g.commit(5);
        g.add("member 7");
        g.commit(0);
        g.remove(3);
        g.add("member 8");
        g.commit(2);
        g.tree.tree_hash(g.cs.as_ref()).expect("hash");
        g
    }
}
