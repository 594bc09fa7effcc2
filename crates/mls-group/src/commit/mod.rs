//! Commits (RFC 9420 §12.4): creation by the committer ([`create`]), staging
//! of a received Commit ([`stage`]), and merging a staged result into the
//! group ([`merge`]). A [`StagedCommit`] carries everything the new epoch
//! needs; nothing in the group changes until it is merged (§14, G-01).

mod builder;
mod create;
mod epoch_step;
mod external;
mod external_join;
mod merge;
mod stage;

#[cfg(test)]
mod precheck_tests;

pub use crate::staged::{CommitInfo, MemberChange, StagedCommit};
pub(crate) use crate::staged::{PendingCommit, StagedEpoch, TreeUpdate};
pub use builder::CommitBuilder;
pub(crate) use create::CommitOptions;
pub use create::CommitOutput;
pub use external_join::{ExternalCommitBuilder, ExternalCommitOutput};
