//! Resumption: reinitializing a group into a successor (RFC 9420 §11.2,
//! §12.1.5) and branching a subgroup off it (§11.3), both linked to the
//! old group by a resumption PSK (§8.6).
//!
//! | step | call | RFC 9420 |
//! |---|---|---|
//! | propose a ReInit | [`crate::Proposer::reinit`] or [`crate::CommitBuilder::reinit`] (the Commit holds nothing else, V-12.2-14) | §12.1.5 |
//! | the ReInit Commit is merged: the old group sends and accepts nothing more | [`Group::pending_reinit`], [`crate::CommitInfo::reinit`] | §11.2 |
//! | any member creates the successor (epoch 1, PSK `reinit` of the old group's last epoch, the other members added by KeyPackages of their identities) | [`Group::reinit_successor`] | §11.2 |
//! | the others join it from its Welcome | [`Group::join_reinit_successor`] | §11.2, §12.4.3.1 |
//! | a member branches a subgroup (epoch 1, PSK `branch` of the parent's epoch) | [`Group::branch`] | §11.3 |
//! | the chosen members join it | [`Group::join_branch`] | §11.3, §12.4.3.1 |
//!
//! The new group's creator and its joiners run the same checks on the new
//! group ([`reinit::check_successor`], [`branch::check_branch`]): the
//! resumption PSK is there, of the right usage, group and epoch; the new
//! group is at epoch 1 with the parameters the ReInit named (or the
//! parent's, for a branch); its members are those of the old group.

pub(crate) mod branch;
pub(crate) mod reinit;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::sync::Arc;

use mls_codec::{
    Credential, Extension, KeyPackage, MlsMessage, PreSharedKeyId, Psk, ResumptionPskUsage, VLBytes,
};
use mls_crypto::{CipherSuiteProvider, Signer};
use mls_keyschedule::PskStore;

use crate::commit::CommitOutput;
use crate::group::Group;
use crate::key_package::KeyPackageBuilder;
use crate::{CreateOptions, GroupConfig, GroupError, Rejection, Result, ResumptionError};

/// How the new group of a reinit or a branch is made.
#[derive(Clone, Debug, Default)]
pub struct ResumptionOptions {
    /// The new group's configuration.
    pub config: GroupConfig,
    /// How our leaf in the new group is made (capabilities, lifetime, leaf
    /// extensions).
    pub leaf: KeyPackageBuilder,
    /// Give the first Commit an UpdatePath (it needs none: it only adds
    /// members and injects the PSK).
    pub force_path: bool,
}

/// What the creator of a successor or branch group hands to its members.
#[derive(Clone, Debug)]
pub struct ResumptionOutput {
    /// The Welcome for the other members (none when the new group has only
    /// us).
    pub welcome: Option<MlsMessage>,
    /// The ratchet tree, when it is not in the Welcome's GroupInfo
    /// (`ratchet_tree_extension = false` in the new group's configuration).
    pub ratchet_tree: Option<mls_codec::RatchetTree>,
    /// The signed GroupInfo of epoch 1.
    pub group_info: MlsMessage,
}

impl From<CommitOutput> for ResumptionOutput {
    fn from(out: CommitOutput) -> Self {
        ResumptionOutput {
            welcome: out.welcome,
            ratchet_tree: out.ratchet_tree,
            group_info: out.group_info,
        }
    }
}

/// The parameters of a new group linked to an old one by a resumption PSK.
pub(crate) struct Restart<'a> {
    /// The new group's suite.
    pub cs: Arc<dyn CipherSuiteProvider>,
    /// Our signature key in it (an HSM key works: G-42).
    pub signer: Arc<dyn Signer>,
    /// Our credential (the identity we have in the old group).
    pub credential: Credential,
    /// The new group id.
    pub group_id: Vec<u8>,
    /// The new GroupContext extensions.
    pub extensions: Vec<Extension>,
    /// The other members' KeyPackages.
    pub key_packages: Vec<KeyPackage>,
    /// The resumption PSK to inject, and its usage.
    pub psk: PreSharedKeyId,
    /// Where the PSK's secret is found (the old group's resumption PSKs).
    pub psk_store: &'a dyn PskStore,
}

/// The resumption PSK id `usage` of `group_id` at `epoch`, with a fresh
/// nonce of `KDF.Nh` bytes of the new group's suite (RFC 9420 §11.3: "to
/// avoid key reuse").
pub(crate) fn resumption_psk_id(
    cs: &dyn CipherSuiteProvider,
    usage: ResumptionPskUsage,
    group_id: &[u8],
    epoch: u64,
) -> Result<PreSharedKeyId> {
    Ok(PreSharedKeyId {
        psk: Psk::Resumption {
            usage,
            psk_group_id: VLBytes::new(group_id.to_vec()),
            psk_epoch: epoch,
        },
        psk_nonce: VLBytes::new(cs.random_bytes(cs.cipher_suite().hash_len())?),
    })
}

/// Create the new group (epoch 0, us alone) and its first Commit: every
/// KeyPackage added and the resumption PSK injected, merged at once (RFC
/// 9420 §11.2 step 3, §11.3 step 2). Nothing outside the new group changes.
pub(crate) fn create_restarted(
    restart: Restart<'_>,
    options: ResumptionOptions,
) -> Result<(Group, CommitOutput)> {
    let usage = match &restart.psk.psk {
        Psk::Resumption { usage, .. } => *usage,
        Psk::External { .. } => {
            return Err(GroupError::Rejected(Rejection::Resumption(
                ResumptionError::PskMissing("reinit or branch"),
            )));
        }
    };
    let mut group = Group::create(
        restart.cs,
        restart.credential,
        restart.signer,
        options.config,
        CreateOptions {
            group_id: Some(restart.group_id),
            extensions: restart.extensions,
            leaf: options.leaf,
        },
    )?;
    let mut commit = crate::commit::CommitOptions {
        include_pending: false,
        force_path: options.force_path,
        restart_usage: Some(usage),
        ..crate::commit::CommitOptions::default()
    };
    commit.proposals = restart
        .key_packages
        .into_iter()
        .map(|key_package| mls_codec::Proposal::from(mls_codec::Add { key_package }))
        .collect();
    commit
        .proposals
        .push(mls_codec::Proposal::from(mls_codec::PreSharedKeyProposal {
            psk: restart.psk,
        }));
    let out = group.create_commit(commit, restart.psk_store)?;
    group.merge_pending_commit()?;
    Ok((group, out))
}

/// The one resumption PSK of `usage` among `psks` (RFC 9420 §11.2, §11.3;
/// the Welcome holds at most one such PSK, V-12.4.3.1-05): its group id and
/// epoch.
pub(crate) fn find_resumption_psk<'a>(
    psks: &'a [PreSharedKeyId],
    usage: ResumptionPskUsage,
    name: &'static str,
) -> Result<(&'a [u8], u64)> {
    psks.iter()
        .find_map(|id| match &id.psk {
            Psk::Resumption {
                usage: u,
                psk_group_id,
                psk_epoch,
            } if *u == usage => Some((psk_group_id.as_slice(), *psk_epoch)),
            _ => None,
        })
        .ok_or(GroupError::Rejected(Rejection::Resumption(
            ResumptionError::PskMissing(name),
        )))
}

/// The identities of a group's members as its credential validator
/// presents them (RFC 9420 §11.3: "identifiers ... considered equivalent
/// by the application"); a credential without one stands for itself.
pub(crate) fn member_identities(group: &Group) -> Result<BTreeSet<Vec<u8>>> {
    let validator = &group.config.credential_validator;
    group
        .members()
        .iter()
        .map(|m| match validator.identity(&m.credential) {
            Some(id) => Ok(id),
            None => Ok(mls_codec::encode(&m.credential)?),
        })
        .collect()
}

/// RFC 9420 §11.3 (V-11.3-04), §11.2 (V-11.2-05): every member of `new`
/// has the identity of a member of `old`; with `all`, every member of
/// `old` is in `new` too (a reinit keeps the whole membership).
pub(crate) fn check_membership(old: &Group, new: &Group, all: bool) -> Result<()> {
    let before = member_identities(old)?;
    let after = member_identities(new)?;
    if !after.is_subset(&before) {
        return Err(GroupError::Rejected(Rejection::Resumption(
            ResumptionError::MembershipMismatch(
                "a member of the new group is not a member of the old group",
            ),
        )));
    }
    if all && after.len() != before.len() {
        return Err(GroupError::Rejected(Rejection::Resumption(
            ResumptionError::MembershipMismatch(
                "a member of the old group is missing from the new group",
            ),
        )));
    }
    Ok(())
}

impl Group {
    /// Join a group resumed from this one (its ReInit successor or a
    /// branch, RFC 9420 §11.2, §11.3) with every check of [`Group::join`],
    /// the resumption PSKs resolved from this group; also returns the PSK
    /// ids, for the caller's §11.2/§11.3 checks.
    pub(crate) fn join_resumed<L>(
        &self,
        provider: &dyn mls_crypto::CryptoProvider,
        welcome: &mls_codec::MlsMessage,
        key_packages: &L,
        config: GroupConfig,
        options: crate::JoinOptions,
    ) -> Result<(
        Group,
        crate::key_package::KeyPackageRef,
        Vec<mls_codec::PreSharedKeyId>,
    )>
    where
        L: crate::welcome::KeyPackageLookup<Entry = crate::key_package::KeyPackageBundle> + ?Sized,
    {
        let empty = mls_keyschedule::InMemoryPskStore::new();
        let store = crate::group::psk::GroupPskStore::new(self, &empty);
        Group::join_listing_psks(provider, welcome, key_packages, &store, config, options)
    }
}
