//! Signals the application needs but MLS does not carry (GUIDANCE G-17,
//! G-51): per-sender generation gaps ([`GenerationTracker`]) and the epoch
//! of each member's last own-key update ([`UpdateCadence`]). Both are fed
//! with what [`crate::Group`] already returns (received application
//! messages, [`crate::CommitInfo`]), so they add no state to the group.

mod cadence;
mod gaps;

pub use cadence::UpdateCadence;
pub use gaps::{GenerationSignal, GenerationTracker};
