//! UpdatePath generation and processing (RFC 9420 §7.4, §7.5, §7.6, §7.9,
//! §12.4.1, §12.4.2).
//!
//! Both sides work in two phases on a [`TreeDiff`] (never a copy of the
//! tree), because the HPKE context of every ciphertext is the provisional
//! GroupContext, which holds the tree hash *after* the path is merged:
//!
//! * sender: [`prepare_update_path`] blanks the direct path, derives the new
//!   keys from the leaf secret, sets parent hashes and signs the new leaf on
//!   the diff; the caller then computes the new root hash
//!   ([`TreeDiff::tree_hash`]), builds the GroupContext, and calls
//!   [`PreparedUpdatePath::encrypt`];
//! * receiver: [`apply_update_path`] checks and merges the public part into
//!   the diff (node count, ciphertext counts, leaf validity, parent hash);
//!   the caller builds the GroupContext from the new root hash and calls
//!   [`AppliedUpdatePath::decrypt`].
//!
//! If a step fails, the diff is left as it was before the step.

use mls_codec::{
    HpkeCiphertext, LeafNode, LeafNodeSource, ParentNode, UpdatePath, UpdatePathNode, VLBytes,
};
use mls_crypto::labeled::{decrypt_with_label, encrypt_with_label_seeded, sign_with_label};
use mls_crypto::{CipherSuiteProvider, HpkeCiphertextRef, HpkePrivateKey, Secret, Signer};
use mls_treemath::{LeafIndex, NodeIndex};
use zeroize::Zeroizing;

use crate::diff::TreeDiff;
use crate::hash::parent_hash;
use crate::leaf::{
    LEAF_NODE_TBS_LABEL, LeafContext, LeafValidationPolicy, check_credential_replacement,
    check_leaf_keys_unique, validate_leaf_node,
};
use crate::private::{PrivateKeyChanges, TreePrivateKeys, derive_node_key_pair, next_path_secret};
use crate::resolution::{PathStep, filtered_direct_path, resolution_into};
use crate::view::TreeView;
use crate::{Result, TreeKemError};

/// The HPKE label of path-secret encryption (RFC 9420 §7.6).
pub const UPDATE_PATH_NODE_LABEL: &[u8] = b"UpdatePathNode";

/// Sorted, deduplicated leaf indices (the leaves added by this Commit).
fn sorted_leaves(leaves: &[LeafIndex]) -> Vec<u32> {
    let mut v: Vec<u32> = leaves.iter().map(|l| l.get()).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Set the parent hashes on the (already keyed) filtered direct path, from
/// the root down, and return the parent hash the leaf must carry
/// (RFC 9420 §7.9: the root's `parent_hash` is empty; each node's is the
/// parent hash of the next node up, whose original sibling tree hash is the
/// current hash of its copath child since its unmerged leaves are empty).
fn set_path_parent_hashes(
    diff: &mut TreeDiff<'_>,
    cs: &dyn CipherSuiteProvider,
    steps: &[PathStep],
) -> Result<Vec<u8>> {
    let mut above: Vec<u8> = Vec::new();
    for step in steps.iter().rev() {
        let mut node = diff
            .parent(step.node)
            .cloned()
            .ok_or(TreeKemError::DerivedKeyMismatch {
                node: step.node.get(),
            })?;
        node.parent_hash = VLBytes::new(std::mem::take(&mut above));
        let sibling_hash = diff.node_tree_hash(cs, step.copath_child)?;
        above = parent_hash(
            cs,
            node.encryption_key.as_slice(),
            node.parent_hash.as_slice(),
            &sibling_hash,
        )?;
        diff.set_parent(step.node, Some(node))?;
    }
    Ok(above)
}

/// Put the new public keys on the filtered direct path (blank parent hash,
/// no unmerged leaves) after blanking the whole direct path.
fn install_path_keys(
    diff: &mut TreeDiff<'_>,
    sender: LeafIndex,
    steps: &[PathStep],
    keys: &[Vec<u8>],
) -> Result<()> {
    diff.blank_direct_path(sender)?;
    for (step, key) in steps.iter().zip(keys) {
        diff.set_parent(
            step.node,
            Some(ParentNode {
                encryption_key: key.clone().into(),
                parent_hash: VLBytes::new(Vec::new()),
                unmerged_leaves: Vec::new(),
            }),
        )?;
    }
    Ok(())
}

/// What the sender supplies to create an UpdatePath.
pub struct UpdatePathInput<'a> {
    /// The committer's leaf.
    pub sender: LeafIndex,
    /// The group id (signed in the new LeafNodeTBS).
    pub group_id: &'a [u8],
    /// Fresh randomness of Nh bytes: the leaf key pair is
    /// `DeriveKeyPair(DeriveSecret(leaf_secret, "node"))` and
    /// `path_secret[0] = DeriveSecret(leaf_secret, "path")` (RFC 9420 §7.4
    /// figure). Injected so tests are deterministic.
    pub leaf_secret: &'a Secret,
    /// The new leaf's content: credential, capabilities, extensions and
    /// signature key are taken from it; encryption key, source and
    /// signature are replaced.
    pub leaf_template: &'a LeafNode,
    /// The key that signs the new LeafNode (matching the template's signature key).
    pub signer: &'a dyn Signer,
}

/// First phase of UpdatePath creation: the public path is in the diff.
pub struct PreparedUpdatePath {
    sender: LeafIndex,
    leaf_node: LeafNode,
    steps: Vec<PathStep>,
    public_keys: Vec<Vec<u8>>,
    path_secrets: Vec<Secret>,
    private_keys: Vec<HpkePrivateKey>,
    leaf_private: HpkePrivateKey,
    commit_secret: Secret,
}

impl std::fmt::Debug for PreparedUpdatePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedUpdatePath")
            .field("sender", &self.sender)
            .field("path_len", &self.steps.len())
            .finish_non_exhaustive()
    }
}

/// The result of UpdatePath creation.
#[derive(Debug)]
pub struct CreatedUpdatePath {
    /// The UpdatePath to put in the Commit.
    pub update_path: UpdatePath,
    /// `path_secret[n+1]`, the commit secret (RFC 9420 §8, §12.4.1).
    pub commit_secret: Secret,
    /// The path secret of each filtered-direct-path node (for Welcome
    /// messages: the secret at the lowest common ancestor with a joiner).
    pub path_secrets: Vec<(NodeIndex, Secret)>,
    /// The sender's new private keys (leaf and path), replacing its old ones.
    pub private_keys: PrivateKeyChanges,
}

/// Phase one of UpdatePath creation (RFC 9420 §7.4, §7.5, §7.9, §12.4.1) on
/// a diff to which the Commit's proposals are already applied: blank the
/// sender's direct path, derive the path secrets and node keys on the
/// filtered direct path, set their parent hashes, and sign the new leaf
/// (source `commit`).
pub fn prepare_update_path(
    diff: &mut TreeDiff<'_>,
    cs: &dyn CipherSuiteProvider,
    input: UpdatePathInput<'_>,
) -> Result<PreparedUpdatePath> {
    let sender = input.sender;
    if diff.leaf(sender).is_none() {
        return Err(TreeKemError::BlankLeaf { leaf: sender.get() });
    }
    let saved = diff.clone();
    let result = prepare_inner(diff, cs, input);
    if result.is_err() {
        *diff = saved;
    }
    result
}

fn prepare_inner(
    diff: &mut TreeDiff<'_>,
    cs: &dyn CipherSuiteProvider,
    input: UpdatePathInput<'_>,
) -> Result<PreparedUpdatePath> {
    let sender = input.sender;
    diff.blank_direct_path(sender)?;
    let steps = filtered_direct_path(diff, sender)?;

    let leaf_node_secret =
        mls_crypto::labeled::derive_secret(cs, input.leaf_secret.as_bytes(), b"node")?;
    let leaf_pair = cs.hpke_derive_key_pair(leaf_node_secret.as_bytes())?;
    let mut secret = next_path_secret(cs, input.leaf_secret.as_bytes())?;
    let mut path_secrets = Vec::with_capacity(steps.len());
    let mut public_keys = Vec::with_capacity(steps.len());
    let mut private_keys = Vec::with_capacity(steps.len());
    for _ in &steps {
        let pair = derive_node_key_pair(cs, secret.as_bytes())?;
        public_keys.push(pair.public_key);
        private_keys.push(pair.private_key);
        let next = next_path_secret(cs, secret.as_bytes())?;
        path_secrets.push(std::mem::replace(&mut secret, next));
    }
    let commit_secret = secret;

    install_path_keys(diff, sender, &steps, &public_keys)?;
    let leaf_parent_hash = set_path_parent_hashes(diff, cs, &steps)?;

    let mut leaf = input.leaf_template.clone();
    leaf.encryption_key = leaf_pair.public_key.clone().into();
    leaf.leaf_node_source = LeafNodeSource::Commit(VLBytes::new(leaf_parent_hash));
    let tbs = leaf.tbs_bytes(input.group_id, sender.get())?;
    leaf.signature = VLBytes::new(sign_with_label(
        cs,
        input.signer,
        LEAF_NODE_TBS_LABEL,
        &tbs,
    )?);
    diff.set_leaf(sender, Some(leaf.clone()))?;

    Ok(PreparedUpdatePath {
        sender,
        leaf_node: leaf,
        steps,
        public_keys,
        path_secrets,
        private_keys,
        leaf_private: leaf_pair.private_key,
        commit_secret,
    })
}

impl PreparedUpdatePath {
    /// The nodes of the sender's filtered direct path.
    pub fn filtered_direct_path(&self) -> &[PathStep] {
        &self.steps
    }

    /// Phase two (RFC 9420 §7.5, §7.6): encrypt each path secret with
    /// `EncryptWithLabel(pk, "UpdatePathNode", group_context, path_secret)`
    /// to every node of the copath child's resolution, leaving out the
    /// leaves added by this Commit (`new_leaves`, V-7.5-07).
    /// `group_context` is the serialized provisional GroupContext (V-7.5-08),
    /// whose tree hash is the root hash of `view` (the diff after phase one).
    pub fn encrypt<V: TreeView + ?Sized>(
        self,
        view: &V,
        cs: &dyn CipherSuiteProvider,
        group_context: &[u8],
        new_leaves: &[LeafIndex],
    ) -> Result<CreatedUpdatePath> {
        let excluded = sorted_leaves(new_leaves);
        // Every (path step, resolution node) in order: one seal each.
        let mut targets: Vec<(usize, &Secret, &[u8])> = Vec::new();
        let mut resolution = Vec::new();
        for (i, (step, secret)) in self.steps.iter().zip(&self.path_secrets).enumerate() {
            resolution.clear();
            resolution_into(view, step.copath_child, &excluded, &mut resolution);
            for &target in &resolution {
                let pk = view.node(target).map(|n| n.encryption_key()).ok_or(
                    TreeKemError::BlankLeaf {
                        leaf: target.get() >> 1,
                    },
                )?;
                targets.push((i, secret, pk));
            }
        }
        // The seeds drawn in order here, the seals on every core: the same
        // ciphertexts for any number of threads (issue 14 item 2,
        // `CipherSuiteProvider::hpke_seal_with_seed`).
        let seed_len = cs.hpke_seal_seed_len();
        let seeds = Zeroizing::new(cs.random_bytes(seed_len * targets.len())?);
        let jobs: Vec<CopathSeal<'_>> = targets
            .into_iter()
            .zip(seeds.chunks_exact(seed_len))
            .map(|((step, secret, public_key), seed)| CopathSeal {
                step,
                secret,
                public_key,
                seed,
            })
            .collect();
        let sealed = crate::par::try_map(&jobs, |job| {
            let CopathSeal {
                step: i,
                secret,
                public_key: pk,
                seed,
            } = *job;
            let ct = encrypt_with_label_seeded(
                cs,
                pk,
                UPDATE_PATH_NODE_LABEL,
                group_context,
                secret.as_bytes(),
                seed,
            )?;
            Ok::<_, TreeKemError>((i, ct))
        })?;
        let mut nodes: Vec<UpdatePathNode> = self
            .public_keys
            .iter()
            .map(|key| UpdatePathNode {
                encryption_key: key.clone().into(),
                encrypted_path_secret: Vec::new(),
            })
            .collect();
        for (i, ct) in sealed {
            if let Some(node) = nodes.get_mut(i) {
                node.encrypted_path_secret.push(HpkeCiphertext {
                    kem_output: VLBytes::new(ct.kem_output),
                    ciphertext: VLBytes::new(ct.ciphertext),
                });
            }
        }
        let size = view.size();
        let mut removed: Vec<NodeIndex> = size.direct_path_iter(self.sender.node())?.collect();
        removed.push(self.sender.node());
        let mut added = vec![(self.sender.node(), self.leaf_private)];
        added.extend(self.steps.iter().map(|s| s.node).zip(self.private_keys));
        Ok(CreatedUpdatePath {
            update_path: UpdatePath {
                leaf_node: self.leaf_node,
                nodes,
            },
            commit_secret: self.commit_secret,
            path_secrets: self
                .steps
                .iter()
                .map(|s| s.node)
                .zip(self.path_secrets)
                .collect(),
            private_keys: PrivateKeyChanges { removed, added },
        })
    }
}

/// One seal of an UpdatePath: the path secret of step `step` to one node
/// of its copath resolution, with the seal's seed.
#[derive(Clone, Copy)]
struct CopathSeal<'a> {
    step: usize,
    secret: &'a Secret,
    public_key: &'a [u8],
    seed: &'a [u8],
}

/// Phase one of processing: the UpdatePath's public part is merged.
#[derive(Debug)]
pub struct AppliedUpdatePath<'p> {
    sender: LeafIndex,
    path: &'p UpdatePath,
    steps: Vec<PathStep>,
    excluded: Vec<u32>,
}

/// The result of processing an UpdatePath.
#[derive(Debug)]
pub struct ReceivedUpdatePath {
    /// The commit secret, `path_secret[n+1]`.
    pub commit_secret: Secret,
    /// The node whose path secret this member decrypted (the lowest common
    /// ancestor of sender and receiver on the filtered direct path) and that secret.
    pub decrypted: (NodeIndex, Secret),
    /// The receiver's key changes: keys of the sender's direct path deleted,
    /// the derived keys stored.
    pub private_keys: PrivateKeyChanges,
}

/// Phase one of UpdatePath processing (RFC 9420 §7.5, §7.6, §7.9.2,
/// §12.4.2) on a diff to which the Commit's proposals are already applied:
/// validate the new LeafNode (source `commit`, signed with the group id and
/// the sender's leaf index, keys unique and the encryption key changed),
/// check the number of nodes against the filtered direct path (V-7.6-01)
/// and the number of ciphertexts of each node against the copath
/// resolution without `new_leaves` (V-7.6-02), merge the keys, and verify
/// the leaf's parent hash (V-7.5-04). On error the diff is unchanged.
pub fn apply_update_path<'p>(
    diff: &mut TreeDiff<'_>,
    cs: &dyn CipherSuiteProvider,
    sender: LeafIndex,
    path: &'p UpdatePath,
    group_id: &[u8],
    new_leaves: &[LeafIndex],
    policy: &LeafValidationPolicy,
) -> Result<AppliedUpdatePath<'p>> {
    let saved = diff.clone();
    let result = apply_inner(diff, cs, Some(sender), path, group_id, new_leaves, policy);
    if result.is_err() {
        *diff = saved;
    }
    result
}

/// Phase one of processing the UpdatePath of an external Commit (RFC 9420
/// §12.4.3.2): the joiner's LeafNode from the path takes the leftmost blank
/// leaf (else the tree is extended), then the path is checked and merged as
/// in [`apply_update_path`] (without the "encryption key changed" rule, as
/// there is no previous leaf). Returns the joiner's leaf index. On error the
/// diff is unchanged.
pub fn apply_external_update_path<'p>(
    diff: &mut TreeDiff<'_>,
    cs: &dyn CipherSuiteProvider,
    path: &'p UpdatePath,
    group_id: &[u8],
    new_leaves: &[LeafIndex],
    policy: &LeafValidationPolicy,
) -> Result<(LeafIndex, AppliedUpdatePath<'p>)> {
    let saved = diff.clone();
    let result = apply_inner(diff, cs, None, path, group_id, new_leaves, policy)
        .map(|applied| (applied.sender, applied));
    if result.is_err() {
        *diff = saved;
    }
    result
}

/// `sender` is `None` for an external joiner, whose leaf is added first.
fn apply_inner<'p>(
    diff: &mut TreeDiff<'_>,
    cs: &dyn CipherSuiteProvider,
    sender: Option<LeafIndex>,
    path: &'p UpdatePath,
    group_id: &[u8],
    new_leaves: &[LeafIndex],
    policy: &LeafValidationPolicy,
) -> Result<AppliedUpdatePath<'p>> {
    let leaf = &path.leaf_node;
    let sender = match sender {
        Some(sender) => {
            let old = diff
                .leaf(sender)
                .ok_or(TreeKemError::BlankLeaf { leaf: sender.get() })?;
            // §12.4.2, §7.3: the commit leaf follows the Update rules (V-7.5-05).
            if old.encryption_key == leaf.encryption_key {
                return Err(TreeKemError::EncryptionKeyNotChanged { leaf: sender.get() });
            }
            // §5.3.1: the path leaf's credential represents the same client.
            check_credential_replacement(policy, sender, old, leaf)?;
            sender
        }
        None => diff.add_leaf(leaf.clone())?,
    };
    validate_leaf_node(
        cs,
        leaf,
        LeafContext::Commit {
            group_id,
            leaf: sender,
        },
        policy,
    )?;

    diff.blank_direct_path(sender)?;
    let steps = filtered_direct_path(diff, sender)?;
    if steps.len() != path.nodes.len() {
        return Err(TreeKemError::PathLengthMismatch {
            expected: steps.len(),
            actual: path.nodes.len(),
        });
    }
    let excluded = sorted_leaves(new_leaves);
    let mut resolution = Vec::new();
    for (step, node) in steps.iter().zip(&path.nodes) {
        resolution.clear();
        resolution_into(&*diff, step.copath_child, &excluded, &mut resolution);
        if resolution.len() != node.encrypted_path_secret.len() {
            return Err(TreeKemError::CiphertextCountMismatch {
                node: step.node.get(),
                expected: resolution.len(),
                actual: node.encrypted_path_secret.len(),
            });
        }
    }
    check_leaf_keys_unique(&*diff, sender, leaf, &[])?;
    // §7.3, §12.4.3.1 (V-12.4.3.1-18): the new path keys appear in no other
    // node (the direct path is blank now) nor twice in the path.
    let mut seen: Vec<(&[u8], NodeIndex)> = vec![(leaf.encryption_key.as_slice(), sender.node())];
    for (step, node) in steps.iter().zip(&path.nodes) {
        let key = node.encryption_key.as_slice();
        let clash = diff
            .nodes_with_encryption_key(key)
            .into_iter()
            .chain(seen.iter().filter(|(k, _)| *k == key).map(|(_, n)| *n))
            .next();
        if let Some(other) = clash {
            return Err(TreeKemError::DuplicateEncryptionKey {
                first: other.get().min(step.node.get()),
                second: other.get().max(step.node.get()),
            });
        }
        seen.push((key, step.node));
    }

    let keys: Vec<Vec<u8>> = path
        .nodes
        .iter()
        .map(|n| n.encryption_key.as_slice().to_vec())
        .collect();
    install_path_keys(diff, sender, &steps, &keys)?;
    let expected = set_path_parent_hashes(diff, cs, &steps)?;
    let carried = match &leaf.leaf_node_source {
        LeafNodeSource::Commit(ph) => ph.as_slice(),
        _ => &[],
    };
    if carried != expected.as_slice() {
        return Err(TreeKemError::PathParentHashMismatch);
    }
    diff.set_leaf(sender, Some(leaf.clone()))?;
    Ok(AppliedUpdatePath {
        sender,
        path,
        steps,
        excluded,
    })
}

impl AppliedUpdatePath<'_> {
    /// The sender's filtered direct path.
    pub fn filtered_direct_path(&self) -> &[PathStep] {
        &self.steps
    }

    /// Phase two (RFC 9420 §7.5, §12.4.2): find the filtered-direct-path
    /// node whose copath subtree holds the receiver, decrypt its path secret
    /// with a key the receiver holds for a node of that copath resolution
    /// (`group_context` = the serialized provisional GroupContext), derive
    /// the path secrets up to the root and check every derived public key
    /// against the UpdatePath (V-7.5-01/02), and derive the commit secret.
    pub fn decrypt<V: TreeView + ?Sized>(
        &self,
        view: &V,
        cs: &dyn CipherSuiteProvider,
        keys: &TreePrivateKeys,
        group_context: &[u8],
    ) -> Result<ReceivedUpdatePath> {
        let me = keys.leaf();
        if me == self.sender {
            return Err(TreeKemError::NotAReceiver { leaf: me.get() });
        }
        let below =
            |node: NodeIndex| matches!(node.leaf_span(), Some((lo, hi)) if lo <= me && me <= hi);
        let start = self
            .steps
            .iter()
            .position(|s| below(s.copath_child))
            .ok_or(TreeKemError::NotAReceiver { leaf: me.get() })?;
        let step = self.steps[start];
        let mut resolution = Vec::new();
        resolution_into(view, step.copath_child, &self.excluded, &mut resolution);
        let (position, node, key) = resolution
            .iter()
            .enumerate()
            .find_map(|(i, n)| keys.get(*n).map(|k| (i, *n, k)))
            .ok_or(TreeKemError::NoDecryptionKey {
                node: step.copath_child.get(),
            })?;
        // The node's public key, which HPKE open takes with the private key.
        let public_key =
            view.node(node)
                .map(|n| n.encryption_key())
                .ok_or(TreeKemError::NoDecryptionKey {
                    node: step.copath_child.get(),
                })?;
        let ct = self
            .path
            .nodes
            .get(start)
            .and_then(|n| n.encrypted_path_secret.get(position))
            .ok_or(TreeKemError::PathSecretDecryptionFailed {
                node: step.node.get(),
            })?;
        let plain = decrypt_with_label(
            cs,
            key,
            public_key,
            UPDATE_PATH_NODE_LABEL,
            group_context,
            HpkeCiphertextRef {
                kem_output: ct.kem_output.as_slice(),
                ciphertext: ct.ciphertext.as_slice(),
            },
        )
        .map_err(|_| TreeKemError::PathSecretDecryptionFailed {
            node: step.node.get(),
        })?;
        let nh = cs.cipher_suite().hash_len();
        if plain.len() != nh {
            return Err(TreeKemError::PathSecretLength {
                expected: nh,
                actual: plain.len(),
            });
        }
        let first = Secret::from_slice(&plain);
        let mut secret = first.clone();
        let mut added = Vec::new();
        for (s, node) in self.steps.iter().zip(&self.path.nodes).skip(start) {
            let pair = derive_node_key_pair(cs, secret.as_bytes())?;
            if pair.public_key.as_slice() != node.encryption_key.as_slice() {
                return Err(TreeKemError::DerivedKeyMismatch { node: s.node.get() });
            }
            added.push((s.node, pair.private_key));
            secret = next_path_secret(cs, secret.as_bytes())?;
        }
        let removed = view.size().direct_path_iter(self.sender.node())?.collect();
        Ok(ReceivedUpdatePath {
            commit_secret: secret,
            decrypted: (step.node, first),
            private_keys: PrivateKeyChanges { removed, added },
        })
    }
}

/// UpdatePath creation in one call (RFC 9420 §7.5, §12.4.1): phase one on
/// `diff`, then `group_context(new_root_tree_hash)` returns the serialized
/// provisional GroupContext, then phase two. See [`prepare_update_path`].
pub fn create_update_path(
    diff: &mut TreeDiff<'_>,
    cs: &dyn CipherSuiteProvider,
    input: UpdatePathInput<'_>,
    new_leaves: &[LeafIndex],
    group_context: impl FnOnce(&[u8]) -> Result<Vec<u8>>,
) -> Result<CreatedUpdatePath> {
    let saved = diff.clone();
    let result = (|| {
        let prepared = prepare_update_path(diff, cs, input)?;
        let tree_hash = diff.tree_hash(cs)?;
        let context = group_context(&tree_hash)?;
        prepared.encrypt(&*diff, cs, &context, new_leaves)
    })();
    if result.is_err() {
        *diff = saved;
    }
    result
}

/// UpdatePath processing in one call (RFC 9420 §7.5, §12.4.2): phase one on
/// `diff`, then `group_context(new_root_tree_hash)`, then phase two with the
/// receiver's `keys`. See [`apply_update_path`]. On error the diff is unchanged.
#[allow(clippy::too_many_arguments)]
pub fn process_update_path(
    diff: &mut TreeDiff<'_>,
    cs: &dyn CipherSuiteProvider,
    sender: LeafIndex,
    path: &UpdatePath,
    group_id: &[u8],
    new_leaves: &[LeafIndex],
    policy: &LeafValidationPolicy,
    keys: &TreePrivateKeys,
    group_context: impl FnOnce(&[u8]) -> Result<Vec<u8>>,
) -> Result<ReceivedUpdatePath> {
    let saved = diff.clone();
    let result = (|| {
        let applied = apply_update_path(diff, cs, sender, path, group_id, new_leaves, policy)?;
        let tree_hash = diff.tree_hash(cs)?;
        let context = group_context(&tree_hash)?;
        applied.decrypt(&*diff, cs, keys, &context)
    })();
    if result.is_err() {
        *diff = saved;
    }
    result
}
