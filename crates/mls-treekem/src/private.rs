//! A member's private view of the tree (RFC 9420 §4.2, §7.4): its leaf's
//! HPKE private key and the private keys of the nodes on its direct path
//! that it knows. Kept apart from the public [`crate::RatchetTree`].
//!
//! Keys are [`HpkePrivateKey`]s (zeroized on drop, redacted in `Debug`).
//! Changes computed while creating or processing an UpdatePath are returned
//! as [`PrivateKeyChanges`] and applied only when the caller merges.

use std::collections::BTreeMap;

use mls_crypto::labeled::derive_secret;
use mls_crypto::{CipherSuiteProvider, HpkeKeyPair, HpkePrivateKey, Secret};
use mls_treemath::{LeafIndex, NodeIndex};

use crate::view::TreeView;
use crate::{Result, TreeKemError};

/// `node_secret = DeriveSecret(path_secret, "node")`, then
/// `KEM.DeriveKeyPair(node_secret)` (RFC 9420 §7.4).
pub fn derive_node_key_pair(
    cs: &dyn CipherSuiteProvider,
    path_secret: &[u8],
) -> Result<HpkeKeyPair> {
    let node_secret = derive_secret(cs, path_secret, b"node")?;
    Ok(cs.hpke_derive_key_pair(node_secret.as_bytes())?)
}

/// `path_secret[n+1] = DeriveSecret(path_secret[n], "path")` (RFC 9420 §7.4).
pub fn next_path_secret(cs: &dyn CipherSuiteProvider, path_secret: &[u8]) -> Result<Secret> {
    Ok(derive_secret(cs, path_secret, b"path")?)
}

/// Changes to a member's private keys, staged until merge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrivateKeyChanges {
    /// Nodes whose keys are deleted (replaced or blanked nodes).
    pub removed: Vec<NodeIndex>,
    /// New keys.
    pub added: Vec<(NodeIndex, HpkePrivateKey)>,
}

/// A member's private keys: its leaf key and the keys of nodes it knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreePrivateKeys {
    leaf: LeafIndex,
    keys: BTreeMap<NodeIndex, HpkePrivateKey>,
}

impl TreePrivateKeys {
    /// The keys of a member at `leaf` that knows only its leaf key.
    pub fn new(leaf: LeafIndex, leaf_key: HpkePrivateKey) -> Self {
        let mut keys = BTreeMap::new();
        keys.insert(leaf.node(), leaf_key);
        TreePrivateKeys { leaf, keys }
    }

    /// A member at `leaf` that holds no key yet (an external joiner, whose
    /// keys come from [`crate::CreatedUpdatePath::private_keys`]).
    pub fn without_keys(leaf: LeafIndex) -> Self {
        TreePrivateKeys {
            leaf,
            keys: BTreeMap::new(),
        }
    }

    /// The member's leaf.
    pub fn leaf(&self) -> LeafIndex {
        self.leaf
    }

    /// The private key of `node`, if known.
    pub fn get(&self, node: NodeIndex) -> Option<&HpkePrivateKey> {
        self.keys.get(&node)
    }

    /// The nodes whose keys are known, ascending.
    pub fn nodes(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        self.keys.keys().copied()
    }

    /// Store a key (no check against the tree).
    pub fn insert(&mut self, node: NodeIndex, key: HpkePrivateKey) {
        self.keys.insert(node, key);
    }

    /// Store the key derived from `path_secret` for `node`, checking that it
    /// matches the node's public key in `view` (RFC 9420 §7.4).
    pub fn insert_from_path_secret<V: TreeView + ?Sized>(
        &mut self,
        view: &V,
        cs: &dyn CipherSuiteProvider,
        node: NodeIndex,
        path_secret: &[u8],
    ) -> Result<()> {
        let pair = derive_node_key_pair(cs, path_secret)?;
        let public = view
            .node(node)
            .map(|n| n.encryption_key())
            .ok_or(TreeKemError::DerivedKeyMismatch { node: node.get() })?;
        if public != pair.public_key.as_slice() {
            return Err(TreeKemError::DerivedKeyMismatch { node: node.get() });
        }
        self.keys.insert(node, pair.private_key);
        Ok(())
    }

    /// The keys a joiner learns from the `path_secret` of a Welcome (RFC 9420
    /// §12.4.3.1): the key of `start` (the lowest common ancestor of the
    /// joiner and the committer), then, for every non-blank ancestor of
    /// `start`, the key derived from the next path secret. Each derived
    /// public key must equal the one in the tree (V-12.4.3.1-20).
    pub fn changes_from_path_secret<V: TreeView + ?Sized>(
        view: &V,
        cs: &dyn CipherSuiteProvider,
        start: NodeIndex,
        path_secret: &[u8],
    ) -> Result<PrivateKeyChanges> {
        let size = view.size();
        let mut nodes = vec![start];
        nodes.extend(size.direct_path_iter(start)?.filter(|&n| !view.is_blank(n)));
        let mut secret = Secret::from_slice(path_secret);
        let mut changes = PrivateKeyChanges::default();
        for (i, node) in nodes.iter().enumerate() {
            if i > 0 {
                secret = next_path_secret(cs, secret.as_bytes())?;
            }
            let pair = derive_node_key_pair(cs, secret.as_bytes())?;
            let public = view.node(*node).map(|n| n.encryption_key());
            if public != Some(pair.public_key.as_slice()) {
                return Err(TreeKemError::DerivedKeyMismatch { node: node.get() });
            }
            changes.added.push((*node, pair.private_key));
        }
        Ok(changes)
    }

    /// Apply staged changes: delete the removed keys, then store the new ones.
    pub fn apply(&mut self, changes: PrivateKeyChanges) {
        for node in changes.removed {
            self.keys.remove(&node);
        }
        for (node, key) in changes.added {
            self.keys.insert(node, key);
        }
    }

    /// Delete keys of nodes that are blank in `view` (after proposals blanked
    /// them), as the deletion schedule asks (RFC 9420 §7.5, §9.2).
    pub fn prune<V: TreeView + ?Sized>(&mut self, view: &V) {
        let own = self.leaf.node();
        self.keys.retain(|&n, _| n == own || !view.is_blank(n));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_key_bytes_and_changes_apply_in_order() {
        let leaf = LeafIndex::new(2).unwrap_or_else(|_| unreachable!());
        let mut keys = TreePrivateKeys::new(leaf, HpkePrivateKey::from(vec![0xab; 32]));
        keys.insert(NodeIndex::new(5), HpkePrivateKey::from(vec![0xcd; 32]));
        let shown = format!("{keys:?}");
        assert!(
            !shown.contains("171") && !shown.contains("ab, ab"),
            "{shown}"
        );
        keys.apply(PrivateKeyChanges {
            removed: vec![NodeIndex::new(5), NodeIndex::new(3)],
            added: vec![(NodeIndex::new(3), HpkePrivateKey::from(vec![1; 32]))],
        });
        assert!(keys.get(NodeIndex::new(5)).is_none());
        assert!(keys.get(NodeIndex::new(3)).is_some());
        assert_eq!(
            keys.nodes().collect::<Vec<_>>(),
            [NodeIndex::new(3), NodeIndex::new(4)]
        );
    }
}
