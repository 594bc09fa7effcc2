//! The pending own Commit inside the current-state record (format in
//! [`super::state`]): the Commit message, the epoch it stages (context, tree,
//! private-key changes, secrets, transcript) and its [`CommitInfo`], so a
//! group saved between `commit()` and the delivery service's answer merges
//! or discards it after a restart (GUIDANCE G-05).
//!
//! The staged tree (format version 7 on) is `staged_tree`:
//!
//! ```text
//! staged_tree = kind:u8 body<V>
//!   kind 0: the changes against the current tree (mls_treekem::TreeChanges::to_bytes)
//!   kind 1: the whole staged tree (RatchetTree::to_bytes)
//! ```
//!
//! A Commit staged in this process holds its changes, so a save costs the
//! changed nodes, not a copy of the tree merged with them (kind 0). Read
//! back, the changes are checked against the current tree: they must give
//! the staged GroupContext's tree hash, else the record is corrupt (changes
//! of another base or damaged). Up to version 6 the record held the whole
//! staged tree, and a Commit loaded from such a record keeps it whole
//! (kind 1 when saved again).

use mls_codec::{
    Credential, Extension, GroupContext, PreSharedKeyId, Proposal, ProposalType, Reader, Sender,
};
use mls_crypto::{CipherSuiteProvider, HpkePrivateKey, Secret};
use mls_keyschedule::InterimTranscriptHash;
use mls_treekem::{LeafIndex, NodeIndex, PrivateKeyChanges, RatchetTree};

use super::encode::{ReadExt, Writer};
use super::secret_fields::{read_private_keys, read_secrets, write_private_keys, write_secrets};
use crate::commit::{CommitInfo, MemberChange, PendingCommit, StagedEpoch, TreeUpdate};
use crate::custom::CommittedCustomProposal;
use crate::proposals::ProposalSender;
use crate::{GroupError, Result, StateError};

/// The first format version whose pending Commit stores its staged tree
/// as changes against the current tree.
pub(super) const TREE_CHANGES_VERSION: u16 = 7;
const STAGED_CHANGES: u8 = 0;
const STAGED_FULL: u8 = 1;

/// A stored leaf index (below 2^31 when it was written).
fn leaf(value: u32) -> Result<LeafIndex> {
    LeafIndex::new(value).map_err(|_| GroupError::State(StateError::Corrupt("leaf index")))
}

fn write_changes(w: &mut Writer, v: &[MemberChange]) -> Result<()> {
    w.vector(|w| {
        for c in v {
            w.u32(c.leaf_index.get());
            w.encoded(&c.credential)?;
        }
        Ok(())
    })
}

fn read_changes(r: &mut Reader<'_>) -> Result<Vec<MemberChange>> {
    let mut v = r.vector_("member changes")?;
    let mut out = Vec::new();
    while !v.is_empty() {
        out.push(MemberChange {
            leaf_index: leaf(v.u32_("member change leaf")?)?,
            credential: v.decoded_::<Credential>("member change credential")?,
        });
    }
    Ok(out)
}

fn write_info(w: &mut Writer, i: &CommitInfo) -> Result<()> {
    w.u32(i.committer.get());
    w.u64(i.new_epoch);
    w.vector(|w| i.proposals.iter().try_for_each(|p| w.encoded(p)))?;
    write_changes(w, &i.added)?;
    write_changes(w, &i.removed)?;
    w.vector(|w| {
        i.updated.iter().for_each(|l| w.u32(l.get()));
        Ok(())
    })?;
    w.vector(|w| i.psks.iter().try_for_each(|p| w.encoded(p)))?;
    w.option(i.new_extensions.as_ref(), |w, e| {
        w.vector(|w| e.iter().try_for_each(|x| w.encoded(x)))
    })?;
    w.bool(i.has_path);
    w.bool(i.removes_us);
    w.bool(i.own_commit);
    Ok(())
}

fn read_list<T: mls_codec::Decode>(r: &mut Reader<'_>, what: &'static str) -> Result<Vec<T>> {
    let mut v = r.vector_(what)?;
    let mut out = Vec::new();
    while !v.is_empty() {
        out.push(v.decoded_::<T>(what)?);
    }
    Ok(out)
}

fn read_info(r: &mut Reader<'_>) -> Result<CommitInfo> {
    let committer = leaf(r.u32_("committer")?)?;
    let new_epoch = r.u64_("new epoch")?;
    let proposals = read_list::<Proposal>(r, "commit proposals")?;
    let added = read_changes(r)?;
    let removed = read_changes(r)?;
    let mut u = r.vector_("updated leaves")?;
    let mut updated = Vec::new();
    while !u.is_empty() {
        updated.push(leaf(u.u32_("updated leaf")?)?);
    }
    let psks = read_list::<PreSharedKeyId>(r, "commit psks")?;
    let new_extensions = if r.presence_("new extensions")? {
        Some(read_list::<Extension>(r, "new extensions")?)
    } else {
        None
    };
    Ok(CommitInfo {
        committer,
        new_epoch,
        proposals,
        // In the state record's trailing field (see `super::state`).
        custom_proposals: Vec::new(),
        added,
        removed,
        updated,
        psks,
        new_extensions,
        has_path: r.bool_("has path")?,
        removes_us: r.bool_("removes us")?,
        own_commit: r.bool_("own commit")?,
    })
}

/// The pending Commit's custom proposals (RFC 9420 §13) with their
/// senders: `sender proposal_type:u16 body<V>` each.
pub(super) fn write_custom(w: &mut Writer, custom: &[CommittedCustomProposal]) -> Result<()> {
    w.vector(|w| {
        for c in custom {
            w.encoded(&c.sender.to_wire())?;
            w.encoded(&c.proposal_type)?;
            w.opaque(&c.body)?;
        }
        Ok(())
    })
}

/// Read what [`write_custom`] wrote.
pub(super) fn read_custom(r: &mut Reader<'_>) -> Result<Vec<CommittedCustomProposal>> {
    let mut v = r.vector_("custom proposals")?;
    let mut out = Vec::new();
    while !v.is_empty() {
        let sender = ProposalSender::from_wire(v.decoded_::<Sender>("custom proposal sender")?)
            .ok_or(StateError::Corrupt("custom proposal sender"))?;
        out.push(CommittedCustomProposal {
            sender,
            proposal_type: v.decoded_::<ProposalType>("custom proposal type")?,
            body: v.opaque_("custom proposal body")?.to_vec(),
        });
    }
    Ok(out)
}

pub(super) fn write_pending(w: &mut Writer, p: &PendingCommit) -> Result<()> {
    w.opaque(&p.message)?;
    let s = &p.staged;
    w.u64(s.from_epoch);
    w.encoded(&s.context)?;
    let (kind, tree) = match &s.tree {
        TreeUpdate::Changes(changes) => (STAGED_CHANGES, changes.to_bytes()?),
        TreeUpdate::Full(tree) => (STAGED_FULL, tree.to_bytes()?),
    };
    w.u8(kind);
    w.opaque(&tree)?;
    w.vector(|w| {
        s.private_changes
            .removed
            .iter()
            .for_each(|n| w.u32(n.get()));
        Ok(())
    })?;
    let added: Vec<(NodeIndex, &HpkePrivateKey)> = s
        .private_changes
        .added
        .iter()
        .map(|(n, k)| (*n, k))
        .collect();
    write_private_keys(w, &added)?;
    w.option(s.own_leaf_key.as_ref(), |w, k| w.opaque(k.0.as_bytes()))?;
    // Our own Commit never removes us (V-12.2-04), so it has its secrets.
    let secrets = s.secrets.as_ref().ok_or(crate::GroupError::Internal(
        "a pending Commit without secrets",
    ))?;
    write_secrets(w, secrets)?;
    w.opaque(s.interim.as_bytes())?;
    w.opaque(&s.confirmation_tag)?;
    write_info(w, &s.info)
}

/// The staged tree of a record of format `version` over the current
/// `tree`, for the staged `context`.
fn read_staged_tree(
    r: &mut Reader<'_>,
    version: u16,
    tree: &RatchetTree,
    cs: &dyn CipherSuiteProvider,
    context: &GroupContext,
) -> Result<TreeUpdate> {
    let kind = if version >= TREE_CHANGES_VERSION {
        r.u8_("pending tree kind")?
    } else {
        STAGED_FULL
    };
    let bytes = r.opaque_("pending tree")?;
    match kind {
        STAGED_CHANGES => tree
            .changes_from_bytes(bytes, cs, context.tree_hash.as_slice())
            .map(TreeUpdate::Changes)
            .map_err(|_| {
                StateError::Corrupt("pending tree changes do not fit the current tree").into()
            }),
        STAGED_FULL => RatchetTree::from_bytes(bytes)
            .map(|t| TreeUpdate::Full(Box::new(t)))
            .map_err(|_| StateError::Corrupt("pending tree").into()),
        _ => Err(StateError::Corrupt("pending tree kind").into()),
    }
}

/// Read a pending Commit of a record of format `version`; `tree` is the
/// group's current tree (the base of stored changes).
pub(super) fn read_pending(
    r: &mut Reader<'_>,
    nh: usize,
    version: u16,
    tree: &RatchetTree,
    cs: &dyn CipherSuiteProvider,
) -> Result<PendingCommit> {
    let message = r.opaque_("pending message")?.to_vec();
    let from_epoch = r.u64_("pending from epoch")?;
    let context: GroupContext = r.decoded_("pending context")?;
    let tree = read_staged_tree(r, version, tree, cs, &context)?;
    let mut rv = r.vector_("pending removed keys")?;
    let mut removed = Vec::new();
    while !rv.is_empty() {
        removed.push(NodeIndex::new(rv.u32_("pending removed key")?));
    }
    let added = read_private_keys(r)?;
    let own_leaf_key = if r.presence_("pending leaf key")? {
        Some(HpkePrivateKey(Secret::from_slice(
            r.opaque_("pending leaf key")?,
        )))
    } else {
        None
    };
    let secrets = Some(read_secrets(r, nh)?);
    let interim = InterimTranscriptHash::new(r.opaque_("pending interim")?.to_vec());
    let confirmation_tag = r.opaque_("pending tag")?.to_vec();
    let info = read_info(r)?;
    Ok(PendingCommit {
        message,
        staged: StagedEpoch {
            from_epoch,
            context,
            tree,
            private_changes: PrivateKeyChanges { removed, added },
            own_leaf_key,
            secrets,
            interim,
            confirmation_tag,
            info,
            // Set from the trailing rotation record of the state, if any.
            new_signer: None,
        },
    })
}
