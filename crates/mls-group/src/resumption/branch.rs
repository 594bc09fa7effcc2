//! Branching a subgroup off a group (RFC 9420 §11.3): a member creates it
//! from KeyPackages of some members, the chosen members join from its
//! Welcome, both sides checking it with [`check_branch`].

use mls_codec::{Extension, KeyPackage, MlsMessage, PreSharedKeyId, ResumptionPskUsage};
use mls_crypto::{CryptoProvider, Signer};
use mls_keyschedule::InMemoryPskStore;
use std::sync::Arc;

use super::{
    Restart, ResumptionOptions, ResumptionOutput, check_membership, create_restarted,
    find_resumption_psk, resumption_psk_id,
};
use crate::group::Group;
use crate::group::psk::GroupPskStore;
use crate::key_package::{KeyPackageBundle, KeyPackageRef};
use crate::welcome::KeyPackageLookup;
use crate::{GroupConfig, JoinOptions, Result, ResumptionError};

/// RFC 9420 §11.3: the checks of a subgroup `new` branched from `parent`
/// with the PSKs `psks`, in the order of the RFC's list: a resumption PSK
/// of usage `branch` from the parent group (its epoch is resolved from the
/// parent's retained epochs when the group is made or joined); the new
/// group's version and cipher suite are the parent's (V-11.3-02); it is at
/// epoch 1 (V-11.3-03); each of its members has the identity of a member
/// of the parent (V-11.3-04). Run by the creator and by each joiner.
pub(crate) fn check_branch(parent: &Group, new: &Group, psks: &[PreSharedKeyId]) -> Result<()> {
    let (group_id, _epoch) = find_resumption_psk(psks, ResumptionPskUsage::Branch, "branch")?;
    if group_id != parent.group_id() {
        return Err(ResumptionError::PskMismatch("group").into());
    }
    let context = new.context();
    if context.version != parent.context().version {
        return Err(ResumptionError::ParameterMismatch("protocol version").into());
    }
    if context.cipher_suite != parent.context().cipher_suite {
        return Err(ResumptionError::ParameterMismatch("cipher suite").into());
    }
    if context.epoch != 1 {
        return Err(ResumptionError::EpochNotOne(context.epoch).into());
    }
    check_membership(parent, new, false)
}

impl Group {
    /// Branch a subgroup off this group (RFC 9420 §11.3): a new group with
    /// id `group_id` and GroupContext `extensions`, in this group's suite
    /// and version, whose first Commit adds the owners of `key_packages`
    /// (new KeyPackages of members of this group) and injects this group's
    /// resumption PSK of the current epoch with usage `branch` and a fresh
    /// nonce; it is merged at once (epoch 1). `signer` is our signature key
    /// in the subgroup (any [`Signer`], e.g. one in an HSM); our credential stays the one we have here.
    /// Hand [`ResumptionOutput::welcome`] to the chosen members, who call
    /// [`Group::join_branch`]. This group does not change.
    pub fn branch(
        &self,
        signer: Arc<dyn Signer>,
        group_id: Vec<u8>,
        extensions: Vec<Extension>,
        key_packages: Vec<KeyPackage>,
        options: ResumptionOptions,
    ) -> Result<(Group, ResumptionOutput)> {
        self.ensure_active()?;
        let psk = resumption_psk_id(
            self.cs.as_ref(),
            ResumptionPskUsage::Branch,
            self.group_id(),
            self.epoch(),
        )?;
        let empty = InMemoryPskStore::new();
        let store = GroupPskStore::new(self, &empty);
        let (new, out) = create_restarted(
            Restart {
                cs: self.cs.clone(),
                signer,
                credential: self.own_leaf_node()?.credential.clone(),
                group_id,
                extensions,
                key_packages,
                psk,
                psk_store: &store,
            },
            options,
        )?;
        check_branch(self, &new, &out.info.psks)?;
        Ok((new, out.into()))
    }

    /// Join a subgroup branched off this group from its Welcome (RFC 9420
    /// §11.3, §12.4.3.1) with the KeyPackage we gave its creator; the
    /// resumption PSK is this group's (current or a retained past epoch).
    /// Every check of [`Group::join`] applies, then those of §11.3: a
    /// `branch` PSK of this group, its version and suite, epoch 1, members
    /// of this group only. This group does not change.
    pub fn join_branch<L>(
        &self,
        provider: &dyn CryptoProvider,
        welcome: &MlsMessage,
        key_packages: &L,
        config: GroupConfig,
        options: JoinOptions,
    ) -> Result<(Group, KeyPackageRef)>
    where
        L: KeyPackageLookup<Entry = KeyPackageBundle> + ?Sized,
    {
        let (new, used, psks) =
            self.join_resumed(provider, welcome, key_packages, config, options)?;
        check_branch(self, &new, &psks)?;
        Ok((new, used))
    }
}
