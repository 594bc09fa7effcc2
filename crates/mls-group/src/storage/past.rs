//! The past-epoch record (format in [`super::state`]): what a retained past
//! epoch needs to read and verify a late message (GUIDANCE G-13, G-15,
//! RFC 9420 §14): its GroupContext, sender-data secret, membership key,
//! resumption PSK, secret tree and the signature keys of its members.
//!
//! From format version 7 on the signature keys are stored as their
//! **changes** against the next newer epoch (the next past-epoch record,
//! or the current tree for the newest one):
//!
//! ```text
//! past (7): ... secret_tree<V> next_tree_hash<V>
//!           key_changes<V> = { leaf:u32 optional<signature_key<V>> }*  ascending
//! ```
//!
//! An entry is a leaf whose key in this epoch differs from the newer
//! epoch's: its key here, or absent if the leaf was no member here. A Commit
//! that changes no signature key (an UpdatePath with the same key, a
//! PSK) stores none, so the record is O(changes), not O(N), and it never
//! changes once written (the newer epoch's keys are fixed), except for its
//! secret tree when a late message advances a ratchet. `next_tree_hash`
//! is the tree hash of the newer epoch the changes are against: loading
//! checks it against that epoch's GroupContext (or the current one), so a
//! record from another history of the group, or one whose newer neighbour
//! is missing, is corrupt instead of giving wrong keys; the tree hash binds
//! every leaf of that epoch (RFC 9420 §7.8). The keys of a past epoch are
//! rebuilt at load from the current tree, newest first: exactly that
//! epoch's keys, so a late message is verified as before.
//!
//! Up to version 6 the record held every member's key.

use std::collections::VecDeque;

use mls_crypto::CryptoProvider;
use mls_keyschedule::{MembershipKey, ResumptionPsk, SenderDataSecret};
use mls_treekem::RatchetTree;
use zeroize::Zeroizing;

use super::encode::{ReadExt, corrupt};
use super::envelope::{PAST_MAGIC, open_record, read_secret_tree, seal};
use super::records::EpochRecord;
use super::secret_fields::secret;
use crate::group::epoch::PastEpoch;
use crate::{Group, Result, StateError};

/// The first format version whose past epochs store key changes.
pub(super) const KEY_CHANGES_VERSION: u16 = 7;

/// One member's signature key: `(leaf, key)`.
type Key<'a> = (u32, &'a [u8]);

/// The leaves whose key differs between `this` and `next` (both ascending
/// by leaf), each with its key in `this` (`None`: not a member there).
fn key_changes<'a>(
    this: impl Iterator<Item = Key<'a>>,
    next: impl Iterator<Item = Key<'a>>,
) -> Vec<(u32, Option<&'a [u8]>)> {
    let mut out = Vec::new();
    let (mut a, mut b) = (this.peekable(), next.peekable());
    loop {
        match (a.peek().copied(), b.peek().copied()) {
            (None, None) => return out,
            (Some((l, k)), None) => {
                out.push((l, Some(k)));
                a.next();
            }
            (None, Some((l, _))) => {
                out.push((l, None));
                b.next();
            }
            (Some((la, ka)), Some((lb, kb))) => {
                if la < lb {
                    out.push((la, Some(ka)));
                    a.next();
                } else if lb < la {
                    out.push((lb, None));
                    b.next();
                } else {
                    if ka != kb {
                        out.push((la, Some(ka)));
                    }
                    a.next();
                    b.next();
                }
            }
        }
    }
}

/// The keys of an epoch from the keys of the next newer one and the
/// changes between them (ascending, as [`key_changes`] makes them).
fn apply_key_changes<'a>(
    next: impl Iterator<Item = Key<'a>>,
    changes: &[(u32, Option<Vec<u8>>)],
) -> Vec<(u32, Vec<u8>)> {
    let mut out = Vec::new();
    let mut next = next.peekable();
    let mut changes = changes.iter().peekable();
    loop {
        let take_next = match (next.peek(), changes.peek()) {
            (None, None) => return out,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some((l, _)), Some((lc, _))) => l < lc,
        };
        if take_next {
            if let Some((l, k)) = next.next() {
                out.push((l, k.to_vec()));
            }
        } else if let Some((lc, key)) = changes.next() {
            // The change replaces (or removes) the newer epoch's entry.
            if next.peek().is_some_and(|(l, _)| l == lc) {
                next.next();
            }
            if let Some(key) = key {
                out.push((*lc, key.clone()));
            }
        }
    }
}

fn tree_keys(tree: &RatchetTree) -> impl Iterator<Item = Key<'_>> {
    tree.members()
        .map(|(l, n)| (l.get(), n.signature_key.as_slice()))
}

fn epoch_keys(p: &PastEpoch) -> impl Iterator<Item = Key<'_>> {
    p.signature_keys.iter().map(|(l, k)| (*l, k.as_slice()))
}

impl Group {
    /// One record per retained past epoch, oldest first; each holds its
    /// key changes against the next newer epoch.
    pub(super) fn past_records(&self) -> Result<Vec<EpochRecord>> {
        let mut out = Vec::with_capacity(self.past.len());
        for (i, p) in self.past.iter().enumerate() {
            let (changes, next_tree_hash) = match self.past.get(i + 1) {
                Some(next) => (
                    key_changes(epoch_keys(p), epoch_keys(next)),
                    next.context.tree_hash.as_slice(),
                ),
                None => (
                    key_changes(epoch_keys(p), tree_keys(&self.tree)),
                    self.context.tree_hash.as_slice(),
                ),
            };
            out.push(EpochRecord {
                epoch: p.epoch,
                bytes: self.past_record(p, next_tree_hash, &changes)?,
            });
        }
        Ok(out)
    }

    fn past_record(
        &self,
        p: &PastEpoch,
        next_tree_hash: &[u8],
        changes: &[(u32, Option<&[u8]>)],
    ) -> Result<Zeroizing<Vec<u8>>> {
        let mut w = self.header(PAST_MAGIC);
        w.u64(p.epoch);
        w.encoded(&p.context)?;
        w.opaque(p.sender_data_secret.as_bytes())?;
        w.opaque(p.membership_key.as_bytes())?;
        w.opaque(p.resumption_psk.as_bytes())?;
        w.opaque(&p.secret_tree.to_bytes())?;
        w.opaque(next_tree_hash)?;
        w.vector(|w| {
            for (leaf, key) in changes {
                w.u32(*leaf);
                w.option(key.as_ref(), |w, k| w.opaque(k))?;
            }
            Ok(())
        })?;
        Ok(seal(self.cs.as_ref(), w))
    }
}

/// The signature keys of a stored past epoch: all of them (up to version
/// 6) or the changes against the next newer epoch, whose tree hash it was.
enum StoredKeys {
    All,
    Changes {
        next_tree_hash: Vec<u8>,
        changes: Vec<(u32, Option<Vec<u8>>)>,
    },
}

/// A past-epoch record read, its keys not yet rebuilt.
pub(super) struct StoredPast {
    epoch: PastEpoch,
    keys: StoredKeys,
}

impl StoredPast {
    /// The epoch number.
    pub(super) fn epoch(&self) -> &PastEpoch {
        &self.epoch
    }
}

/// Read one past-epoch record of the group's format `version` (a record of
/// another version beside the state is a mixed store: corrupt).
pub(super) fn read_past(
    bytes: &[u8],
    provider: &dyn CryptoProvider,
    nh: usize,
    version: u16,
) -> Result<StoredPast> {
    let (cs, record_version, mut pv) = open_record(bytes, PAST_MAGIC, provider)?;
    if cs.cipher_suite().hash_len() != nh {
        return Err(StateError::Corrupt("past epoch suite").into());
    }
    if (record_version >= KEY_CHANGES_VERSION) != (version >= KEY_CHANGES_VERSION) {
        return Err(StateError::Corrupt("past epoch record of another format version").into());
    }
    let epoch = pv.u64_("past epoch")?;
    let context = pv.decoded_("past context")?;
    let sender_data_secret = SenderDataSecret::new(secret(&mut pv, nh, "past sender data")?);
    let membership_key = MembershipKey::new(secret(&mut pv, nh, "past membership key")?);
    let resumption_psk = ResumptionPsk::new(secret(&mut pv, nh, "past resumption psk")?);
    let secret_tree = read_secret_tree(&mut pv)?;
    let mut signature_keys = Vec::new();
    let keys = if record_version >= KEY_CHANGES_VERSION {
        let next_tree_hash = pv.opaque_("past next tree hash")?.to_vec();
        let mut kv = pv.vector_("past key changes")?;
        let mut changes: Vec<(u32, Option<Vec<u8>>)> = Vec::new();
        while !kv.is_empty() {
            let leaf = kv.u32_("past leaf")?;
            if changes.last().is_some_and(|(l, _)| *l >= leaf) {
                return Err(StateError::Corrupt("past key changes out of order").into());
            }
            let key = if kv.presence_("past key")? {
                Some(kv.opaque_("past key")?.to_vec())
            } else {
                None
            };
            changes.push((leaf, key));
        }
        StoredKeys::Changes {
            next_tree_hash,
            changes,
        }
    } else {
        let mut kv = pv.vector_("past signature keys")?;
        while !kv.is_empty() {
            signature_keys.push((kv.u32_("past leaf")?, kv.opaque_("past key")?.to_vec()));
        }
        StoredKeys::All
    };
    pv.finish().map_err(corrupt("trailing bytes"))?;
    Ok(StoredPast {
        epoch: PastEpoch {
            epoch,
            context,
            sender_data_secret,
            membership_key,
            resumption_psk,
            secret_tree,
            signature_keys,
        },
        keys,
    })
}

/// Rebuild the past epochs' keys, newest first, from the current `tree`
/// (whose GroupContext has `tree_hash`): each record's changes must be
/// against the next newer epoch's tree hash.
pub(super) fn rebuild_past(
    stored: Vec<StoredPast>,
    tree: &RatchetTree,
    tree_hash: &[u8],
) -> Result<VecDeque<PastEpoch>> {
    let mut out: VecDeque<PastEpoch> = VecDeque::with_capacity(stored.len());
    for StoredPast { mut epoch, keys } in stored.into_iter().rev() {
        if let StoredKeys::Changes {
            next_tree_hash,
            changes,
        } = keys
        {
            let next = out.front();
            let expected = next.map_or(tree_hash, |n| n.context.tree_hash.as_slice());
            if next_tree_hash != expected {
                return Err(StateError::Corrupt(
                    "past epoch record does not chain to the next epoch",
                )
                .into());
            }
            epoch.signature_keys = match next {
                Some(n) => apply_key_changes(epoch_keys(n), &changes),
                None => apply_key_changes(tree_keys(tree), &changes),
            };
        }
        out.push_front(epoch);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(v: &[(u32, u8)]) -> Vec<(u32, Vec<u8>)> {
        v.iter().map(|(l, k)| (*l, vec![*k; 4])).collect()
    }

    fn iter(v: &[(u32, Vec<u8>)]) -> impl Iterator<Item = Key<'_>> {
        v.iter().map(|(l, k)| (*l, k.as_slice()))
    }

    /// Changes between two key sets rebuild the older one exactly: added,
    /// removed and replaced members, at either end and in the middle.
    #[test]
    fn key_changes_rebuild_the_older_keys() {
        let cases = [
            (
                keys(&[(0, 1), (1, 2), (2, 3)]),
                keys(&[(0, 1), (1, 2), (2, 3)]),
            ),
            (
                keys(&[(0, 1), (1, 2), (2, 3)]),
                keys(&[(0, 1), (2, 4), (3, 5)]),
            ),
            (keys(&[]), keys(&[(0, 1), (5, 2)])),
            (keys(&[(0, 1), (5, 2)]), keys(&[])),
            (
                keys(&[(1, 9), (4, 9), (7, 9)]),
                keys(&[(0, 9), (4, 8), (8, 9)]),
            ),
        ];
        for (older, newer) in cases {
            let changes = key_changes(iter(&older), iter(&newer));
            let owned: Vec<(u32, Option<Vec<u8>>)> = changes
                .iter()
                .map(|(l, k)| (*l, k.map(<[u8]>::to_vec)))
                .collect();
            assert_eq!(apply_key_changes(iter(&newer), &owned), older);
        }
        let same = keys(&[(0, 1), (3, 2)]);
        assert!(key_changes(iter(&same), iter(&same)).is_empty());
    }
}
