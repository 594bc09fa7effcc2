//! The versioned records of a [`Group`] (format version [`STATE_VERSION`]):
//! one current-state record and one record per retained past epoch, so a
//! save after a commit writes the current state and the one new past epoch,
//! not every past epoch again.
//!
//! ```text
//! state: "MLSG" version:u16 cipher_suite:u16 active:u8 settings<V>
//!        context<V> tree_leaves:u32 parts_digest<V> own_leaf:u32 private_keys<V>
//!        optional<signer<V>> interim<V> confirmation_tag<V> epoch_secrets
//!        proposals<V> optional<pending_commit> [optional<ReInit>]
//!        [pending_custom_proposals<V> [rotation]] digest[Nh]
//! rotation: signature_key<V> optional<signer<V>>
//! proposal: ref<V> sender (the RFC 9420 §6 Sender) proposal update_key<optional>
//! past:  "MLSE" version:u16 cipher_suite:u16 epoch:u64 context<V> secrets
//!        secret_tree<V> signature_keys<V> digest[Nh]
//! part:  see mls_treekem::RatchetTree::part_bytes, one record per part
//! whole: "MLSS" version:u16 state<V> past<V> parts<V>   (Group::to_bytes)
//! ```
//!
//! Version 6 adds two flags at the end of `settings` ([`super::settings`]).
//! From version 5 on the ratchet tree is not in the state record: it is
//! stored as parts ([`super::tree_parts`]), and the state holds the leaf
//! count and the digest of all parts. Up to version 4 the state held
//! `tree<V> tree_hashes<V>` (the whole tree and its hash cache) where
//! version 5 has `tree_leaves parts_digest`, and the container had no
//! `parts<V>`.
//!
//! The trailing `optional<ReInit>` (RFC 9420 §11.2: the group is shut down
//! and waits for its successor) is always written; a record that ends
//! before it, written before the field existed, reads as no ReInit.
//! The trailing `pending_custom_proposals` (RFC 9420 §13: the custom
//! proposals of the pending Commit with their senders, for its
//! `CommitInfo`) is written only when there are some; a record that ends
//! before it has none. The trailing `rotation` (GUIDANCE G-54: the pending
//! Commit rotates our signature key) follows it, the custom proposals then
//! written even when there are none: the new public key and, when the new
//! signer's key is exportable, its private key (else the load is given it,
//! [`LoadOptions::rotated_signer`]).
//!
//! `settings` are the data settings of the group's [`crate::GroupConfig`]
//! ([`super::settings`]); `signer` is our signature private key when the
//! signer's key is exportable (absent for an HSM key, GUIDANCE G-42: the
//! load is then given the signer, [`LoadOptions::signer`]).
//!
//! Versions 2 and 3 (before the settings and the optional signer) still
//! load: their signer is always present and the group gets the default
//! settings (the application sets what it changed again, with the group's
//! setters). In version 2 a cached proposal's sender is a member's leaf
//! index (`u32`); from version 3 on it is the RFC 9420 `Sender`.
//!
//! `digest` is the suite's hash of everything before it: a truncated or
//! bit-flipped record is rejected before it is parsed. The tree-hash cache
//! (`mls_treekem::RatchetTree::hash_cache_bytes`) is stored beside the tree,
//! so loading checks the cached root against the GroupContext's tree hash
//! instead of rehashing N nodes: O(state size) decoding. Restoring also checks
//! the format, the suite, every secret's length, our leaf and signature keys
//! against the tree. Corrupt input gives [`StateError::Corrupt`](crate::StateError::Corrupt)
//! naming the part, a newer format [`StateError::Version`](crate::StateError::Version), never a panic.

use std::sync::Arc;

use mls_codec::{Proposal, Reader, Sender};
use mls_crypto::{
    CryptoProvider, HpkePrivateKey, Secret, SignatureKeyPair, SignaturePrivateKey, Signer,
};
use mls_keyschedule::{
    ConfirmationKey, EpochAuthenticator, ExporterSecret, ExternalSecret, InitSecret,
    InterimTranscriptHash, MembershipKey, ResumptionPsk, SenderDataSecret,
};
use mls_treekem::{LeafIndex, NodeIndex, RatchetTree, TreePrivateKeys, TreeView};
use zeroize::Zeroizing;

use super::LoadOptions;
use super::encode::{ReadExt, Writer, corrupt};
use super::envelope::{
    MAGIC, PARTS_VERSION, SENDER_VERSION, SETTINGS_VERSION, STATE_VERSION, WHOLE_MAGIC,
    open_record, read_header, read_secret_tree, seal,
};
use super::past::{StoredPast, read_past, rebuild_past};
use super::pending::{read_custom, read_pending, write_custom, write_pending};
use super::records::{EpochRecord, TreePart};
use super::secret_fields::{read_private_keys, secret, write_private_keys};
use super::settings::{read_settings, write_settings};
use super::tree_parts::{TreeCursor, changed_parts, restore_tree};
use crate::group::epoch::EpochState;
use crate::group::signer::check_signer_key;
use crate::proposals::{CachedProposal, ProposalCache, ProposalRef, ProposalSender};
use crate::{Group, Misuse, Result, StateError};

/// A group's records: the current state, the parts of its ratchet tree and
/// one record per retained past epoch.
pub struct GroupRecords {
    /// The epoch of the current state.
    pub epoch: u64,
    /// The current-state record.
    pub state: Zeroizing<Vec<u8>>,
    /// One record per retained past epoch, oldest first.
    pub past_epochs: Vec<EpochRecord>,
    /// Every part of the ratchet tree, in part order.
    pub tree_parts: Vec<TreePart>,
}

impl std::fmt::Debug for GroupRecords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupRecords")
            .field("epoch", &self.epoch)
            .field("state_len", &self.state.len())
            .field("past_epochs", &self.past_epochs)
            .field("tree_parts", &self.tree_parts.len())
            .finish()
    }
}

fn write_epoch(w: &mut Writer, e: &EpochState) -> Result<()> {
    for bytes in [
        e.sender_data_secret.as_bytes(),
        e.exporter_secret.as_bytes(),
        e.external_secret.as_bytes(),
        e.confirmation_key.as_bytes(),
        e.membership_key.as_bytes(),
        e.resumption_psk.as_bytes(),
        e.epoch_authenticator.as_bytes(),
        e.init_secret.as_bytes(),
    ] {
        w.opaque(bytes)?;
    }
    w.opaque(&e.secret_tree.to_bytes())
}

fn read_epoch(r: &mut Reader<'_>, nh: usize) -> Result<EpochState> {
    Ok(EpochState {
        sender_data_secret: SenderDataSecret::new(secret(r, nh, "sender data secret")?),
        exporter_secret: ExporterSecret::new(secret(r, nh, "exporter secret")?),
        external_secret: ExternalSecret::new(secret(r, nh, "external secret")?),
        confirmation_key: ConfirmationKey::new(secret(r, nh, "confirmation key")?),
        membership_key: MembershipKey::new(secret(r, nh, "membership key")?),
        resumption_psk: ResumptionPsk::new(secret(r, nh, "resumption psk")?),
        epoch_authenticator: EpochAuthenticator::new(secret(r, nh, "epoch authenticator")?),
        init_secret: InitSecret::new(secret(r, nh, "init secret")?),
        secret_tree: read_secret_tree(r)?,
    })
}

impl Group {
    /// The group's records (format version [`STATE_VERSION`]): the current
    /// state and one record per retained past epoch. They hold secrets and
    /// come in zeroizing buffers.
    pub fn to_records(&self) -> Result<GroupRecords> {
        let (tree_parts, tree) =
            changed_parts(&self.tree, self.cs.as_ref(), &TreeCursor::default())?;
        Ok(GroupRecords {
            epoch: self.context.epoch,
            state: self.state_record(&tree.digest(self.cs.as_ref()))?,
            past_epochs: self.past_records()?,
            tree_parts,
        })
    }

    /// The whole group state as one byte string: the records of
    /// [`Group::to_records`] in one container.
    pub fn to_bytes(&self) -> Result<Zeroizing<Vec<u8>>> {
        let records = self.to_records()?;
        let mut w = Writer::default();
        w.buf.extend_from_slice(WHOLE_MAGIC);
        w.u16(STATE_VERSION);
        w.opaque(&records.state)?;
        w.vector(|w| {
            for p in &records.past_epochs {
                w.u64(p.epoch);
                w.opaque(&p.bytes)?;
            }
            Ok(())
        })?;
        w.vector(|w| {
            for p in &records.tree_parts {
                w.u32(p.index);
                w.opaque(&p.bytes)?;
            }
            Ok(())
        })?;
        Ok(w.buf)
    }

    pub(super) fn header(&self, magic: &[u8; 4]) -> Writer {
        let mut w = Writer::default();
        w.buf.extend_from_slice(magic);
        w.u16(STATE_VERSION);
        w.u16(self.cs.cipher_suite().id());
        w
    }

    /// The current-state record; `parts_digest` is the digest of the
    /// tree's parts ([`TreeCursor::digest`]).
    pub(super) fn state_record(&self, parts_digest: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let mut w = self.header(MAGIC);
        w.bool(self.active);
        write_settings(&mut w, &self.config)?;
        w.encoded(&self.context)?;
        w.u32(self.tree.size().leaf_count().get());
        w.opaque(parts_digest)?;
        w.u32(self.private.leaf().get());
        // Our leaf key first, then the path keys in node order.
        let own = self.private.leaf().node();
        let keys: Vec<(NodeIndex, &HpkePrivateKey)> = std::iter::once(own)
            .chain(self.private.nodes().filter(|n| *n != own))
            .filter_map(|n| self.private.get(n).map(|k| (n, k)))
            .collect();
        write_private_keys(&mut w, &keys)?;
        w.option(self.signer.exportable_private_key(), |w, k| {
            w.opaque(k.as_bytes())
        })?;
        w.opaque(self.interim.as_bytes())?;
        w.opaque(&self.confirmation_tag)?;
        write_epoch(&mut w, &self.epoch)?;
        w.vector(|w| {
            for e in &self.proposals.entries {
                w.opaque(e.reference.as_bytes())?;
                w.encoded(&e.sender.to_wire())?;
                w.encoded(&e.proposal)?;
                w.option(e.update_key.as_ref(), |w, k| w.opaque(k.0.as_bytes()))?;
            }
            Ok(())
        })?;
        w.option(self.pending.as_ref(), write_pending)?;
        w.option(self.reinit.as_ref(), |w, r| w.encoded(r))?;
        // Written only when there is something to write, so a group without
        // custom proposals or a rotation keeps the record of earlier builds.
        if let Some(p) = self.pending.as_ref() {
            let rotation = p.staged.new_signer.as_deref();
            if !p.staged.info.custom_proposals.is_empty() || rotation.is_some() {
                write_custom(&mut w, &p.staged.info.custom_proposals)?;
            }
            if let Some(signer) = rotation {
                w.opaque(signer.public_key())?;
                w.option(signer.exportable_private_key(), |w, k| {
                    w.opaque(k.as_bytes())
                })?;
            }
        }
        Ok(seal(self.cs.as_ref(), w))
    }

    /// Restore a group from [`Group::to_bytes`] output, with the settings
    /// it was saved with; `provider` supplies the suite. The clock,
    /// credential validator and proposal policy are the defaults (set them
    /// again with the group's setters, or use
    /// [`Group::from_bytes_with_options`]). A snapshot without our signature
    /// key (a non-exportable signer) fails with
    /// [`Misuse::SignerRequired`](crate::Misuse::SignerRequired). Corrupt or foreign bytes give
    /// [`StateError::Corrupt`](crate::StateError::Corrupt).
    pub fn from_bytes(bytes: &[u8], provider: &dyn CryptoProvider) -> Result<Group> {
        Self::from_bytes_with_options(bytes, provider, LoadOptions::default())
    }

    /// [`Group::from_bytes`] with a signer and the application's objects.
    pub fn from_bytes_with_options(
        bytes: &[u8],
        provider: &dyn CryptoProvider,
        options: LoadOptions,
    ) -> Result<Group> {
        let mut r = Reader::new(bytes);
        let version = read_header(
            &mut r,
            WHOLE_MAGIC,
            "not a group snapshot",
            "unknown snapshot version",
        )?;
        let state = r.opaque_("state record")?;
        let mut pv = r.vector_("past epoch records")?;
        let mut past = Vec::new();
        while !pv.is_empty() {
            let epoch = pv.u64_("past epoch")?;
            past.push(EpochRecord {
                epoch,
                bytes: Zeroizing::new(pv.opaque_("past epoch record")?.to_vec()),
            });
        }
        let mut parts = Vec::new();
        if version >= PARTS_VERSION {
            let mut tv = r.vector_("tree parts")?;
            while !tv.is_empty() {
                let index = tv.u32_("tree part index")?;
                let bytes = tv.opaque_("tree part")?.to_vec();
                parts.push(TreePart { index, bytes });
            }
        }
        r.finish().map_err(corrupt("trailing bytes"))?;
        Group::from_stored_records(state, &parts, &past, provider, options)
    }

    /// Restore a group from records of format version 4 or older, whose
    /// state holds its tree: [`Group::from_stored_records`] without tree
    /// parts.
    pub fn from_records(
        state: &[u8],
        past_epochs: &[EpochRecord],
        provider: &dyn CryptoProvider,
        options: LoadOptions,
    ) -> Result<Group> {
        Self::from_stored_records(state, &[], past_epochs, provider, options)
    }

    /// Restore a group from its records ([`Group::to_records`]): the current
    /// state, the parts of its tree (none for a state of version 4 or
    /// older) and the retained past epochs, oldest first (a store may have
    /// pruned some), with `options` as in [`Group::from_bytes_with_options`].
    /// No tree rehash: the stored tree-hash cache must give the
    /// GroupContext's tree hash.
    pub fn from_stored_records(
        state: &[u8],
        tree_parts: &[TreePart],
        past_epochs: &[EpochRecord],
        provider: &dyn CryptoProvider,
        options: LoadOptions,
    ) -> Result<Group> {
        Ok(Self::restore(state, tree_parts, past_epochs, provider, options)?.0)
    }

    /// [`Group::from_stored_records`], also returning what is known of the
    /// stored tree parts (empty for a state that held its tree).
    pub(super) fn restore(
        state: &[u8],
        tree_parts: &[TreePart],
        past_epochs: &[EpochRecord],
        provider: &dyn CryptoProvider,
        options: LoadOptions,
    ) -> Result<(Group, TreeCursor)> {
        let (cs, version, mut r) = open_record(state, MAGIC, provider)?;
        let suite = cs.cipher_suite();
        let suite_id = suite.id();
        let nh = suite.hash_len();
        let active = r.bool_("active")?;
        let mut config = options.base_config();
        if version >= SETTINGS_VERSION {
            read_settings(&mut r, version, &mut config)?;
        }
        let context: mls_codec::GroupContext = r.decoded_("group context")?;
        if context.cipher_suite.0 != suite_id {
            return Err(StateError::Corrupt("group context suite").into());
        }
        let (mut tree, tree_cursor) = if version >= PARTS_VERSION {
            let leaves = r.u32_("tree leaves")?;
            let digest = r.opaque_("tree parts digest")?;
            restore_tree(leaves, tree_parts, digest, cs.as_ref())?
        } else {
            if !tree_parts.is_empty() {
                return Err(
                    StateError::Corrupt("tree parts beside a state that holds its tree").into(),
                );
            }
            let mut tree = RatchetTree::from_bytes(r.opaque_("tree")?)
                .map_err(|_| StateError::Corrupt("tree"))?;
            tree.restore_hash_cache(r.opaque_("tree hashes")?)
                .map_err(|_| StateError::Corrupt("tree hashes"))?;
            (tree, TreeCursor::default())
        };
        // The cached root is enough: the digest vouches for the cache.
        let root_matches = match tree.cached_root_hash() {
            Some(root) => root == context.tree_hash.as_slice(),
            None => tree.tree_hash(cs.as_ref())? == context.tree_hash.as_slice(),
        };
        if !root_matches {
            return Err(StateError::Corrupt("tree does not match the tree hash").into());
        }
        let own =
            LeafIndex::new(r.u32_("own leaf")?).map_err(|_| StateError::Corrupt("own leaf"))?;
        let keys = read_private_keys(&mut r)?;
        let stored_key = if version < SETTINGS_VERSION || r.presence_("signer")? {
            Some(SignaturePrivateKey(Secret::from_slice(
                r.opaque_("signer")?,
            )))
        } else {
            None
        };
        let interim = InterimTranscriptHash::new(r.opaque_("interim hash")?.to_vec());
        let confirmation_tag = r.opaque_("confirmation tag")?.to_vec();
        let epoch = read_epoch(&mut r, nh)?;

        // Our keys against the tree.
        let private = own_private_keys(keys, own)?;
        if active {
            let leaf = tree
                .leaf(own)
                .ok_or(StateError::Corrupt("own leaf blank"))?;
            let leaf_key = private
                .get(own.node())
                .ok_or(StateError::Corrupt("no leaf key"))?;
            if cs.hpke_public_key(leaf_key)? != leaf.encryption_key.as_slice() {
                return Err(StateError::Corrupt("own keys do not match the tree").into());
            }
        }
        let rotated_signer = options.rotated_signer.clone();
        let our_key = tree
            .leaf(own)
            .filter(|_| active)
            .map(|leaf| leaf.signature_key.as_slice());
        let signer = restore_signer(
            cs.as_ref(),
            options.signer,
            stored_key,
            our_key,
            "own keys do not match the tree",
        )?;

        let stored = read_past_epochs(past_epochs, provider, nh, version, &context)?;
        let mut past = rebuild_past(stored, &tree, context.tree_hash.as_slice())?;
        while past.len() > config.max_past_epochs {
            past.pop_front();
        }

        let proposals = read_proposal_cache(&mut r, version)?;

        let mut pending = if r.presence_("pending commit")? {
            Some(read_pending(&mut r, nh, version, &tree, cs.as_ref())?)
        } else {
            None
        };
        let reinit = if !r.is_empty() && r.presence_("reinit")? {
            Some(r.decoded_::<mls_codec::ReInit>("reinit")?)
        } else {
            None
        };
        if !r.is_empty() {
            let custom = read_custom(&mut r)?;
            let p = pending.as_mut().ok_or(StateError::Corrupt(
                "custom proposals without a pending Commit",
            ))?;
            p.staged.info.custom_proposals = custom;
            if !r.is_empty() {
                p.staged.new_signer =
                    Some(read_rotated_signer(&mut r, cs.as_ref(), rotated_signer)?);
            }
        }
        r.finish().map_err(corrupt("trailing bytes"))?;
        // RFC 9420 §13: every custom proposal the group holds is of a type
        // the application registered again at load.
        let stored = proposals
            .entries
            .iter()
            .map(|e| &e.proposal)
            .chain(pending.iter().flat_map(|p| &p.staged.info.proposals));
        for proposal in stored {
            if let mls_codec::Proposal::Unknown { proposal_type, .. } = proposal
                && !config
                    .custom
                    .has_proposal_type(mls_codec::ProposalType(*proposal_type))
            {
                return Err(StateError::CustomTypeNotRegistered(*proposal_type).into());
            }
        }
        let group = Group {
            cs,
            config,
            context,
            tree,
            private,
            signer,
            interim,
            confirmation_tag,
            epoch,
            past,
            proposals,
            pending,
            active,
            reinit,
        };
        Ok((group, tree_cursor))
    }
}

/// The signer a pending Commit rotates to (GUIDANCE G-54), from its record
/// `public_key<V> optional<private_key<V>>`: the one given at load
/// ([`LoadOptions::rotated_signer`], required when the new key is not
/// exportable) or the stored private key, either of which must be the
/// recorded public key.
fn read_rotated_signer(
    r: &mut Reader<'_>,
    cs: &dyn mls_crypto::CipherSuiteProvider,
    given: Option<Arc<dyn Signer>>,
) -> Result<Arc<dyn Signer>> {
    let public_key = r.opaque_("rotated signature key")?.to_vec();
    let stored = if r.presence_("rotated signer")? {
        Some(SignaturePrivateKey(Secret::from_slice(
            r.opaque_("rotated signer")?,
        )))
    } else {
        None
    };
    restore_signer(
        cs,
        given,
        stored,
        Some(&public_key),
        "rotated signer does not match its key",
    )
}

/// Our private keys in the writer's order (leaf, then path keys in node
/// order), as [`TreePrivateKeys`].
fn own_private_keys(
    keys: Vec<(NodeIndex, HpkePrivateKey)>,
    own: LeafIndex,
) -> Result<TreePrivateKeys> {
    let mut private: Option<TreePrivateKeys> = None;
    let mut previous: Option<NodeIndex> = None;
    for (node, key) in keys {
        match &mut private {
            None if node == own.node() => private = Some(TreePrivateKeys::new(own, key)),
            None => {
                return Err(StateError::Corrupt("first private key is not the leaf").into());
            }
            // Anything but the writer's order is not a snapshot we wrote,
            // and a repeated node would silently replace a key (found by
            // the group_from_bytes fuzz target, docs/fuzzing.md).
            Some(_) if node == own.node() || previous.is_some_and(|p| node <= p) => {
                return Err(
                    StateError::Corrupt("private keys out of node order or repeated").into(),
                );
            }
            Some(p) => {
                p.insert(node, key);
                previous = Some(node);
            }
        }
    }
    Ok(private.ok_or(StateError::Corrupt("no leaf key"))?)
}

/// A signer restored at load: the one given (it must sign under
/// `public_key`, else `Misuse::SignerMismatch`), else the stored private key
/// (which must, else the state is corrupt: `corrupt`), else
/// `Misuse::SignerRequired`. With no `public_key` (our own signer in a group
/// we were removed from) nothing is compared. The one rule for our current
/// signer and for the signer a pending Commit rotates to.
fn restore_signer(
    cs: &dyn mls_crypto::CipherSuiteProvider,
    given: Option<Arc<dyn Signer>>,
    stored_key: Option<SignaturePrivateKey>,
    public_key: Option<&[u8]>,
    corrupt: &'static str,
) -> Result<Arc<dyn Signer>> {
    match (given, stored_key) {
        (Some(given), _) => {
            if let Some(key) = public_key {
                check_signer_key(cs, given.as_ref(), key)?;
            }
            Ok(given)
        }
        (None, Some(private)) => {
            let pair = SignatureKeyPair::from_private_key(cs, private)?;
            if let Some(key) = public_key {
                check_signer_key(cs, &pair, key).map_err(|_| StateError::Corrupt(corrupt))?;
            }
            Ok(Arc::new(pair))
        }
        (None, None) => Err(Misuse::SignerRequired.into()),
    }
}

/// The retained past-epoch records, checked against the current state:
/// numbered as stored, older than the current epoch, in increasing order,
/// of this group and suite.
fn read_past_epochs(
    records: &[EpochRecord],
    provider: &dyn CryptoProvider,
    nh: usize,
    version: u16,
    context: &mls_codec::GroupContext,
) -> Result<Vec<StoredPast>> {
    let mut stored: Vec<StoredPast> = Vec::with_capacity(records.len());
    for record in records {
        let s = read_past(&record.bytes, provider, nh, version)?;
        let p = s.epoch();
        if p.epoch != record.epoch || p.epoch >= context.epoch {
            return Err(StateError::Corrupt("past epoch number").into());
        }
        if stored.last().is_some_and(|q| q.epoch().epoch >= p.epoch) {
            return Err(StateError::Corrupt("past epochs out of order").into());
        }
        if p.context.cipher_suite != context.cipher_suite || p.context.group_id != context.group_id
        {
            return Err(StateError::Corrupt("past epoch of another group").into());
        }
        stored.push(s);
    }
    Ok(stored)
}

/// The cached proposals of the current epoch (the sender is a leaf index
/// before [`SENDER_VERSION`], the RFC 9420 `Sender` from it on).
fn read_proposal_cache(r: &mut Reader<'_>, version: u16) -> Result<ProposalCache> {
    let mut proposals = ProposalCache::default();
    let mut prv = r.vector_("proposals")?;
    while !prv.is_empty() {
        let reference = ProposalRef(prv.opaque_("proposal ref")?.to_vec());
        let sender = if version >= SENDER_VERSION {
            ProposalSender::from_wire(prv.decoded_::<Sender>("proposal sender")?)
        } else {
            mls_treemath::LeafIndex::new(prv.u32_("proposal sender")?)
                .ok()
                .map(ProposalSender::Member)
        }
        .ok_or(StateError::Corrupt("proposal sender"))?;
        let proposal: Proposal = prv.decoded_("proposal")?;
        let update_key = if prv.presence_("update key")? {
            Some(HpkePrivateKey(Secret::from_slice(
                prv.opaque_("update key")?,
            )))
        } else {
            None
        };
        proposals.entries.push(CachedProposal {
            reference,
            sender,
            proposal,
            update_key,
        });
    }
    Ok(proposals)
}
