//! Signals the application needs but MLS does not carry (GUIDANCE G-17,
//! G-20, G-51): per-sender generation gaps ([`GenerationTracker`]), the
//! epoch of each member's last own-key update ([`UpdateCadence`]), and a
//! forwardable report of a rejected message ([`RejectionReport`]). All are fed
//! with what [`crate::Group`] already returns (received application
//! messages, [`crate::CommitInfo`]), so they add no state to the group.

mod cadence;
mod gaps;
mod report;

pub use cadence::UpdateCadence;
pub use gaps::{GenerationSignal, GenerationTracker};
pub use report::RejectionReport;
