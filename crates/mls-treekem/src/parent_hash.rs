//! Parent-hash verification of a whole tree (RFC 9420 §7.9.2).
//!
//! The parent hash of node D is valid with respect to P when D is below P,
//! `D.parent_hash` equals the parent hash of P with copath child S, D is in
//! the resolution of P's other child C, and P's unmerged leaves under C are
//! exactly resolution(C) without D. The last condition forces every node
//! strictly between D and P to be blank, so the only P a node D can link to
//! is its nearest non-blank ancestor.
//!
//! The check is one walk over the tree ("bottom up", §7.9.2): every node D
//! with a parent hash is tested against its nearest non-blank ancestor P,
//! and each non-blank parent must receive exactly one valid link. The
//! parent hash of P is computed at most once per side of P, and its
//! original sibling tree hash reuses the cached tree hashes of every subtree
//! without P's unmerged leaves ([`crate::hash::original_tree_hash`]); the
//! resolution of C is computed at most once per side of P as well, and
//! reduced to the single node that may link through that side (so many
//! nodes claiming one parent cannot make the check quadratic). So the
//! cost is one hash per side of each non-blank parent plus the hashing along
//! the paths of removed unmerged leaves, and the walk is linear in the
//! number of nodes.

use std::collections::HashMap;

use mls_crypto::CipherSuiteProvider;
use mls_treemath::NodeIndex;

use crate::hash::{HashStore, children, leaves_below, original_tree_hash, parent_hash};
use crate::resolution::resolution_into;
use crate::view::{NodeRef, TreeView};
use crate::{Result, TreeKemError};

/// Per-walk memo: parent hashes and the node allowed to link, per (P, D on the left side).
struct Walk<'v, V: ?Sized, S> {
    view: &'v V,
    store: &'v mut S,
    cs: &'v dyn CipherSuiteProvider,
    /// Valid links received by each parent (indexed by node >> 1).
    links: Vec<u32>,
    hashes: HashMap<(NodeIndex, bool), Vec<u8>>,
    link_targets: HashMap<(NodeIndex, bool), Option<NodeIndex>>,
}

/// The `parent_hash` a node carries, if any (leaves only with source commit).
fn carried_parent_hash(node: NodeRef<'_>) -> Option<&[u8]> {
    match node {
        NodeRef::Leaf(l) => match &l.leaf_node_source {
            mls_codec::LeafNodeSource::Commit(ph) => Some(ph.as_slice()),
            _ => None,
        },
        NodeRef::Parent(p) => Some(p.parent_hash.as_slice()),
    }
}

impl<V: TreeView + ?Sized, S: HashStore> Walk<'_, V, S> {
    fn visit(&mut self, node: NodeIndex, ancestor: Option<NodeIndex>) -> Result<()> {
        let this = self.view.node(node);
        if let (Some(d), Some(p)) = (this, ancestor)
            && let Some(ph) = carried_parent_hash(d)
            && self.link_valid(node, ph, p)?
            && let Some(count) = self.links.get_mut(p.as_usize() >> 1)
        {
            *count += 1;
        }
        if node.is_leaf() {
            return Ok(());
        }
        let next = if this.is_some() { Some(node) } else { ancestor };
        let (left, right) = children(node)?;
        self.visit(left, next)?;
        self.visit(right, next)
    }

    /// Whether D's `parent_hash` is valid with respect to P (§7.9.2).
    fn link_valid(&mut self, d: NodeIndex, carried: &[u8], p: NodeIndex) -> Result<bool> {
        let Some(parent) = self.view.parent(p) else {
            return Ok(false);
        };
        let on_left = d < p;
        let (left, right) = children(p)?;
        let (c, s) = if on_left {
            (left, right)
        } else {
            (right, left)
        };

        // D.parent_hash == ParentHash(P, S).
        if !self.hashes.contains_key(&(p, on_left)) {
            let osth =
                original_tree_hash(self.view, self.store, self.cs, s, &parent.unmerged_leaves)?;
            let ph = parent_hash(
                self.cs,
                parent.encryption_key.as_slice(),
                parent.parent_hash.as_slice(),
                &osth,
            )?;
            self.hashes.insert((p, on_left), ph);
        }
        if self.hashes.get(&(p, on_left)).map(Vec::as_slice) != Some(carried) {
            return Ok(false);
        }

        // D in resolution(C) and P.unmerged_leaves ∩ subtree(C) == resolution(C) \ {D}:
        // at most one D per (P, side) can satisfy it; find it once.
        let view = self.view;
        let target = *self.link_targets.entry((p, on_left)).or_insert_with(|| {
            let mut res = Vec::new();
            resolution_into(view, c, &[], &mut res);
            resolution_link_target(&res, leaves_below(&parent.unmerged_leaves, c))
        });
        Ok(target == Some(d))
    }
}

/// The only node D for which `resolution \ {D}` equals the leaves
/// `unmerged` (sorted) as a set of leaf nodes (RFC 9420 §7.9.2, third
/// condition), if there is one: the single parent node of the resolution
/// when the rest are exactly those leaves, or the single leaf left over
/// after matching them. Linear in the resolution, so a tree where many
/// nodes claim the same parent cannot make the check quadratic.
fn resolution_link_target(res: &[NodeIndex], unmerged: &[u32]) -> Option<NodeIndex> {
    let mut parents = res.iter().filter(|n| !n.is_leaf());
    let first_parent = parents.next().copied();
    if parents.next().is_some() {
        return None;
    }
    let mut leaves: Vec<u32> = res
        .iter()
        .filter_map(|n| n.leaf())
        .map(|l| l.get())
        .collect();
    leaves.sort_unstable();
    if let Some(p) = first_parent {
        return (leaves.as_slice() == unmerged).then_some(p);
    }
    if leaves.len() != unmerged.len() + 1 {
        return None;
    }
    // Multiset difference of two sorted lists: exactly one leaf left over.
    let mut extra = None;
    let mut wanted = unmerged.iter().peekable();
    for leaf in leaves {
        if wanted.peek() == Some(&&leaf) {
            wanted.next();
        } else if extra.replace(leaf).is_some() {
            return None;
        }
    }
    extra
        .and_then(|l| mls_treemath::LeafIndex::new(l).ok())
        .map(|l| l.node())
}

/// Check that every non-blank parent node of the tree is parent-hash valid
/// and covered by exactly one chain (RFC 9420 §7.9.2; V-7.9.2-01/02/03,
/// V-12.4.3.1-12). Expects sorted `unmerged_leaves` (checked before by
/// [`crate::validate_tree`]).
pub(crate) fn verify_tree_parent_hashes<V: TreeView + ?Sized, S: HashStore>(
    view: &V,
    store: &mut S,
    cs: &dyn CipherSuiteProvider,
) -> Result<()> {
    let size = view.size();
    let mut walk = Walk {
        view,
        store,
        cs,
        links: vec![0; size.leaf_count().get() as usize],
        hashes: HashMap::new(),
        link_targets: HashMap::new(),
    };
    walk.visit(size.root(), None)?;
    let width = size.width().get();
    for i in (1..width).step_by(2) {
        let node = NodeIndex::new(i);
        if view.parent(node).is_none() {
            continue;
        }
        match walk.links.get(node.as_usize() >> 1).copied().unwrap_or(0) {
            1 => {}
            0 => return Err(TreeKemError::ParentHashNotCovered { node: i }),
            n => {
                return Err(TreeKemError::ParentHashMultipleChains {
                    node: i,
                    chains: n as usize,
                });
            }
        }
    }
    Ok(())
}

/// Verify the parent-hash chain of one leaf up its filtered direct path
/// (RFC 9420 §7.9.2, V-7.9.2-05): the leaf (source `commit`) carries the
/// parent hash of the first node of its filtered direct path, each node the
/// parent hash of the next, and the last node an empty one. This is the
/// state right after the leaf's UpdatePath was merged; it reads cached tree
/// hashes and computes O(log N) others.
pub fn verify_path_parent_hashes<V: TreeView + ?Sized>(
    view: &V,
    cs: &dyn CipherSuiteProvider,
    leaf: mls_treemath::LeafIndex,
) -> Result<()> {
    let node = view
        .leaf(leaf)
        .ok_or(TreeKemError::BlankLeaf { leaf: leaf.get() })?;
    let mut carried: &[u8] = match &node.leaf_node_source {
        mls_codec::LeafNodeSource::Commit(ph) => ph.as_slice(),
        _ => return Err(TreeKemError::PathParentHashMismatch),
    };
    let mut memo = std::collections::BTreeMap::new();
    for step in crate::resolution::filtered_direct_path(view, leaf)? {
        let p = view
            .parent(step.node)
            .ok_or(TreeKemError::PathParentHashMismatch)?;
        let osth = original_tree_hash(view, &mut memo, cs, step.copath_child, &p.unmerged_leaves)?;
        let expected = parent_hash(
            cs,
            p.encryption_key.as_slice(),
            p.parent_hash.as_slice(),
            &osth,
        )?;
        if expected.as_slice() != carried {
            return Err(TreeKemError::PathParentHashMismatch);
        }
        carried = p.parent_hash.as_slice();
    }
    if carried.is_empty() {
        Ok(())
    } else {
        Err(TreeKemError::PathParentHashMismatch)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Arc;

    use mls_codec::{
        Capabilities, Credential, LeafNode, LeafNodeSource, Node, ParentNode, RatchetTree as Wire,
        VLBytes,
    };
    use mls_crypto::{
        CipherSuite, CipherSuiteProvider, CryptoProvider, HpkeCiphertext, HpkeKeyPair,
        HpkePrivateKey, Secret, SignatureKeyPair, SignaturePrivateKey,
    };
    use zeroize::Zeroizing;

    use super::*;
    use crate::RatchetTree;

    /// Suite 1 with a constant hash: every parent hash matches, so only the
    /// structural conditions of §7.9.2 decide (a double cover cannot be
    /// built with a real hash without a collision).
    struct ConstantHash(Arc<dyn CipherSuiteProvider>);

    impl CipherSuiteProvider for ConstantHash {
        fn cipher_suite(&self) -> CipherSuite {
            self.0.cipher_suite()
        }
        fn hash(&self, _data: &[u8]) -> Vec<u8> {
            vec![0; 32]
        }
        fn mac(&self, key: &[u8], data: &[u8]) -> Vec<u8> {
            self.0.mac(key, data)
        }
        fn kdf_extract(&self, salt: &[u8], ikm: &[u8]) -> Secret {
            self.0.kdf_extract(salt, ikm)
        }
        fn kdf_expand(&self, prk: &[u8], info: &[u8], len: usize) -> mls_crypto::Result<Secret> {
            self.0.kdf_expand(prk, info, len)
        }
        fn aead_seal(&self, k: &[u8], n: &[u8], a: &[u8], p: &[u8]) -> mls_crypto::Result<Vec<u8>> {
            self.0.aead_seal(k, n, a, p)
        }
        fn aead_open(
            &self,
            k: &[u8],
            n: &[u8],
            a: &[u8],
            c: &[u8],
        ) -> mls_crypto::Result<Zeroizing<Vec<u8>>> {
            self.0.aead_open(k, n, a, c)
        }
        fn hpke_seal(
            &self,
            pk: &[u8],
            info: &[u8],
            aad: &[u8],
            pt: &[u8],
        ) -> mls_crypto::Result<HpkeCiphertext> {
            self.0.hpke_seal(pk, info, aad, pt)
        }
        fn hpke_open(
            &self,
            sk: &HpkePrivateKey,
            pk: &[u8],
            info: &[u8],
            aad: &[u8],
            ct: mls_crypto::HpkeCiphertextRef<'_>,
        ) -> mls_crypto::Result<Zeroizing<Vec<u8>>> {
            self.0.hpke_open(sk, pk, info, aad, ct)
        }
        fn hpke_export_sender(
            &self,
            pk: &[u8],
            info: &[u8],
            ctx: &[u8],
            len: usize,
        ) -> mls_crypto::Result<(Vec<u8>, Secret)> {
            self.0.hpke_export_sender(pk, info, ctx, len)
        }
        fn hpke_export_receiver(
            &self,
            sk: &HpkePrivateKey,
            pk: &[u8],
            enc: &[u8],
            info: &[u8],
            ctx: &[u8],
            len: usize,
        ) -> mls_crypto::Result<Secret> {
            self.0.hpke_export_receiver(sk, pk, enc, info, ctx, len)
        }
        fn hpke_generate_key_pair(&self) -> mls_crypto::Result<HpkeKeyPair> {
            self.0.hpke_generate_key_pair()
        }
        fn hpke_derive_key_pair(&self, ikm: &[u8]) -> mls_crypto::Result<HpkeKeyPair> {
            self.0.hpke_derive_key_pair(ikm)
        }
        fn hpke_public_key(&self, sk: &HpkePrivateKey) -> mls_crypto::Result<Vec<u8>> {
            self.0.hpke_public_key(sk)
        }
        fn hpke_validate_public_key(&self, pk: &[u8]) -> mls_crypto::Result<()> {
            self.0.hpke_validate_public_key(pk)
        }
        fn signature_generate_key_pair(&self) -> mls_crypto::Result<SignatureKeyPair> {
            self.0.signature_generate_key_pair()
        }
        fn signature_public_key(&self, sk: &SignaturePrivateKey) -> mls_crypto::Result<Vec<u8>> {
            self.0.signature_public_key(sk)
        }
        fn signature_validate_public_key(&self, pk: &[u8]) -> mls_crypto::Result<()> {
            self.0.signature_validate_public_key(pk)
        }
        fn sign(&self, sk: &SignaturePrivateKey, msg: &[u8]) -> mls_crypto::Result<Vec<u8>> {
            self.0.sign(sk, msg)
        }
        fn verify(&self, pk: &[u8], msg: &[u8], sig: &[u8]) -> mls_crypto::Result<()> {
            self.0.verify(pk, msg, sig)
        }
        fn random_fill(&self, out: &mut [u8]) -> mls_crypto::Result<()> {
            self.0.random_fill(out)
        }
    }

    fn leaf(key: u8) -> Node {
        Node::Leaf(LeafNode {
            encryption_key: vec![key; 32].into(),
            signature_key: vec![key; 32].into(),
            credential: Credential::basic(vec![key]),
            capabilities: Capabilities::default(),
            leaf_node_source: LeafNodeSource::Commit(VLBytes::new(vec![0; 32])),
            extensions: vec![],
            signature: VLBytes::new(vec![]),
        })
    }

    fn update_leaf(key: u8) -> Node {
        match leaf(key) {
            Node::Leaf(mut l) => {
                l.leaf_node_source = LeafNodeSource::Update;
                Node::Leaf(l)
            }
            other => other,
        }
    }

    fn parent(key: u8, unmerged: Vec<u32>) -> Node {
        Node::Parent(ParentNode {
            encryption_key: vec![key; 32].into(),
            parent_hash: VLBytes::new(vec![0; 32]),
            unmerged_leaves: unmerged,
        })
    }

    fn check(nodes: Vec<Option<Node>>) -> Result<()> {
        let inner = mls_crypto_rustcrypto::RustCryptoProvider::new()
            .cipher_suite_provider(CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519)
            .unwrap();
        let cs = ConstantHash(inner);
        let mut tree = RatchetTree::from_wire(Wire::from_nodes(nodes)).unwrap();
        let RatchetTree { nodes, hashes, .. } = &mut tree;
        verify_tree_parent_hashes(&*nodes, hashes, &cs)
    }

    #[test]
    fn link_target_is_unique() {
        let n = NodeIndex::new;
        // A parent with the unmerged leaves: the parent.
        assert_eq!(resolution_link_target(&[n(3), n(2)], &[1]), Some(n(3)));
        assert_eq!(resolution_link_target(&[n(3), n(2)], &[]), None);
        // Leaves only (nodes 0, 2, 4 are leaves 0, 1, 2): the one not
        // among the unmerged leaves.
        assert_eq!(
            resolution_link_target(&[n(0), n(2), n(4)], &[0, 2]),
            Some(n(2))
        );
        assert_eq!(resolution_link_target(&[n(0), n(2), n(4)], &[1, 3]), None);
        assert_eq!(resolution_link_target(&[n(0)], &[]), Some(n(0)));
        // Two parents: nobody.
        assert_eq!(resolution_link_target(&[n(1), n(5)], &[]), None);
    }

    #[test]
    fn parent_covered_by_two_chains_is_rejected() {
        // Both leaves link to the root (V-7.9.2-02).
        let err = check(vec![Some(leaf(1)), Some(parent(2, vec![])), Some(leaf(3))]).unwrap_err();
        assert_eq!(
            err,
            TreeKemError::ParentHashMultipleChains { node: 1, chains: 2 }
        );
    }

    #[test]
    fn unmerged_leaf_condition_decides_the_link() {
        // Leaf 1 unmerged at the root: only leaf 0 links (resolution of the
        // right child minus D must equal the unmerged leaves below it).
        check(vec![Some(leaf(1)), Some(parent(2, vec![1])), Some(leaf(3))]).unwrap();
        // Blank intermediate nodes are skipped: leaves 0 links to the root
        // through blank node 1 when leaf 1 is blank.
        check(vec![
            Some(leaf(1)),
            None,
            None,
            Some(parent(4, vec![])),
            Some(update_leaf(5)),
        ])
        .unwrap();
        // D in resolution(C) fails when a non-blank node sits in between.
        let err = check(vec![
            Some(leaf(1)),
            Some(parent(2, vec![])),
            Some(leaf(3)),
            Some(parent(4, vec![0, 1])),
            Some(leaf(5)),
        ])
        .unwrap_err();
        assert!(matches!(
            err,
            TreeKemError::ParentHashMultipleChains { .. }
                | TreeKemError::ParentHashNotCovered { .. }
        ));
    }
}
