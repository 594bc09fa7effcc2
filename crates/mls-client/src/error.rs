//! The client's error type, grouped by kind ([`ClientErrorKind`]): a caller
//! matches on the kind (retry after a conflict, surface a store failure,
//! drop a bad message), a reader finds every variant of one cause together.

use mls_codec::WireFormat;
use mls_crypto::CipherSuite;
use mls_group::GroupError;
use mls_group::storage::StoreError;

/// Why a client operation failed. On every error, nothing was persisted by
/// the failed operation and an open [`crate::ClientGroup`] is at the state
/// the store holds (see [`ClientError::Conflict`] for what that means after
/// a conflict).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    // ---- Configuration (ClientErrorKind::Config) ----------------------------
    /// The builder was not given an identity (credential and signer).
    #[error("client builder: no identity (credential and signer) given")]
    MissingIdentity,
    /// The builder was given no crypto provider and the `rustcrypto`
    /// feature (the default provider) is off.
    #[error("client builder: no crypto provider given (the `rustcrypto` feature is off)")]
    MissingProvider,
    /// The builder was given no store (only without a default one).
    #[error("client builder: no store given")]
    MissingStore,
    /// The crypto provider does not implement the suite.
    #[error("cipher suite {0:?} is not implemented by the crypto provider")]
    UnsupportedCipherSuite(CipherSuite),
    /// The identity's signer does not sign with the scheme of the suite
    /// (RFC 9420 §5.1: a suite fixes its signature scheme).
    #[error("the identity's signer does not use the signature scheme of {0:?} (RFC 9420 §5.1)")]
    SignerSuiteMismatch(CipherSuite),
    /// The identity's signer holds a private key that is malformed or whose
    /// public key is not the one the signer announces: everything it signed
    /// would be refused by every receiver.
    #[error("the identity's signer: its public key is not the one of its private key")]
    SignerKeyMismatch,
    /// The KeyPackage settings are inconsistent (the text says how).
    #[error("KeyPackage settings: {0}")]
    KeyPackageSettings(&'static str),
    /// The entropy pool (G-39) was asked for with a crypto provider of the
    /// application's: the client cannot route that provider's randomness
    /// through the pool. Use the default provider with the pool.
    #[error("the entropy pool needs the client's default provider (G-39)")]
    EntropyPoolProvider,

    // ---- The store (ClientErrorKind::Store) ---------------------------------
    /// The store failed (I/O, disk full, damaged data, another identity's
    /// store). Nothing of the failed write was applied (the store contract).
    #[error("client store: {0}")]
    Store(StoreError),

    /// The stored entropy pool (G-39) does not verify (damaged, truncated,
    /// of another suite) or cannot be made: the client is not opened, and
    /// the pool is never silently replaced by a fresh one.
    #[error("client entropy pool: {0}")]
    EntropyPool(mls_crypto::entropy_pool::EntropyPoolError),

    // ---- Concurrency (ClientErrorKind::Conflict) ----------------------------
    /// Another writer (a second handle, another process on the same file)
    /// advanced the group since this handle read it: the write was refused
    /// so that its update is not lost (G-03). The handle now holds the
    /// stored state (the newer one); redo the operation on it.
    #[error(
        "another writer advanced the group (stored epoch {stored_epoch:?}); \
         the handle was reloaded, redo the operation"
    )]
    Conflict {
        /// The epoch now stored.
        stored_epoch: Option<u64>,
    },
    /// A group with this id is already stored (create or join of an id in
    /// use; delete the old group first).
    #[error("a group with this id is already stored")]
    GroupExists,

    // ---- The input (ClientErrorKind::Input) ---------------------------------
    /// A message of another wire format than the operation takes.
    #[error("expected a {expected:?} message, got {actual:?}")]
    UnexpectedWireFormat {
        /// What the operation takes.
        expected: WireFormat,
        /// What was given.
        actual: WireFormat,
    },
    /// The Welcome names none of the KeyPackages in the store: it is for
    /// someone else, or the KeyPackage was already used (RFC 9420
    /// §12.4.3.1, V-12.4.3.1-23: a single-use KeyPackage is deleted on use).
    #[error("the Welcome is for none of our stored KeyPackages (RFC 9420 §12.4.3.1)")]
    NoMatchingKeyPackage,
    /// A GroupInfo given to [`crate::ClientGroup::resync`] is not one this
    /// group can be rejoined from (the text says why: another group, or an
    /// epoch older than the one held, whose rejoin would roll it back).
    #[error("resync: {0}")]
    ResyncGroupInfo(&'static str),

    // ---- The protocol (ClientErrorKind::Protocol) ---------------------------
    /// The group engine refused the operation or the message (the rule is
    /// in the [`GroupError`]).
    #[error(transparent)]
    Group(GroupError),

    // ---- The handle (ClientErrorKind::Handle) -------------------------------
    /// A write failed and the handle could not be brought back to the
    /// stored state either (the store cannot be read): it refuses every
    /// operation until [`crate::ClientGroup::reload`] succeeds, so that
    /// nothing runs on a state the store does not hold.
    #[error("the group handle is stale after a failed write; reload it")]
    Stale,
}

/// The kind of a [`ClientError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClientErrorKind {
    /// The builder's configuration.
    Config,
    /// The store failed; nothing was written.
    Store,
    /// Another writer came first; reload and redo.
    Conflict,
    /// The input given (wrong message, no matching KeyPackage).
    Input,
    /// The group engine refused (the rule is in the [`GroupError`]).
    Protocol,
    /// The handle must be reloaded.
    Handle,
}

impl ClientError {
    /// The kind of the error.
    pub fn kind(&self) -> ClientErrorKind {
        match self {
            ClientError::MissingIdentity
            | ClientError::MissingProvider
            | ClientError::MissingStore
            | ClientError::UnsupportedCipherSuite(_)
            | ClientError::SignerSuiteMismatch(_)
            | ClientError::SignerKeyMismatch
            | ClientError::KeyPackageSettings(_)
            | ClientError::EntropyPoolProvider => ClientErrorKind::Config,
            ClientError::Store(_) | ClientError::EntropyPool(_) => ClientErrorKind::Store,
            ClientError::Conflict { .. } | ClientError::GroupExists => ClientErrorKind::Conflict,
            ClientError::UnexpectedWireFormat { .. }
            | ClientError::NoMatchingKeyPackage
            | ClientError::ResyncGroupInfo(_) => ClientErrorKind::Input,
            ClientError::Group(_) => ClientErrorKind::Protocol,
            ClientError::Stale => ClientErrorKind::Handle,
        }
    }

    /// The rule (RFC 9420 check id or GUIDANCE id) the error stands for,
    /// when it is one of the client's own (a [`GroupError`] names its own).
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            ClientError::SignerSuiteMismatch(_) => Some("RFC 9420 §5.1"),
            ClientError::Conflict { .. } | ClientError::Stale => Some("G-03"),
            ClientError::NoMatchingKeyPackage => Some("V-12.4.3.1-23"),
            ClientError::EntropyPool(_) | ClientError::EntropyPoolProvider => Some("G-39"),
            _ => None,
        }
    }

    /// A store error of a write whose cursor was at `expected_new`
    /// (`true`: the group was not stored yet).
    pub(crate) fn from_store(error: StoreError, creating: bool) -> Self {
        match error {
            StoreError::Conflict { .. } if creating => ClientError::GroupExists,
            StoreError::Conflict { stored_epoch, .. } => ClientError::Conflict { stored_epoch },
            other => ClientError::Store(other),
        }
    }
}

impl From<GroupError> for ClientError {
    fn from(e: GroupError) -> Self {
        ClientError::Group(e)
    }
}

impl From<StoreError> for ClientError {
    fn from(e: StoreError) -> Self {
        ClientError::Store(e)
    }
}

impl From<mls_crypto::CryptoError> for ClientError {
    fn from(e: mls_crypto::CryptoError) -> Self {
        ClientError::Group(GroupError::from(e))
    }
}

impl From<mls_crypto::entropy_pool::EntropyPoolError> for ClientError {
    fn from(e: mls_crypto::entropy_pool::EntropyPoolError) -> Self {
        ClientError::EntropyPool(e)
    }
}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, ClientError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conflict_on_a_new_group_is_an_existing_group() {
        let conflict = StoreError::Conflict {
            stored: Some(3),
            stored_epoch: Some(2),
            expected: None,
        };
        assert!(matches!(
            ClientError::from_store(conflict.clone(), true),
            ClientError::GroupExists
        ));
        let e = ClientError::from_store(conflict, false);
        assert!(matches!(
            e,
            ClientError::Conflict {
                stored_epoch: Some(2)
            }
        ));
        assert_eq!(e.kind(), ClientErrorKind::Conflict);
        assert_eq!(e.rule(), Some("G-03"));
    }

    #[test]
    fn a_backend_failure_stays_a_store_error() {
        let e = ClientError::from_store(StoreError::Backend("disk full".into()), false);
        assert_eq!(e.kind(), ClientErrorKind::Store);
        assert!(e.to_string().contains("disk full"));
    }
}
