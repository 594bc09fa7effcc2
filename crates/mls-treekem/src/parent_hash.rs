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
//! resolution of C is computed at most once per side of P as well. So the
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

/// Per-walk memo: parent hashes and resolutions, per (P, D on the left side).
struct Walk<'v, V: ?Sized, S> {
    view: &'v V,
    store: &'v mut S,
    cs: &'v dyn CipherSuiteProvider,
    /// Valid links received by each parent (indexed by node >> 1).
    links: Vec<u32>,
    hashes: HashMap<(NodeIndex, bool), Vec<u8>>,
    resolutions: HashMap<(NodeIndex, bool), Vec<NodeIndex>>,
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

        // D in resolution(C) and P.unmerged_leaves ∩ subtree(C) == resolution(C) \ {D}.
        let view = self.view;
        let res = self.resolutions.entry((p, on_left)).or_insert_with(|| {
            let mut out = Vec::new();
            resolution_into(view, c, &[], &mut out);
            out
        });
        if !res.contains(&d) {
            return Ok(false);
        }
        let mut rest: Vec<u32> = Vec::with_capacity(res.len());
        for &n in res.iter().filter(|&&n| n != d) {
            match n.leaf() {
                Some(l) => rest.push(l.get()),
                None => return Ok(false),
            }
        }
        rest.sort_unstable();
        Ok(rest.as_slice() == leaves_below(&parent.unmerged_leaves, c))
    }
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
        resolutions: HashMap::new(),
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
