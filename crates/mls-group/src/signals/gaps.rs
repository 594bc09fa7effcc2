//! Loss and reordering per sender (GUIDANCE G-17; RFC 9750 §8.1.4 message
//! suppression): MLS numbers each sender's application messages per epoch
//! (the generation of its ratchet, RFC 9420 §9.1), so a jump shows
//! messages that have not arrived. Replays of one ciphertext are rejected
//! by the group itself (`FramingError::Replayed`); an insider who
//! re-encrypts old content under a new generation is not detectable here
//! (RFC 9750 §8.6): put a unique id in `authenticated_data` for that.

use std::collections::{BTreeMap, BTreeSet};

use mls_treekem::LeafIndex;

use crate::group::ReceivedApplicationMessage;

/// Default number of missing generations remembered per sender and epoch.
pub const DEFAULT_MAX_MISSING: usize = 1024;

/// What one received message says about its sender's stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GenerationSignal {
    /// The next generation expected from this sender.
    InOrder,
    /// Generations `first..=last` of this sender in this epoch were skipped:
    /// lost, suppressed, or still on their way.
    Gap {
        /// The first generation not received.
        first: u32,
        /// The last generation not received.
        last: u32,
    },
    /// A generation reported missing earlier arrived late.
    Late,
    /// An older generation not among the remembered missing ones: seen
    /// before (the group rejects a replayed ciphertext, so the tracker was
    /// fed the same message twice), or forgotten because of the bound.
    Duplicate,
}

#[derive(Clone, Debug, Default)]
struct SenderStream {
    /// The generation expected next.
    next: u32,
    /// Skipped generations not received yet (bounded).
    missing: BTreeSet<u32>,
    /// Skipped generations forgotten because of the bound.
    forgotten: u64,
}

/// Per `(epoch, sender)` generation bookkeeping for gap detection. Memory
/// is bounded by the number of senders and epochs kept and `max_missing`
/// per stream; call [`GenerationTracker::forget_before`] as epochs age.
#[derive(Clone, Debug)]
pub struct GenerationTracker {
    streams: BTreeMap<(u64, u32), SenderStream>,
    max_missing: usize,
}

impl Default for GenerationTracker {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_MISSING)
    }
}

impl GenerationTracker {
    /// A tracker remembering at most `max_missing` missing generations per
    /// sender and epoch (the oldest are forgotten first, and counted).
    pub fn new(max_missing: usize) -> Self {
        GenerationTracker {
            streams: BTreeMap::new(),
            max_missing,
        }
    }

    /// Record a received application message.
    pub fn observe(&mut self, message: &ReceivedApplicationMessage) -> GenerationSignal {
        self.observe_generation(message.epoch, message.sender, message.generation)
    }

    /// Record generation `generation` of `sender` in `epoch`.
    pub fn observe_generation(
        &mut self,
        epoch: u64,
        sender: LeafIndex,
        generation: u32,
    ) -> GenerationSignal {
        let max_missing = self.max_missing;
        let stream = self.streams.entry((epoch, sender.get())).or_default();
        if generation < stream.next {
            return if stream.missing.remove(&generation) {
                GenerationSignal::Late
            } else {
                GenerationSignal::Duplicate
            };
        }
        let signal = if generation == stream.next {
            GenerationSignal::InOrder
        } else {
            // Remember at most `max_missing` of the skipped generations,
            // the newest ones (older ones are the least likely to arrive).
            let first = stream.next;
            let last = generation - 1;
            let skipped = u64::from(last - first) + 1;
            let kept_from = last.saturating_sub(u32::try_from(max_missing).unwrap_or(u32::MAX));
            let kept_from = kept_from.max(first);
            stream.missing.extend(kept_from..=last);
            stream.forgotten += skipped - (u64::from(last - kept_from) + 1);
            while stream.missing.len() > max_missing {
                stream.missing.pop_first();
                stream.forgotten += 1;
            }
            GenerationSignal::Gap { first, last }
        };
        stream.next = generation.saturating_add(1);
        signal
    }

    /// The generations of `sender` in `epoch` skipped and not received yet
    /// (at most the bound; see [`GenerationTracker::forgotten`]).
    pub fn missing(&self, epoch: u64, sender: LeafIndex) -> Vec<u32> {
        self.streams
            .get(&(epoch, sender.get()))
            .map(|s| s.missing.iter().copied().collect())
            .unwrap_or_default()
    }

    /// How many skipped generations of `sender` in `epoch` were dropped
    /// from [`GenerationTracker::missing`] because of the bound.
    pub fn forgotten(&self, epoch: u64, sender: LeafIndex) -> u64 {
        self.streams
            .get(&(epoch, sender.get()))
            .map_or(0, |s| s.forgotten)
    }

    /// Forget every epoch before `epoch` (e.g. once the group no longer
    /// keeps their secrets, `GroupConfig::max_past_epochs`).
    pub fn forget_before(&mut self, epoch: u64) {
        self.streams = self.streams.split_off(&(epoch, 0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(i: u32) -> LeafIndex {
        LeafIndex::new(i).expect("leaf")
    }

    #[test]
    fn gaps_late_arrivals_and_duplicates_per_sender() {
        let mut t = GenerationTracker::default();
        assert_eq!(
            t.observe_generation(1, leaf(0), 0),
            GenerationSignal::InOrder
        );
        assert_eq!(
            t.observe_generation(1, leaf(0), 1),
            GenerationSignal::InOrder
        );
        assert_eq!(
            t.observe_generation(1, leaf(0), 5),
            GenerationSignal::Gap { first: 2, last: 4 }
        );
        // Another sender and another epoch are separate streams.
        assert_eq!(
            t.observe_generation(1, leaf(1), 0),
            GenerationSignal::InOrder
        );
        assert_eq!(
            t.observe_generation(2, leaf(0), 0),
            GenerationSignal::InOrder
        );
        assert_eq!(t.missing(1, leaf(0)), vec![2, 3, 4]);
        assert_eq!(t.observe_generation(1, leaf(0), 3), GenerationSignal::Late);
        assert_eq!(t.missing(1, leaf(0)), vec![2, 4]);
        assert_eq!(
            t.observe_generation(1, leaf(0), 3),
            GenerationSignal::Duplicate
        );
        assert_eq!(
            t.observe_generation(1, leaf(0), 1),
            GenerationSignal::Duplicate
        );
        t.forget_before(2);
        assert!(t.missing(1, leaf(0)).is_empty());
        assert_eq!(
            t.observe_generation(2, leaf(0), 1),
            GenerationSignal::InOrder
        );
    }

    #[test]
    fn memory_is_bounded_even_for_the_largest_jump() {
        let mut t = GenerationTracker::new(8);
        assert_eq!(
            t.observe_generation(0, leaf(3), u32::MAX),
            GenerationSignal::Gap {
                first: 0,
                last: u32::MAX - 1
            }
        );
        assert_eq!(t.missing(0, leaf(3)).len(), 8);
        assert_eq!(t.forgotten(0, leaf(3)), u64::from(u32::MAX) - 8);
        assert_eq!(
            t.observe_generation(0, leaf(3), 10),
            GenerationSignal::Duplicate
        );
        assert_eq!(
            t.observe_generation(0, leaf(3), u32::MAX - 1),
            GenerationSignal::Late
        );
    }
}
