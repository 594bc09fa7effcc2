//! The secret tree (RFC 9420 §9): per-leaf handshake and application
//! ratchets derived lazily from the epoch's `encryption_secret`, with a
//! bounded out-of-order window (§15.3) and the deletion schedule of §9.2.
//!
//! ```text
//! tree_node_[N]_secret --> ExpandWithLabel(., "tree", "left",  KDF.Nh) = left(N)
//!                      --> ExpandWithLabel(., "tree", "right", KDF.Nh) = right(N)
//! leaf secret          --> ExpandWithLabel(., "handshake",   "", KDF.Nh) = handshake ratchet
//!                      --> ExpandWithLabel(., "application", "", KDF.Nh) = application ratchet
//! ```
//!
//! Only the nodes on the path to a leaf that sends are ever derived. The tree
//! keeps a *frontier* of node secrets: a node's secret is deleted as soon as
//! both its children have been derived, and a leaf's secret as soon as its
//! two ratchets exist. Setting up a tree is O(1); the first message of a
//! sender costs O(log N).
//!
//! Receiving is two-step so that a forged message cannot consume keys
//! (V-9.1-05): [`SecretTree::decryption_key`] returns the key and a
//! [`ConsumeToken`] without changing the tree; after the AEAD opened the
//! message, [`SecretTree::confirm`] applies the token. Sending uses
//! [`SecretTree::encryption_key`], which advances at once.

mod bytes;
mod persist;
mod ratchet;

use std::collections::BTreeMap;

use mls_crypto::CipherSuiteProvider;
use mls_crypto::labeled::expand_with_label;
use mls_treemath::{LeafCount, LeafIndex, NodeIndex, TreeSize};

use ratchet::RatchetChange;
pub use ratchet::SenderRatchet;

use crate::secrets::nh;
use crate::{EncryptionSecret, KeyScheduleError, MessageKey, Result, TreeSecret};

/// Out-of-order tolerance of the sender ratchets (runtime policy, §15.3,
/// GUIDANCE G-14).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SecretTreeConfig {
    /// How many skipped generations below the newest received one keep their
    /// key for late messages, per ratchet. Older generations are rejected as
    /// too old (V-9.1-02). Default 5.
    pub out_of_order_tolerance: u32,
    /// How far ahead of a ratchet's next generation a message may be before
    /// it is rejected without any derivation (V-9.1-03). Default 1000.
    pub max_forward_distance: u32,
}

impl Default for SecretTreeConfig {
    fn default() -> Self {
        SecretTreeConfig {
            out_of_order_tolerance: 5,
            max_forward_distance: 1000,
        }
    }
}

/// Which of a leaf's two ratchets (§9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RatchetKind {
    /// Proposals and Commits.
    Handshake,
    /// Application messages.
    Application,
}

impl RatchetKind {
    /// The ratchet for a PrivateMessage `content_type` (§6): application(1)
    /// uses the application ratchet, proposal(2) and commit(3) the
    /// handshake ratchet; anything else is
    /// [`KeyScheduleError::InvalidContentType`].
    pub fn for_content_type(content_type: u8) -> Result<Self> {
        match content_type {
            1 => Ok(RatchetKind::Application),
            2 | 3 => Ok(RatchetKind::Handshake),
            other => Err(KeyScheduleError::InvalidContentType(other)),
        }
    }
}

impl From<mls_codec::ContentType> for RatchetKind {
    /// The ratchet for a decoded content type (§6, §9.1).
    fn from(content_type: mls_codec::ContentType) -> Self {
        match content_type {
            mls_codec::ContentType::Application => RatchetKind::Application,
            mls_codec::ContentType::Proposal | mls_codec::ContentType::Commit => {
                RatchetKind::Handshake
            }
        }
    }
}

/// The two ratchets of a leaf whose secret has been derived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeafRatchets {
    /// The handshake ratchet.
    pub handshake: SenderRatchet,
    /// The application ratchet.
    pub application: SenderRatchet,
}

impl LeafRatchets {
    /// One of the two ratchets.
    pub fn get(&self, kind: RatchetKind) -> &SenderRatchet {
        match kind {
            RatchetKind::Handshake => &self.handshake,
            RatchetKind::Application => &self.application,
        }
    }

    fn get_mut(&mut self, kind: RatchetKind) -> &mut SenderRatchet {
        match kind {
            RatchetKind::Handshake => &mut self.handshake,
            RatchetKind::Application => &mut self.application,
        }
    }
}

/// The secret tree of one epoch.
///
/// Its state is plain data (a leaf count, the configuration, a map of node
/// secrets and a map of leaf ratchets); `Clone` and `Eq` let a caller keep
/// a copy and compare states before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretTree {
    leaf_count: LeafCount,
    config: SecretTreeConfig,
    /// Node -> secret of every node whose secret is still held (the
    /// frontier: no two are on the same root-to-leaf path).
    nodes: BTreeMap<NodeIndex, TreeSecret>,
    /// Leaf -> ratchets, for leaves whose secret has been derived.
    leaves: BTreeMap<LeafIndex, LeafRatchets>,
}

/// The derivation of a leaf's ratchets along its path (§9): the node whose
/// secret it consumes, the sibling secrets it leaves behind, and the ratchets.
#[derive(Debug)]
struct LeafInit {
    consumed_node: NodeIndex,
    new_nodes: Vec<(NodeIndex, TreeSecret)>,
    ratchets: LeafRatchets,
}

/// The state change of consuming one key (§9.2), returned by
/// [`SecretTree::decryption_key`] and applied by [`SecretTree::confirm`]
/// only after the message decrypted. It holds secrets (zeroized on drop).
///
/// A token must be confirmed on the tree that produced it. If that tree
/// changed in a way that touches the same ratchet or path in between,
/// confirming fails with [`KeyScheduleError::StaleToken`] and changes nothing.
#[derive(Debug)]
pub struct ConsumeToken {
    leaf: LeafIndex,
    kind: RatchetKind,
    generation: u32,
    init: Option<LeafInit>,
    change: RatchetChange,
}

impl ConsumeToken {
    /// The sender's leaf index.
    pub fn leaf(&self) -> LeafIndex {
        self.leaf
    }

    /// The ratchet the key came from.
    pub fn kind(&self) -> RatchetKind {
        self.kind
    }

    /// The generation whose key this token consumes.
    pub fn generation(&self) -> u32 {
        self.generation
    }
}

impl SecretTree {
    /// A secret tree over `leaf_count` leaves rooted at the epoch's
    /// encryption secret (§9), which it takes over (the caller keeps no copy,
    /// §9.2). The tree has the shape of the ratchet tree: the leaf count
    /// rounded up to a power of two; leaves at or beyond `leaf_count` are
    /// rejected. Costs O(1): nothing is derived until a leaf is used.
    pub fn new(
        encryption_secret: EncryptionSecret,
        leaf_count: LeafCount,
        config: SecretTreeConfig,
    ) -> Self {
        let root = TreeSize::new(leaf_count).root();
        let mut nodes = BTreeMap::new();
        nodes.insert(root, TreeSecret::new(encryption_secret.into_secret()));
        SecretTree {
            leaf_count,
            config,
            nodes,
            leaves: BTreeMap::new(),
        }
    }

    /// The number of leaves (senders) of the tree.
    pub fn leaf_count(&self) -> LeafCount {
        self.leaf_count
    }

    /// The out-of-order configuration.
    pub fn config(&self) -> SecretTreeConfig {
        self.config
    }

    /// Change the out-of-order configuration; it applies from the next
    /// lookup (keys already retained stay until the ratchet next advances).
    pub fn set_config(&mut self, config: SecretTreeConfig) {
        self.config = config;
    }

    /// The ratchets of a leaf, if its secret has been derived (for
    /// inspection, e.g. of the deletion schedule).
    pub fn leaf_ratchets(&self, leaf: LeafIndex) -> Option<&LeafRatchets> {
        self.leaves.get(&leaf)
    }

    /// The nodes whose tree secrets are currently held.
    pub fn held_node_secrets(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        self.nodes.keys().copied()
    }

    fn check_leaf(&self, leaf: LeafIndex) -> Result<()> {
        if leaf.get() < self.leaf_count.get() {
            Ok(())
        } else {
            Err(KeyScheduleError::LeafOutOfRange {
                leaf: leaf.get(),
                leaf_count: self.leaf_count.get(),
            })
        }
    }

    /// Plan the derivation of a leaf's ratchets from the held node on its
    /// path, without changing the tree.
    fn plan_leaf(&self, cs: &dyn CipherSuiteProvider, leaf: LeafIndex) -> Result<LeafInit> {
        let target = leaf.node();
        let direct_path = TreeSize::new(self.leaf_count)
            .direct_path_iter(target)
            .map_err(|_| KeyScheduleError::InconsistentState)?;
        // The one held node on the leaf's path (the leaf itself or an ancestor).
        let (start, secret) = std::iter::once(target)
            .chain(direct_path)
            .find_map(|n| self.nodes.get(&n).map(|s| (n, s)))
            .ok_or(KeyScheduleError::InconsistentState)?;
        let mut node = start;
        let mut current = secret.clone();
        let mut new_nodes = Vec::new();
        while node != target {
            let (Some(left), Some(right)) = (node.left(), node.right()) else {
                return Err(KeyScheduleError::InconsistentState);
            };
            let left_secret = expand(cs, &current, b"tree", b"left")?;
            let right_secret = expand(cs, &current, b"tree", b"right")?;
            if target < node {
                new_nodes.push((right, right_secret));
                node = left;
                current = left_secret;
            } else {
                new_nodes.push((left, left_secret));
                node = right;
                current = right_secret;
            }
        }
        Ok(LeafInit {
            consumed_node: start,
            new_nodes,
            ratchets: LeafRatchets {
                handshake: SenderRatchet::new(expand(cs, &current, b"handshake", b"")?),
                application: SenderRatchet::new(expand(cs, &current, b"application", b"")?),
            },
        })
    }

    /// Whether `init` can still be applied: the leaf has no ratchets yet and
    /// the node it starts from is still held.
    fn init_applies(&self, leaf: LeafIndex, init: &LeafInit) -> bool {
        !self.leaves.contains_key(&leaf) && self.nodes.contains_key(&init.consumed_node)
    }

    /// Apply a checked [`LeafInit`]: delete the consumed node secret, keep
    /// the siblings, store the ratchets.
    fn apply_init(&mut self, leaf: LeafIndex, init: LeafInit) {
        self.nodes.remove(&init.consumed_node);
        self.nodes.extend(init.new_nodes);
        self.leaves.insert(leaf, init.ratchets);
    }

    /// The key and nonce (before the reuse guard) of `generation` of a
    /// sender's ratchet, for decrypting a received message, and the token
    /// that [`SecretTree::confirm`] applies once the message decrypted.
    /// The tree is not changed, whether this succeeds or fails.
    ///
    /// Errors: [`KeyScheduleError::LeafOutOfRange`],
    /// [`KeyScheduleError::GenerationTooFarAhead`] (constant work),
    /// [`KeyScheduleError::GenerationAlreadyUsed`],
    /// [`KeyScheduleError::GenerationTooOld`].
    pub fn decryption_key(
        &self,
        cs: &dyn CipherSuiteProvider,
        leaf: LeafIndex,
        kind: RatchetKind,
        generation: u32,
    ) -> Result<(MessageKey, ConsumeToken)> {
        self.check_leaf(leaf)?;
        let (init, key, change) = match self.leaves.get(&leaf) {
            Some(ratchets) => {
                let (key, change) = ratchets.get(kind).lookup(cs, generation, &self.config)?;
                (None, key, change)
            }
            None => {
                // A fresh ratchet starts at generation 0: reject a far jump
                // before deriving the path (cheap checks first, G-35).
                if generation > self.config.max_forward_distance {
                    return Err(KeyScheduleError::GenerationTooFarAhead {
                        generation,
                        next_generation: 0,
                        max_forward_distance: self.config.max_forward_distance,
                    });
                }
                let init = self.plan_leaf(cs, leaf)?;
                let (key, change) = init
                    .ratchets
                    .get(kind)
                    .lookup(cs, generation, &self.config)?;
                (Some(init), key, change)
            }
        };
        Ok((
            key,
            ConsumeToken {
                leaf,
                kind,
                generation,
                init,
                change,
            },
        ))
    }

    /// Consume the key a [`ConsumeToken`] was issued for: delete it, the
    /// ratchet secrets up to it and the consumed path secrets (§9.2), keeping
    /// skipped keys inside the out-of-order window. Call it only after the
    /// message decrypted. Fails with [`KeyScheduleError::StaleToken`],
    /// changing nothing, if the tree changed underneath the token.
    pub fn confirm(&mut self, token: ConsumeToken) -> Result<()> {
        let ConsumeToken {
            leaf,
            kind,
            init,
            change,
            ..
        } = token;
        self.check_leaf(leaf)?;
        match init {
            Some(mut init) => {
                if !self.init_applies(leaf, &init) {
                    return Err(KeyScheduleError::StaleToken);
                }
                init.ratchets.get_mut(kind).apply(change, &self.config)?;
                self.apply_init(leaf, init);
            }
            None => {
                let ratchets = self
                    .leaves
                    .get_mut(&leaf)
                    .ok_or(KeyScheduleError::StaleToken)?;
                ratchets.get_mut(kind).apply(change, &self.config)?;
            }
        }
        Ok(())
    }

    /// The generation and key/nonce (before the reuse guard) for sending the
    /// next message from `leaf` (one's own leaf), advancing the ratchet at
    /// once so no key is ever used twice (§9.1). Fails with
    /// [`KeyScheduleError::RatchetExhausted`] after generation 2^32-1.
    pub fn encryption_key(
        &mut self,
        cs: &dyn CipherSuiteProvider,
        leaf: LeafIndex,
        kind: RatchetKind,
    ) -> Result<(u32, MessageKey)> {
        self.check_leaf(leaf)?;
        if !self.leaves.contains_key(&leaf) {
            let init = self.plan_leaf(cs, leaf)?;
            self.apply_init(leaf, init);
        }
        self.leaves
            .get_mut(&leaf)
            .ok_or(KeyScheduleError::InconsistentState)?
            .get_mut(kind)
            .next_for_sending(cs)
    }
}

/// `ExpandWithLabel(secret, label, context, KDF.Nh)` as a tree secret.
fn expand(
    cs: &dyn CipherSuiteProvider,
    secret: &TreeSecret,
    label: &[u8],
    context: &[u8],
) -> Result<TreeSecret> {
    Ok(TreeSecret::new(expand_with_label(
        cs,
        secret.as_bytes(),
        label,
        context,
        nh(cs),
    )?))
}
