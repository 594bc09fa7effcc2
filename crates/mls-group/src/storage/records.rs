//! The owned values that cross the store boundary: a group's records as
//! stored and read, and the one batch that a transition writes.

use zeroize::Zeroizing;

use super::client_records::ClientRecord;

/// One past epoch of a group, kept for late application messages (RFC 9420
/// §14, GUIDANCE G-12): an opaque, self-checking record
/// ([`crate::Group::to_records`]).
#[derive(Clone, PartialEq, Eq)]
pub struct EpochRecord {
    /// The epoch number.
    pub epoch: u64,
    /// The encoded record (holds secrets).
    pub bytes: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for EpochRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EpochRecord")
            .field("epoch", &self.epoch)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// One part of a group's ratchet tree ([`mls_treekem::TREE_PART_NODES`]
/// consecutive nodes and their cached parent hashes), stored beside the
/// current state so that a save after a Commit writes only the parts it
/// changed. Public data (no secret); the current-state record holds the
/// digest of all parts, so a missing, stale or damaged part is detected.
#[derive(Clone, PartialEq, Eq)]
pub struct TreePart {
    /// The part number: nodes `16 * index ..` of the tree.
    pub index: u32,
    /// The encoded part.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for TreePart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TreePart")
            .field("index", &self.index)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// A group as a store returns it.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredGroup {
    /// The group id.
    pub group_id: Vec<u8>,
    /// The write generation of the current record: 1 after the first
    /// write, one more per write. A writer names it in
    /// [`GroupWrite::expected_generation`].
    pub generation: u64,
    /// The epoch of the current state.
    pub epoch: u64,
    /// The current state record (holds secrets).
    pub state: Zeroizing<Vec<u8>>,
    /// The retained past epochs, oldest first.
    pub past_epochs: Vec<EpochRecord>,
    /// The stored parts of the ratchet tree, by ascending index (none for
    /// a current state of format version 4 or older, which holds its tree).
    pub tree_parts: Vec<TreePart>,
}

impl std::fmt::Debug for StoredGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredGroup")
            .field("generation", &self.generation)
            .field("epoch", &self.epoch)
            .field("state_len", &self.state.len())
            .field("past_epochs", &self.past_epochs)
            .field("tree_parts", &self.tree_parts.len())
            .finish_non_exhaustive()
    }
}

/// A change to the stored PSKs made by a transition (RFC 9420 §8.4).
#[derive(Clone, PartialEq, Eq)]
pub enum PskChange {
    /// Store (replace) the PSK `id`.
    Insert {
        /// The PSK id (`psk_id` of an external PSK).
        id: Vec<u8>,
        /// The secret.
        secret: Zeroizing<Vec<u8>>,
    },
    /// Delete the PSK `id`.
    Delete {
        /// The PSK id.
        id: Vec<u8>,
    },
}

impl std::fmt::Debug for PskChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PskChange::Insert { id, .. } => f.debug_struct("Insert").field("id", id).finish(),
            PskChange::Delete { id } => f.debug_struct("Delete").field("id", id).finish(),
        }
    }
}

/// Everything one transition of one group writes, applied by the store as
/// ONE atomic batch (GUIDANCE G-03): the new current state, the changed
/// tree parts (and the dropping of parts beyond the tree), the changed
/// past-epoch records, the pruning of past epochs beyond the retention
/// bound, the KeyPackages the transition consumed and its PSK changes.
#[derive(Clone, PartialEq, Eq)]
pub struct GroupWrite {
    /// The group id.
    pub group_id: Vec<u8>,
    /// The generation the writer read (`None`: the group is new and must not
    /// be stored yet). A store holding another generation refuses the write
    /// with [`super::StoreError::Conflict`].
    pub expected_generation: Option<u64>,
    /// The epoch of the new current state.
    pub epoch: u64,
    /// The new current state record.
    pub state: Zeroizing<Vec<u8>>,
    /// Past-epoch records to insert or replace (only the changed ones).
    pub past_epochs: Vec<EpochRecord>,
    /// Delete every stored past epoch below this epoch (the retention bound).
    pub prune_before: u64,
    /// Tree parts to insert or replace (only the changed ones).
    pub tree_parts: Vec<TreePart>,
    /// The number of parts of the new tree: the store deletes every stored
    /// part whose index is this or more (0: the state holds its tree).
    pub tree_part_count: u32,
    /// KeyPackageRefs whose stored KeyPackage (and private keys) this
    /// transition consumed: deleted in the same batch (G-06).
    pub consumed_key_packages: Vec<Vec<u8>>,
    /// PSK changes of the transition.
    pub psk_changes: Vec<PskChange>,
    /// Client-level records to store (replace) in the same batch (the
    /// client's entropy pool, G-39).
    pub client_records: Vec<ClientRecord>,
}

impl std::fmt::Debug for GroupWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupWrite")
            .field("expected_generation", &self.expected_generation)
            .field("epoch", &self.epoch)
            .field("state_len", &self.state.len())
            .field("past_epochs", &self.past_epochs)
            .field("prune_before", &self.prune_before)
            .field("tree_parts", &self.tree_parts)
            .field("tree_part_count", &self.tree_part_count)
            .field("consumed_key_packages", &self.consumed_key_packages.len())
            .field("psk_changes", &self.psk_changes)
            .field("client_records", &self.client_records)
            .finish_non_exhaustive()
    }
}

/// A stored KeyPackage with its private parts (RFC 9420 §10).
#[derive(Clone, PartialEq, Eq)]
pub struct KeyPackageRecord {
    /// Its KeyPackageRef (RFC 9420 §5.2).
    pub reference: Vec<u8>,
    /// The encoded bundle (KeyPackage, init and leaf private keys, signer;
    /// [`crate::key_package::KeyPackageBundle::to_bytes`]).
    pub bundle: Zeroizing<Vec<u8>>,
    /// A last-resort KeyPackage (RFC 9420 §16.8): kept after use until rotated.
    pub last_resort: bool,
    /// When it was stored (seconds since the Unix epoch; for rotation).
    pub created_at: u64,
}

impl std::fmt::Debug for KeyPackageRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPackageRecord")
            .field("reference", &self.reference)
            .field("last_resort", &self.last_resort)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}
