//! The MLS group engine.
//!
//! RFC 9420 sections covered:
//! - §6 message framing and protection ([`framing`]): PublicMessage signatures
//!   and membership tags, PrivateMessage content and sender-data encryption,
//!   padding;
//! - §10 KeyPackages ([`key_package`]): creation, validation, references;
//! - §12.4.3 Welcome cryptography ([`welcome`]);
//! - §11-§14 the group lifecycle ([`Group`]): creation, proposals, commits,
//!   Welcome, joins, staged changes that the caller inspects and merges,
//!   group state storage ([`storage`]).

#![forbid(unsafe_code)]

mod commit;
mod config;
mod error;
pub mod framing;
mod group;
pub mod key_package;
mod proposals;
pub mod storage;
pub mod welcome;

pub use commit::{CommitInfo, CommitOptions, CommitOutput, MemberChange, StagedCommit};
pub use config::{DEFAULT_MAX_PAST_EPOCHS, GroupConfig};
pub use error::GroupError;
pub use group::{
    CreateOptions, Group, JoinOptions, Member, ProcessedMessage, ReceivedApplicationMessage,
    ReceivedProposal,
};
pub use proposals::ProposalRef;
pub use storage::{GroupStore, InMemoryGroupStore};

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, GroupError>;
