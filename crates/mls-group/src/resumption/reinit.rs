//! The successor of a reinitialized group (RFC 9420 §11.2): created by any
//! member once the ReInit Commit is merged, joined by the others from its
//! Welcome, both sides checking it with [`check_successor`].

use std::sync::Arc;

use mls_codec::{KeyPackage, MlsMessage, PreSharedKeyId, ReInit, ResumptionPskUsage};
use mls_crypto::{CipherSuiteProvider, CryptoProvider, Signer};
use mls_keyschedule::InMemoryPskStore;

use super::{
    Restart, ResumptionOptions, ResumptionOutput, check_membership, create_restarted,
    find_resumption_psk, resumption_psk_id,
};
use crate::group::Group;
use crate::group::psk::GroupPskStore;
use crate::key_package::{KeyPackageBundle, KeyPackageRef};
use crate::welcome::KeyPackageLookup;
use crate::{GroupConfig, JoinOptions, Misuse, Result, ResumptionError};

/// RFC 9420 §11.2: the checks of a successor group `new` of `old`, whose
/// last Commit held `reinit`, made with the PSKs `psks`, in the order of
/// the RFC's list: the resumption PSK of usage `reinit` names the old group
/// and its epoch after the ReInit Commit (V-11.2-06, V-12.4.1-07); the new
/// group is at epoch 1 (V-11.2-02) with the version, cipher suite, group id
/// and extensions of the ReInit (V-11.2-03); its members are the old
/// group's (V-11.2-05). Run by the creator on the group it made and by each
/// joiner on the group it joined.
pub(crate) fn check_successor(
    old: &Group,
    reinit: &ReInit,
    new: &Group,
    psks: &[PreSharedKeyId],
) -> Result<()> {
    let (group_id, epoch) = find_resumption_psk(psks, ResumptionPskUsage::Reinit, "reinit")?;
    if group_id != old.group_id() {
        return Err(ResumptionError::PskMismatch("group").into());
    }
    if epoch != old.epoch() {
        return Err(ResumptionError::PskMismatch("epoch").into());
    }
    let context = new.context();
    if context.epoch != 1 {
        return Err(ResumptionError::EpochNotOne(context.epoch).into());
    }
    if context.version != reinit.version {
        return Err(ResumptionError::ParameterMismatch("protocol version").into());
    }
    if context.cipher_suite != reinit.cipher_suite {
        return Err(ResumptionError::ParameterMismatch("cipher suite").into());
    }
    if context.group_id != reinit.group_id {
        return Err(ResumptionError::ParameterMismatch("group id").into());
    }
    if context.extensions != reinit.extensions {
        return Err(ResumptionError::ParameterMismatch("extensions").into());
    }
    check_membership(old, new, true)
}

impl Group {
    /// Create the successor of this reinitialized group (RFC 9420 §11.2
    /// step 3): a group with the id, version, cipher suite and extensions
    /// of [`Group::pending_reinit`], whose first Commit adds the owners of
    /// `key_packages` (one per other member, of the same identity, in the
    /// new suite) and injects the resumption PSK of usage `reinit` of this
    /// group's last epoch; it is merged at once (epoch 1). `cs` is the new
    /// suite's provider and `signer` our signature key in it (any
    /// [`Signer`], e.g. one in an HSM); our
    /// credential stays the one we have here. Hand
    /// [`ResumptionOutput::welcome`] to the other members, who call
    /// [`Group::join_reinit_successor`]. This group does not change.
    pub fn reinit_successor(
        &self,
        cs: Arc<dyn CipherSuiteProvider>,
        signer: Arc<dyn Signer>,
        key_packages: Vec<KeyPackage>,
        options: ResumptionOptions,
    ) -> Result<(Group, ResumptionOutput)> {
        let reinit = self
            .reinit
            .as_ref()
            .ok_or(ResumptionError::NoPendingReInit)?;
        if !self.active {
            return Err(Misuse::NotAMember.into());
        }
        if cs.cipher_suite().id() != reinit.cipher_suite.0 {
            return Err(ResumptionError::ParameterMismatch("cipher suite").into());
        }
        let psk = resumption_psk_id(
            cs.as_ref(),
            ResumptionPskUsage::Reinit,
            self.group_id(),
            self.epoch(),
        )?;
        let empty = InMemoryPskStore::new();
        let store = GroupPskStore::new(self, &empty);
        let (new, out) = create_restarted(
            Restart {
                cs,
                signer,
                credential: self.own_leaf_node()?.credential.clone(),
                group_id: reinit.group_id.as_slice().to_vec(),
                extensions: reinit.extensions.clone(),
                key_packages,
                psk,
                psk_store: &store,
            },
            options,
        )?;
        check_successor(self, reinit, &new, &out.info.psks)?;
        Ok((new, out.into()))
    }

    /// Join the successor of this reinitialized group from its Welcome
    /// (RFC 9420 §11.2, §12.4.3.1) with one of our KeyPackages in the new
    /// suite; the resumption PSK is this group's. Every check of
    /// [`Group::join`] applies, then those of §11.2: a `reinit` PSK of this
    /// group's last epoch, epoch 1, the ReInit's parameters, the same
    /// members. This group does not change.
    pub fn join_reinit_successor<L>(
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
        let reinit = self
            .reinit
            .as_ref()
            .ok_or(ResumptionError::NoPendingReInit)?;
        let (new, used, psks) =
            self.join_resumed(provider, welcome, key_packages, config, options)?;
        check_successor(self, reinit, &new, &psks)?;
        Ok((new, used))
    }
}
