//! [`Client`]: one identity, its crypto provider, default group
//! configuration and store, shared by every group handle it opens. Opening
//! a client reads no group: groups are loaded one at a time, when asked for
//! ([`Client::group`]).

use std::sync::Arc;

use mls_codec::Credential;
use mls_crypto::{CipherSuite, CryptoProvider, Signer};
use mls_group::storage::Store;
use mls_group::{CreateOptions, Group, GroupConfig, SaveCursor, SideEffects};
use tracing::debug;

use crate::error::Result;
use crate::handle::ClientGroup;
use crate::persist;
use crate::shared::Core;

/// An MLS client: one identity (credential and signer), a crypto provider,
/// a default [`GroupConfig`] and a store ([`Store`], bound to the
/// identity). Cheap to clone (the parts are shared).
///
/// - KeyPackages: [`Client::key_packages_to_publish`] (RFC 9420 §10, §16.8).
/// - Groups: [`Client::create_group`] (§11), [`Client::join`] from a Welcome
///   (§12.4.3.1), [`Client::join_external`] from a GroupInfo (§12.4.3.2),
///   [`Client::group`], [`Client::group_ids`], [`Client::delete_group`].
///
/// Every group comes as a [`ClientGroup`], which persists each transition
/// itself.
#[derive(Clone)]
pub struct Client {
    pub(crate) core: Arc<Core>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("credential", &self.core.credential)
            .field("cipher_suite", &self.core.cs.cipher_suite())
            .field("key_packages", &self.core.key_packages)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn from_core(core: Core) -> Self {
        Client {
            core: Arc::new(core),
        }
    }

    /// The client's credential.
    pub fn credential(&self) -> &Credential {
        &self.core.credential
    }

    /// The client's signer.
    pub fn signer(&self) -> &Arc<dyn Signer> {
        &self.core.signer
    }

    /// The cipher suite of what the client makes.
    pub fn cipher_suite(&self) -> CipherSuite {
        self.core.cs.cipher_suite()
    }

    /// The crypto provider.
    pub fn provider(&self) -> &Arc<dyn CryptoProvider> {
        &self.core.provider
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.core.store
    }

    /// The default configuration of new groups.
    pub fn group_config(&self) -> &GroupConfig {
        &self.core.config
    }

    /// Create a one-member group (RFC 9420 §11) with a random group id and
    /// store it.
    pub fn create_group(&self) -> Result<ClientGroup> {
        self.create_group_with(CreateOptions::default())
    }

    /// Create a group with `options` (group id, extensions, leaf
    /// capabilities) and store it: a group id already stored fails with
    /// [`crate::ClientError::GroupExists`].
    pub fn create_group_with(&self, options: CreateOptions) -> Result<ClientGroup> {
        let group = Group::create(
            self.core.cs.clone(),
            self.core.credential.clone(),
            self.core.signer.clone(),
            self.core.config.clone(),
            options,
        )?;
        self.store_new(group, SideEffects::default())
    }

    /// Store a group that is not stored yet (created or joined) with the
    /// side effects of its creation, as one write; only then is it handed out.
    pub(crate) fn store_new(&self, group: Group, effects: SideEffects) -> Result<ClientGroup> {
        let mut cursor = SaveCursor::new();
        persist::save(&self.core, &group, &mut cursor, effects)?;
        debug!(epoch = group.epoch(), "mls.client: group stored");
        Ok(ClientGroup::new(self.core.clone(), group, cursor))
    }

    /// Load the group `group_id` from the store (`None`: not stored). Only
    /// this group's records are read. Each call makes an independent
    /// handle; two handles of one group conflict on write
    /// ([`crate::ClientError::Conflict`]), as two processes would.
    pub fn group(&self, group_id: &[u8]) -> Result<Option<ClientGroup>> {
        Ok(persist::load(&self.core, group_id)?
            .map(|(group, cursor)| ClientGroup::new(self.core.clone(), group, cursor)))
    }

    /// The ids of every stored group (no group state is read).
    pub fn group_ids(&self) -> Result<Vec<Vec<u8>>> {
        Ok(self.core.store.group_ids()?)
    }

    /// Delete the group `group_id`: its state and every past epoch (G-06).
    pub fn delete_group(&self, group_id: &[u8]) -> Result<()> {
        Ok(self.core.store.delete_group(group_id)?)
    }
}

/// External PSKs (RFC 9420 §8.4), kept in the store (see `psk.rs`).
impl Client {
    /// Register (replace) the external PSK `psk_id` (RFC 9420 §8.4) in the
    /// store: the client's groups find it when a Commit or a Welcome uses it.
    pub fn register_external_psk(&self, psk_id: &[u8], secret: &[u8]) -> Result<()> {
        Ok(self.core.store.insert_psk(psk_id, secret)?)
    }

    /// Delete the external PSK `psk_id` from the store.
    pub fn delete_external_psk(&self, psk_id: &[u8]) -> Result<()> {
        Ok(self.core.store.delete_psk(psk_id)?)
    }
}
