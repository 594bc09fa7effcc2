//! Where the group engine finds PSKs (RFC 9420 §8.4, §8.6).

use std::collections::{BTreeMap, HashMap};

use mls_crypto::Secret;

use mls_codec::Psk;

use crate::ResumptionPsk;

/// A source of PSK values: external PSKs by id, and the `resumption_psk` of
/// past epochs by group and epoch (§8.4, §8.6).
pub trait PskStore {
    /// The external PSK registered under `psk_id`.
    fn external_psk(&self, psk_id: &[u8]) -> Option<Secret>;

    /// The `resumption_psk` of `group_id` at `epoch`, if it is still retained.
    fn resumption_psk(&self, group_id: &[u8], epoch: u64) -> Option<ResumptionPsk>;

    /// The value of the PSK a `PreSharedKeyID` refers to (the usage of a
    /// resumption PSK does not change its value).
    fn get(&self, psk: &Psk) -> Option<Secret> {
        match psk {
            Psk::External { psk_id } => self.external_psk(psk_id.as_slice()),
            Psk::Resumption {
                psk_group_id,
                psk_epoch,
                ..
            } => self
                .resumption_psk(psk_group_id.as_slice(), *psk_epoch)
                .map(ResumptionPsk::into_secret),
        }
    }
}

/// The default number of past epochs whose resumption PSK is kept per group
/// (§8.6 asks for an upper limit).
pub const DEFAULT_RESUMPTION_RETENTION: usize = 8;

/// An in-memory [`PskStore`]. Resumption PSKs are kept for at most
/// `resumption_retention` epochs per group (the newest ones).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InMemoryPskStore {
    external: HashMap<Vec<u8>, Secret>,
    resumption: BTreeMap<Vec<u8>, BTreeMap<u64, ResumptionPsk>>,
    resumption_retention: usize,
}

impl Default for InMemoryPskStore {
    fn default() -> Self {
        Self::new()
    }
}

impl InMemoryPskStore {
    /// An empty store keeping [`DEFAULT_RESUMPTION_RETENTION`] epochs per group.
    pub fn new() -> Self {
        Self::with_resumption_retention(DEFAULT_RESUMPTION_RETENTION)
    }

    /// An empty store keeping the resumption PSKs of at most `epochs` epochs
    /// per group.
    pub fn with_resumption_retention(epochs: usize) -> Self {
        InMemoryPskStore {
            external: HashMap::new(),
            resumption: BTreeMap::new(),
            resumption_retention: epochs,
        }
    }

    /// Register (or replace) an external PSK.
    pub fn insert_external(&mut self, psk_id: Vec<u8>, psk: Secret) {
        self.external.insert(psk_id, psk);
    }

    /// Forget an external PSK; returns whether it was present.
    pub fn remove_external(&mut self, psk_id: &[u8]) -> bool {
        self.external.remove(psk_id).is_some()
    }

    /// Keep the resumption PSK of `group_id` at `epoch`, evicting the oldest
    /// epochs of that group beyond the retention limit.
    pub fn insert_resumption(&mut self, group_id: Vec<u8>, epoch: u64, psk: ResumptionPsk) {
        let epochs = self.resumption.entry(group_id).or_default();
        epochs.insert(epoch, psk);
        while epochs.len() > self.resumption_retention {
            epochs.pop_first();
        }
    }

    /// Forget every resumption PSK of a group.
    pub fn remove_group(&mut self, group_id: &[u8]) {
        self.resumption.remove(group_id);
    }
}

impl PskStore for InMemoryPskStore {
    fn external_psk(&self, psk_id: &[u8]) -> Option<Secret> {
        self.external.get(psk_id).cloned()
    }

    fn resumption_psk(&self, group_id: &[u8], epoch: u64) -> Option<ResumptionPsk> {
        self.resumption.get(group_id)?.get(&epoch).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_keeps_newest_epochs() {
        let mut s = InMemoryPskStore::with_resumption_retention(2);
        for e in 0..4u64 {
            s.insert_resumption(b"g".to_vec(), e, ResumptionPsk::from_slice(&[e as u8; 4]));
        }
        assert!(s.resumption_psk(b"g", 1).is_none());
        assert!(s.resumption_psk(b"g", 2).is_some());
        assert!(s.resumption_psk(b"g", 3).is_some());
        assert!(s.resumption_psk(b"h", 3).is_none());
    }

    #[test]
    fn external_lookup() {
        let mut s = InMemoryPskStore::new();
        s.insert_external(b"id".to_vec(), Secret::from_slice(&[7; 32]));
        let psk = Psk::External {
            psk_id: mls_codec::VLBytes::new(b"id".to_vec()),
        };
        assert_eq!(s.get(&psk), Some(Secret::from_slice(&[7; 32])));
        assert!(s.remove_external(b"id"));
        assert_eq!(s.get(&psk), None);
    }
}
