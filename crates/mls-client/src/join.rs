//! Joining: from a Welcome (RFC 9420 §12.4.3.1), with the KeyPackage the
//! client finds itself among its stored ones, and by external Commit from a
//! GroupInfo (§12.4.3.2).

use std::collections::HashSet;
use std::sync::atomic::Ordering;

use mls_codec::{MlsMessage, RatchetTree, WireFormat};
use mls_group::key_package::KeyPackageBundle;
use mls_group::{ExternalCommitOutput, Group, JoinOptions, SideEffects};
use tracing::info_span;

use crate::client::Client;
use crate::error::{ClientError, Result};
use crate::external;
use crate::handle::ClientGroup;
use crate::psk::StorePsks;

impl Client {
    /// Join from a Welcome message: the KeyPackage is the first stored one
    /// that the Welcome's `secrets` name by KeyPackageRef (§12.4.3.1); the
    /// group is stored and a single-use KeyPackage deleted in ONE write
    /// (V-12.4.3.1-23, G-03, G-06): after a crash either both happened or
    /// neither. A last-resort KeyPackage stays and is marked for rotation.
    pub fn join(&self, welcome: &MlsMessage) -> Result<ClientGroup> {
        self.join_with(welcome, None)
    }

    /// [`Client::join`] with the ratchet tree handed over out of band, for
    /// a Welcome whose GroupInfo has no `ratchet_tree` extension (§12.4.3.3).
    pub fn join_with_ratchet_tree(
        &self,
        welcome: &MlsMessage,
        ratchet_tree: RatchetTree,
    ) -> Result<ClientGroup> {
        self.join_with(welcome, Some(ratchet_tree))
    }

    fn join_with(
        &self,
        message: &MlsMessage,
        ratchet_tree: Option<RatchetTree>,
    ) -> Result<ClientGroup> {
        let _span = info_span!("mls.client.join").entered();
        let welcome = message
            .as_welcome()
            .ok_or(ClientError::UnexpectedWireFormat {
                expected: WireFormat::WELCOME,
                actual: message.wire_format(),
            })?;
        // One read of our references, then a set lookup per entry: a
        // Welcome with many entries costs no store read per entry.
        let ours: HashSet<Vec<u8>> = self
            .core
            .store
            .key_package_refs()?
            .into_iter()
            .map(|(reference, _, _)| reference)
            .collect();
        let reference = welcome
            .secrets
            .iter()
            .map(|s| s.new_member.as_slice())
            .find(|r| ours.contains(*r))
            .ok_or(ClientError::NoMatchingKeyPackage)?;
        let record = self
            .core
            .store
            .key_package(reference)?
            .ok_or(ClientError::NoMatchingKeyPackage)?;
        let bundle = KeyPackageBundle::from_bytes(self.core.provider.as_ref(), &record.bundle)?;
        let options = JoinOptions {
            ratchet_tree,
            signer: Some(self.core.signer.clone()),
        };
        let (group, used) = Group::join_with_psks(
            self.core.provider.as_ref(),
            message,
            &bundle,
            &StorePsks(self.core.store.as_ref()),
            self.core.config.clone(),
            options,
        )?;
        // G-39: the joined epoch's value enters the pool before the join's
        // write, which stores both.
        if let Some(pool) = &self.core.pool {
            pool.absorb(&group)?;
        }
        let last_resort = bundle.is_last_resort();
        let effects = SideEffects {
            consumed_key_packages: if last_resort {
                Vec::new()
            } else {
                vec![used.as_bytes().to_vec()]
            },
            ..SideEffects::default()
        };
        let handle = self.store_new(group, effects)?;
        if last_resort {
            self.core.last_resort_used.store(true, Ordering::SeqCst);
        }
        Ok(handle)
    }

    /// Join by external Commit (RFC 9420 §12.4.3.2) from a GroupInfo
    /// message with an `external_pub` extension (and the tree, in its
    /// `ratchet_tree` extension or as `ratchet_tree`). The joined group,
    /// already in the new epoch, is stored before the Commit is returned
    /// (G-05); send `commit` to the group. If the Delivery Service refuses
    /// it, delete the group ([`Client::delete_group`]) and join again. A
    /// group the client still holds (its state lost or forked) is rejoined
    /// with [`ClientGroup::resync`], which also removes the old leaf; here
    /// it is [`ClientError::GroupExists`].
    pub fn join_external(
        &self,
        group_info: &MlsMessage,
        ratchet_tree: Option<RatchetTree>,
    ) -> Result<(ClientGroup, ExternalCommitOutput)> {
        let _span = info_span!("mls.client.join_external").entered();
        let (group, output) =
            external::external_commit_builder(&self.core, group_info, ratchet_tree)?.build()?;
        let handle = self.store_new(group, SideEffects::default())?;
        Ok((handle, output))
    }
}
