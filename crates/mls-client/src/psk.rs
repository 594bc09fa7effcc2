//! External PSKs (RFC 9420 §8.4) through the client's store: registered
//! with [`crate::Client::register_external_psk`] (in `client.rs`), kept in the store's
//! [`mls_group::storage::PskStore`], and resolved from there whenever one of
//! the client's groups makes or processes a Commit with a PreSharedKey
//! proposal, or joins from a Welcome whose GroupSecrets name PSKs.

use mls_crypto::Secret;
use mls_group::storage::Store;
use mls_keyschedule::{PskStore, ResumptionPsk};
use tracing::warn;

/// The client's store as the engine's PSK lookup. The group's own
/// resumption PSKs are layered on top by the engine; other groups'
/// resumption PSKs are not looked up here (`None`).
pub(crate) struct StorePsks<'a>(pub(crate) &'a dyn Store);

impl PskStore for StorePsks<'_> {
    fn external_psk(&self, psk_id: &[u8]) -> Option<Secret> {
        // A store failure reads as a missing PSK: the engine then refuses the
        // Commit or Welcome with its typed "PSK not found" error, and nothing
        // is merged or stored.
        match self.0.psk(psk_id) {
            Ok(found) => found.map(|s| Secret::from_slice(&s)),
            Err(e) => {
                warn!(error = %e, "mls.client: PSK lookup failed");
                None
            }
        }
    }

    fn resumption_psk(&self, _group_id: &[u8], _epoch: u64) -> Option<ResumptionPsk> {
        None
    }
}
