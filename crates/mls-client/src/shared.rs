//! The parts every handle of a client shares: immutable after the build,
//! but for the last-resort flag.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use mls_codec::Credential;
use mls_crypto::{CipherSuiteProvider, CryptoProvider, Signer};
use mls_group::GroupConfig;
use mls_group::storage::Store;

use crate::entropy::ClientPool;
use crate::settings::KeyPackageSettings;

/// What a client and its group handles share.
pub(crate) struct Core {
    pub(crate) provider: Arc<dyn CryptoProvider>,
    pub(crate) cs: Arc<dyn CipherSuiteProvider>,
    pub(crate) credential: Credential,
    pub(crate) signer: Arc<dyn Signer>,
    pub(crate) store: Arc<dyn Store>,
    pub(crate) config: GroupConfig,
    pub(crate) key_packages: KeyPackageSettings,
    /// A join used the current last-resort KeyPackage since it was made: the
    /// next `Client::key_packages_to_publish` replaces it (G-23).
    pub(crate) last_resort_used: AtomicBool,
    /// The entropy pool, when the builder turned it on (G-39).
    pub(crate) pool: Option<ClientPool>,
}
