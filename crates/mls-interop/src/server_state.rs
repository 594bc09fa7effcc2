//! What the interop server holds: every group state and pending join, and
//! the crypto provider. The RPC handlers ([`crate::handlers`]) and the
//! tonic service ([`crate::server`]) both work on it; neither imports the
//! other's module for it.

use mls::RustCryptoProvider;

use crate::state::Held;
use crate::table::Table;

/// The server state: every group state and pending join it holds, and the
/// crypto provider.
pub struct InteropServer {
    pub(crate) held: Table<Held>,
    pub(crate) provider: RustCryptoProvider,
}

impl std::fmt::Debug for InteropServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InteropServer")
            .field("held", &self.held.len())
            .finish_non_exhaustive()
    }
}

impl Default for InteropServer {
    fn default() -> Self {
        Self::new()
    }
}

impl InteropServer {
    /// A server holding nothing, with the RustCrypto provider.
    pub fn new() -> Self {
        InteropServer {
            held: Table::default(),
            provider: RustCryptoProvider::new(),
        }
    }

    /// How many states, pending joins and signers are held.
    pub fn held_count(&self) -> usize {
        self.held.len()
    }
}
