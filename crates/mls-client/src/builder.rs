//! [`ClientBuilder`]: the shared, immutable part of a client, set once
//! (crypto provider, identity, default group configuration, store,
//! KeyPackage policy), then [`ClientBuilder::build`].

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use mls_codec::Credential;
use mls_crypto::{CipherSuite, CryptoProvider, Signer};
use mls_group::GroupConfig;
use mls_group::storage::{InMemoryStore, Store};

use crate::client::Client;
use crate::entropy::ClientPool;
use crate::error::{ClientError, Result};
use crate::settings::KeyPackageSettings;
use crate::shared::Core;

/// The suite a client uses unless told otherwise: X25519, AES-128-GCM,
/// SHA-256, Ed25519 (RFC 9420 §17.1, the mandatory-to-implement suite).
pub const DEFAULT_CIPHER_SUITE: CipherSuite = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;

/// Builds a [`Client`] ([`Client::builder`]).
///
/// Required: the identity. Defaults: the RustCrypto provider (feature
/// `rustcrypto`, on by default), [`DEFAULT_CIPHER_SUITE`],
/// [`default_group_config`] (handshakes as PrivateMessage, GUIDANCE G-52),
/// an [`InMemoryStore`], [`KeyPackageSettings::default`].
#[must_use = "a ClientBuilder does nothing until build()"]
#[derive(Default)]
pub struct ClientBuilder {
    identity: Option<(Credential, Arc<dyn Signer>)>,
    provider: Option<Arc<dyn CryptoProvider>>,
    suite: Option<CipherSuite>,
    config: Option<GroupConfig>,
    store: Option<Arc<dyn Store>>,
    key_packages: KeyPackageSettings,
    /// The entropy pool is on; its fresh input comes from this provider's
    /// generator (the operating system's by default).
    entropy_pool: Option<Arc<dyn CryptoProvider>>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("identity", &self.identity.as_ref().map(|(c, _)| c))
            .field("provider", &self.provider.is_some())
            .field("suite", &self.suite)
            .field("store", &self.store.is_some())
            .field("key_packages", &self.key_packages)
            .field("entropy_pool", &self.entropy_pool.is_some())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Start building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}

impl ClientBuilder {
    /// The client's identity: its credential (RFC 9420 §5.3) and the
    /// signature key of every leaf and KeyPackage it makes (in memory, e.g.
    /// a [`mls_crypto::SignatureKeyPair`], or in an HSM; GUIDANCE G-42).
    pub fn identity(mut self, credential: Credential, signer: Arc<dyn Signer>) -> Self {
        self.identity = Some((credential, signer));
        self
    }

    /// The crypto provider (default: the RustCrypto provider).
    pub fn crypto(mut self, provider: impl CryptoProvider + 'static) -> Self {
        self.provider = Some(Arc::new(provider));
        self
    }

    /// The crypto provider, shared with the application.
    pub fn shared_crypto(mut self, provider: Arc<dyn CryptoProvider>) -> Self {
        self.provider = Some(provider);
        self
    }

    /// The cipher suite of the KeyPackages and groups the client makes
    /// (default [`DEFAULT_CIPHER_SUITE`]); the signer must use its scheme.
    pub fn cipher_suite(mut self, suite: CipherSuite) -> Self {
        self.suite = Some(suite);
        self
    }

    /// The configuration of the groups the client creates or joins; loaded
    /// groups keep the settings they were saved with and take the clock,
    /// credential validator and proposal policy from here. Default:
    /// [`default_group_config`]. A configuration given here is taken as it
    /// is: start from [`default_group_config`] to keep encrypted handshakes
    /// (`GroupConfig::default()` is the engine's, with PublicMessage).
    pub fn group_config(mut self, config: GroupConfig) -> Self {
        self.config = Some(config);
        self
    }

    /// The store (default: an [`InMemoryStore`]).
    pub fn store(mut self, store: impl Store + 'static) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// The store, shared with the application (e.g. to inspect it).
    pub fn shared_store(mut self, store: Arc<dyn Store>) -> Self {
        self.store = Some(store);
        self
    }

    /// The KeyPackage policy.
    pub fn key_packages(mut self, settings: KeyPackageSettings) -> Self {
        self.key_packages = settings;
        self
    }

    /// Turn on the entropy pool (GUIDANCE G-39, `docs/entropy-pool.md`):
    /// every random byte of the client's provider is drawn through one
    /// pool that mixes fresh operating-system input into a persistent
    /// secret, absorbs each group's per-member value on every join and
    /// received Commit, and is stored in the client's store (the
    /// client-level record [`crate::POOL_RECORD`]) in the same write as the
    /// group state its draws produced. Works with the default (RustCrypto)
    /// provider only: with [`ClientBuilder::crypto`] it is
    /// [`ClientError::EntropyPoolProvider`]. A stored pool that does not
    /// verify makes [`ClientBuilder::build`] fail with
    /// [`ClientError::EntropyPool`].
    #[cfg(feature = "rustcrypto")]
    pub fn entropy_pool(self) -> Self {
        self.entropy_pool_fresh_from(Arc::new(mls_crypto_rustcrypto::RustCryptoProvider::new()))
    }

    /// [`ClientBuilder::entropy_pool`] with the fresh input of every draw
    /// taken from `fresh`'s generator instead of the operating system's
    /// (tests: a broken generator; it must never draw from the pool itself).
    #[cfg(feature = "rustcrypto")]
    pub fn entropy_pool_fresh_from(mut self, fresh: Arc<dyn CryptoProvider>) -> Self {
        self.entropy_pool = Some(fresh);
        self
    }

    /// Check the configuration and bind the store to the identity
    /// ([`Store::bind_identity`]: a store of another identity fails with
    /// [`mls_group::storage::StoreError::WrongIdentity`]). Reads no group.
    pub fn build(self) -> Result<Client> {
        let (credential, signer) = self.identity.ok_or(ClientError::MissingIdentity)?;
        self.key_packages.check()?;
        if self.entropy_pool.is_some() && self.provider.is_some() {
            return Err(ClientError::EntropyPoolProvider);
        }
        let suite = self.suite.unwrap_or(DEFAULT_CIPHER_SUITE);
        if signer.signature_scheme() != suite.signature() {
            return Err(ClientError::SignerSuiteMismatch(suite));
        }
        // The key pair once here, before the store is bound to it, not for
        // every KeyPackage the client makes (any provider of the suite
        // derives the same public key).
        let check_provider = match &self.provider {
            Some(p) => p.clone(),
            None => default_provider()?,
        };
        let check_cs = check_provider
            .cipher_suite_provider(suite)
            .ok_or(ClientError::UnsupportedCipherSuite(suite))?;
        mls_group::key_package::check_signer(check_cs.as_ref(), signer.as_ref())
            .map_err(|_| ClientError::SignerKeyMismatch)?;
        let store = self.store.unwrap_or_else(|| Arc::new(InMemoryStore::new()));
        store.bind_identity(&identity_bytes(&credential, signer.as_ref())?)?;
        // The pool is read (or made) only once the store is known to be
        // this identity's.
        let pool = match &self.entropy_pool {
            Some(fresh) => Some(ClientPool::open(store.as_ref(), fresh.as_ref(), suite)?),
            None => None,
        };
        let provider = match (self.provider, &pool) {
            (Some(p), _) => p,
            (None, Some(pool)) => pooled_provider(pool)?,
            (None, None) => default_provider()?,
        };
        let cs = provider
            .cipher_suite_provider(suite)
            .ok_or(ClientError::UnsupportedCipherSuite(suite))?;
        Ok(Client::from_core(Core {
            provider,
            cs,
            credential,
            signer,
            store,
            config: self.config.unwrap_or_else(default_group_config),
            key_packages: self.key_packages,
            last_resort_used: AtomicBool::new(false),
            pool,
        }))
    }
}

/// The group configuration of a client that is given none: the engine's
/// [`GroupConfig::default`] but with Proposals and Commits sent as
/// PrivateMessage (`encrypt_handshake`; GUIDANCE G-52, RFC 9420 §6: a
/// PublicMessage handshake shows the Delivery Service who adds or removes
/// whom). Received PublicMessage handshakes stay accepted
/// (`require_encrypted_handshake` false): an external join's Commit is
/// always one (RFC 9420 §12.4.3.2). PublicMessage only by explicit
/// configuration ([`ClientBuilder::group_config`]). The engine's own default
/// stays PublicMessage, for the test vectors and the interop client.
pub fn default_group_config() -> GroupConfig {
    GroupConfig {
        encrypt_handshake: true,
        ..GroupConfig::default()
    }
}

/// A fresh in-memory signature key for `suite` from the default provider,
/// for an identity ([`ClientBuilder::identity`]). The application keeps it
/// (e.g. in the platform's keychain): a restarted client must be given the
/// same key, since its groups and its store are bound to it.
#[cfg(feature = "rustcrypto")]
pub fn generate_signer(suite: CipherSuite) -> Result<Arc<mls_crypto::SignatureKeyPair>> {
    let cs = default_provider()?
        .cipher_suite_provider(suite)
        .ok_or(ClientError::UnsupportedCipherSuite(suite))?;
    Ok(Arc::new(cs.signature_generate_key_pair()?))
}

#[cfg(feature = "rustcrypto")]
fn default_provider() -> Result<Arc<dyn CryptoProvider>> {
    Ok(Arc::new(mls_crypto_rustcrypto::RustCryptoProvider::new()))
}

/// The default provider drawing every random byte through the pool.
#[cfg(feature = "rustcrypto")]
fn pooled_provider(pool: &ClientPool) -> Result<Arc<dyn CryptoProvider>> {
    Ok(Arc::new(
        mls_crypto_rustcrypto::RustCryptoProvider::with_random_source(pool.pool.clone()),
    ))
}

#[cfg(not(feature = "rustcrypto"))]
fn pooled_provider(_pool: &ClientPool) -> Result<Arc<dyn CryptoProvider>> {
    Err(ClientError::EntropyPoolProvider)
}

#[cfg(not(feature = "rustcrypto"))]
fn default_provider() -> Result<Arc<dyn CryptoProvider>> {
    Err(ClientError::MissingProvider)
}

/// What the store is bound to: the encoded credential, then the signature
/// public key (the credential's encoding delimits itself). Another
/// credential or another key is another identity.
pub(crate) fn identity_bytes(credential: &Credential, signer: &dyn Signer) -> Result<Vec<u8>> {
    let mut bytes = mls_codec::encode(credential).map_err(mls_group::GroupError::from)?;
    bytes.extend_from_slice(signer.public_key());
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mls_crypto_rustcrypto::RustCryptoProvider;

    fn signer(suite: CipherSuite) -> Arc<dyn Signer> {
        let cs = RustCryptoProvider::new()
            .cipher_suite_provider(suite)
            .expect("a supported suite");
        Arc::new(cs.signature_generate_key_pair().expect("a key pair"))
    }

    #[test]
    fn an_identity_is_required() {
        assert!(matches!(
            Client::builder().build(),
            Err(ClientError::MissingIdentity)
        ));
    }

    #[test]
    fn the_signer_must_use_the_suites_scheme() {
        let p384 = signer(CipherSuite::Mls256DhKemP384Aes256GcmSha384P384);
        let e = Client::builder()
            .identity(Credential::basic("alice"), p384)
            .build()
            .expect_err("an Ed25519 suite with a P-384 key");
        assert!(matches!(e, ClientError::SignerSuiteMismatch(_)));
    }

    #[test]
    fn the_client_default_sends_handshakes_as_private_messages() {
        let client = Client::builder()
            .identity(Credential::basic("alice"), signer(DEFAULT_CIPHER_SUITE))
            .build()
            .expect("a client");
        assert!(client.group_config().encrypt_handshake);
        assert!(!client.group_config().require_encrypted_handshake);
        // The engine's default is untouched (vectors, interop).
        assert!(!GroupConfig::default().encrypt_handshake);
        // An explicit configuration is taken as given.
        let public = Client::builder()
            .identity(Credential::basic("alice"), signer(DEFAULT_CIPHER_SUITE))
            .group_config(GroupConfig::default())
            .build()
            .expect("a client");
        assert!(!public.group_config().encrypt_handshake);
    }

    #[test]
    fn another_credential_or_key_is_another_identity() {
        let s = signer(DEFAULT_CIPHER_SUITE);
        let a = identity_bytes(&Credential::basic("alice"), s.as_ref()).expect("bytes");
        let b = identity_bytes(&Credential::basic("alic"), s.as_ref()).expect("bytes");
        let t = signer(DEFAULT_CIPHER_SUITE);
        let c = identity_bytes(&Credential::basic("alice"), t.as_ref()).expect("bytes");
        assert_ne!(a, b);
        assert_ne!(a, c);
    }
}
