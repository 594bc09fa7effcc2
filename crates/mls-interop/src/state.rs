//! What the server holds under an id: a member's group state, a pending
//! join (a KeyPackage waiting for its Welcome), each with its external PSKs,
//! or an external signer.

use std::sync::Arc;

use mls::codec::MlsMessage;
use mls::crypto::CipherSuiteProvider;
use mls::{
    Credential, CryptoProvider, Group, GroupConfig, InMemoryPskStore, KeyPackageBundle,
    LoadOptions, ProcessedMessage, SignatureKeyPair,
};

use crate::error::InteropError;

/// How many past epochs keep their secrets (late messages and resumption
/// PSKs named by the scenarios).
const PAST_EPOCHS: usize = 8;

/// One held object.
#[derive(Debug)]
pub enum Held {
    /// A group state (`state_id`).
    Group(Box<GroupState>),
    /// A pending join (`transaction_id`).
    Pending(Box<PendingJoin>),
    /// An external signer (`signer_id`, RFC 9420 §12.1.8.1).
    Signer(Box<ExternalSigner>),
    /// A reinitialized group waiting for its successor (`reinit_id`).
    ReInit(Box<PendingReInit>),
}

impl Held {
    /// The kind, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Held::Group(_) => "group state",
            Held::Pending(_) => "pending join",
            Held::Signer(_) => "external signer",
            Held::ReInit(_) => "pending reinit",
        }
    }
}

/// An external signer held by the server (`signer_id`): its suite, key
/// pair and credential.
#[derive(Clone)]
pub struct ExternalSigner {
    /// The suite it signs in.
    pub cs: Arc<dyn CipherSuiteProvider>,
    /// Its signature key pair.
    pub key: SignatureKeyPair,
    /// Its credential (basic, the identity of the request).
    pub credential: Credential,
}

impl std::fmt::Debug for ExternalSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalSigner")
            .field("cipher_suite", &self.cs.cipher_suite())
            .finish_non_exhaustive()
    }
}

/// A KeyPackage of ours waiting for a Welcome, with the PSKs stored for it.
#[derive(Debug)]
pub struct PendingJoin {
    /// The KeyPackage and its private keys.
    pub bundle: KeyPackageBundle,
    /// External PSKs (`StorePSK` on the transaction id).
    pub psks: InMemoryPskStore,
}

/// A group whose ReInit Commit we merged (RFC 9420 §11.2), with our
/// KeyPackage for its successor.
#[derive(Debug)]
pub struct PendingReInit {
    /// The old group (shut down; its resumption PSK links the successor).
    pub state: GroupState,
    /// Our KeyPackage in the successor's suite, and its private keys.
    pub bundle: KeyPackageBundle,
}

/// One member's state of one group.
#[derive(Debug)]
pub struct GroupState {
    /// The engine's group.
    pub group: Group,
    /// External PSKs (`StorePSK`).
    pub psks: InMemoryPskStore,
    /// The proposals we sent in this epoch, as returned to the runner: when
    /// they come back by reference they are already in our cache.
    pub own_proposals: Vec<Vec<u8>>,
}

/// The group configuration of the interop server: handshake encryption as
/// requested, the tree in the Welcome unless sent out of band.
pub fn config(encrypt_handshake: bool, tree_in_welcome: bool) -> GroupConfig {
    GroupConfig {
        encrypt_handshake,
        ratchet_tree_extension: tree_in_welcome,
        max_past_epochs: PAST_EPOCHS,
        ..GroupConfig::default()
    }
}

/// An engine error as the interop error carrying its text.
pub fn engine(e: impl std::fmt::Display) -> InteropError {
    InteropError::Engine(e.to_string())
}

/// Parse an MLSMessage from request bytes.
pub fn decode_message(what: &str, bytes: &[u8]) -> Result<MlsMessage, InteropError> {
    mls::decode_message(bytes)
        .map_err(|e| InteropError::InvalidArgument(format!("{what} is not an MLSMessage: {e}")))
}

/// Serialize an MLSMessage for a response.
pub fn encode_message(message: &MlsMessage) -> Result<Vec<u8>, InteropError> {
    mls::encode_message(message).map_err(engine)
}

impl GroupState {
    /// A fresh state around `group`.
    pub fn new(group: Group, psks: InMemoryPskStore) -> Self {
        GroupState {
            group,
            psks,
            own_proposals: Vec::new(),
        }
    }

    /// Run `f`; if it fails, put the group back exactly as it was (several
    /// engine calls, e.g. proposals then a Commit, are one RPC).
    pub fn atomically<R>(
        &mut self,
        provider: &dyn CryptoProvider,
        f: impl FnOnce(&mut GroupState) -> Result<R, InteropError>,
    ) -> Result<R, InteropError> {
        let snapshot = self.group.to_bytes().map_err(engine)?;
        let config = self.group.config().clone();
        let own = self.own_proposals.clone();
        match f(self) {
            Ok(r) => Ok(r),
            Err(e) => {
                let options = LoadOptions::default().with_runtime_of(&config);
                if let Ok(group) = Group::from_bytes_with_options(&snapshot, provider, options) {
                    self.group = group;
                }
                self.own_proposals = own;
                Err(e)
            }
        }
    }

    /// Remember a proposal we sent.
    pub fn sent_proposal(&mut self, message: &MlsMessage) -> Result<Vec<u8>, InteropError> {
        let bytes = encode_message(message)?;
        self.own_proposals.push(bytes.clone());
        Ok(bytes)
    }

    /// Take a proposal sent by reference into the cache (ours are there
    /// already).
    pub fn receive_proposal(&mut self, bytes: &[u8]) -> Result<(), InteropError> {
        if self.own_proposals.iter().any(|p| p == bytes) {
            return Ok(());
        }
        let message = decode_message("a proposal", bytes)?;
        match self
            .group
            .process_message_with_psks(&message, &self.psks)
            .map_err(engine)?
        {
            ProcessedMessage::Proposal(_) => Ok(()),
            _ => Err(InteropError::InvalidArgument(
                "a message given as a proposal is not a proposal".into(),
            )),
        }
    }

    /// Process a received Commit and merge it.
    pub fn receive_commit(&mut self, bytes: &[u8]) -> Result<(), InteropError> {
        let message = decode_message("the commit", bytes)?;
        match self
            .group
            .process_message_with_psks(&message, &self.psks)
            .map_err(engine)?
        {
            ProcessedMessage::Commit(staged) => {
                self.group.merge_staged_commit(staged).map_err(engine)?;
                self.own_proposals.clear();
                Ok(())
            }
            _ => Err(InteropError::InvalidArgument(
                "the commit is not a Commit".into(),
            )),
        }
    }

    /// The leaf of the member whose basic credential holds `identity`.
    pub fn leaf_of(&self, identity: &[u8]) -> Result<mls::LeafIndex, InteropError> {
        self.group
            .members()
            .into_iter()
            .find(|m| matches!(&m.credential, mls::Credential::Basic { identity: id } if id.as_slice() == identity))
            .map(|m| m.leaf_index)
            .ok_or_else(|| {
                InteropError::InvalidArgument(format!(
                    "no member has the identity {:?}",
                    String::from_utf8_lossy(identity)
                ))
            })
    }
}
