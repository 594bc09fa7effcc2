//! Merging a staged Commit (RFC 9420 §12.4.2 last steps, §14): the new
//! epoch becomes current in one step; the old epoch's message secrets move
//! to the bounded list of past epochs (G-12); the proposal cache and any
//! pending own Commit are dropped (V-12.1-03, V-14-02).

use tracing::info_span;

use super::{StagedCommit, StagedEpoch, TreeUpdate};
use crate::group::Group;
use crate::group::epoch::{EpochState, PastEpoch};
use crate::proposals::ProposalCache;
use crate::{Misuse, Result};
use mls_treekem::TreeView;

impl Group {
    /// Merge a staged Commit returned by [`Group::process_message`] (or our
    /// own, echoed back). Fails with `Misuse::StaleCommit` if the group
    /// left that Commit's epoch in between.
    pub fn merge_staged_commit(&mut self, staged: StagedCommit) -> Result<()> {
        self.merge_epoch(*staged.epoch)
    }

    /// Make the staged epoch current.
    fn merge_epoch(&mut self, staged: StagedEpoch) -> Result<()> {
        let span = info_span!(
            "mls.merge",
            from_epoch = staged.from_epoch,
            epoch = staged.context.epoch,
            members = tracing::field::Empty,
        );
        let _guard = span.enter();
        if staged.from_epoch != self.context.epoch
            || staged.context.group_id != self.context.group_id
        {
            return Err(Misuse::StaleCommit("the staged Commit is for another epoch").into());
        }
        let StagedEpoch {
            context,
            tree,
            private_changes,
            own_leaf_key,
            secrets,
            interim,
            confirmation_tag,
            info,
            new_signer,
            ..
        } = staged;

        // Keep the old epoch's message secrets for late messages (G-12, G-15).
        if self.config.max_past_epochs > 0 && self.active {
            let signature_keys = self
                .tree
                .members()
                .map(|(l, n)| (l.get(), n.signature_key.as_slice().to_vec()))
                .collect();
            self.past.push_back(PastEpoch {
                epoch: self.context.epoch,
                context: self.context.clone(),
                sender_data_secret: self.epoch.sender_data_secret.clone(),
                membership_key: self.epoch.membership_key.clone(),
                resumption_psk: self.epoch.resumption_psk.clone(),
                secret_tree: self.epoch.secret_tree.clone(),
                signature_keys,
            });
        }
        while self.past.len() > self.config.max_past_epochs {
            self.past.pop_front();
        }

        match tree {
            TreeUpdate::Changes(changes) => self.tree.merge(changes),
            TreeUpdate::Full(tree) => self.tree = *tree,
        }
        self.private.apply(private_changes);
        if let Some(key) = own_leaf_key {
            let own = self.private.leaf().node();
            self.private.insert(own, key);
        }
        self.private.prune(&self.tree);
        let leaf_count = self.tree.leaf_count();
        let secrets = match secrets {
            Some(secrets) => secrets,
            // GUIDANCE G-11 (RFC 9420 §12.4.2): removed means wipe. The
            // current epoch's secrets must not outlive the merge: the group
            // keeps throwaway random ones in their place, so the merged (and
            // stored) state keeps its shape and holds none of the old ones.
            None => {
                let cs = self.cs.as_ref();
                mls_keyschedule::EpochSecret::random(cs)?.derive_secrets(cs)?
            }
        };
        self.epoch = EpochState::new(secrets, leaf_count, self.config.secret_tree)?;
        self.context = context;
        self.interim = interim;
        self.confirmation_tag = confirmation_tag;
        self.proposals = ProposalCache::default();
        self.pending = None;
        // G-54: our own Commit rotated the signature key; sign with the new
        // one from this epoch on.
        if let Some(signer) = new_signer {
            self.signer = signer;
        }
        // RFC 9420 §11.2: a merged ReInit shuts the group down.
        self.reinit = info.reinit().cloned();
        if info.removes_us {
            // RFC 9420 §12.4.2: we can no longer send; drop what we can
            // (GUIDANCE G-11: the epoch secrets were replaced by throwaway
            // ones when staged; the tree's private keys go here, the leaf
            // key replaced by a throwaway one so the state keeps its shape).
            self.active = false;
            self.past.clear();
            let throwaway = self.cs.hpke_generate_key_pair()?.private_key;
            self.private = mls_treekem::TreePrivateKeys::new(self.private.leaf(), throwaway);
        }
        span.record("members", self.member_count());
        Ok(())
    }

    /// Merge our pending Commit once the delivery service accepted it
    /// (RFC 9420 §14).
    pub fn merge_pending_commit(&mut self) -> Result<()> {
        let pending = self
            .pending
            .as_ref()
            .ok_or(Misuse::StaleCommit("no pending Commit"))?;
        let staged = pending.staged.clone();
        self.merge_epoch(staged)
    }

    /// Discard our pending Commit (the delivery service rejected it, or
    /// another Commit won). The group is exactly as before the Commit was
    /// created (V-14-01).
    pub fn clear_pending_commit(&mut self) {
        self.pending = None;
    }

    /// What the pending Commit does, if there is one.
    pub fn pending_commit(&self) -> Option<&super::CommitInfo> {
        self.pending.as_ref().map(|p| &p.staged.info)
    }
}
