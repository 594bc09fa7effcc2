//! The group's own resumption PSKs (RFC 9420 §8.6): a Commit may inject the
//! `resumption_psk` of the current epoch or of a retained past epoch of this
//! group. [`GroupPskStore`] answers those from the group state and asks the
//! application's store for everything else (external PSKs, other groups).

use mls_crypto::Secret;
use mls_keyschedule::{PskStore, ResumptionPsk};

use super::Group;

/// The application's PSK store with this group's own resumption PSKs
/// (current epoch and the past epochs kept under `max_past_epochs`) layered
/// on top.
pub(crate) struct GroupPskStore<'a> {
    group: &'a Group,
    inner: &'a dyn PskStore,
}

impl<'a> GroupPskStore<'a> {
    /// Layer `group`'s resumption PSKs over `inner`.
    pub(crate) fn new(group: &'a Group, inner: &'a dyn PskStore) -> Self {
        GroupPskStore { group, inner }
    }
}

impl PskStore for GroupPskStore<'_> {
    fn external_psk(&self, psk_id: &[u8]) -> Option<Secret> {
        self.inner.external_psk(psk_id)
    }

    fn resumption_psk(&self, group_id: &[u8], epoch: u64) -> Option<ResumptionPsk> {
        let group = self.group;
        if group_id == group.context.group_id.as_slice() {
            if epoch == group.context.epoch {
                return Some(group.epoch.resumption_psk.clone());
            }
            if let Some(past) = group.past.iter().find(|p| p.epoch == epoch) {
                return Some(past.resumption_psk.clone());
            }
        }
        self.inner.resumption_psk(group_id, epoch)
    }
}
