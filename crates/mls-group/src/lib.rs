//! The MLS group engine.
//!
//! RFC 9420 sections covered:
//! - §6 message framing and protection ([`framing`]): PublicMessage signatures
//!   and membership tags, PrivateMessage content and sender-data encryption,
//!   padding;
//! - §10 KeyPackages ([`key_package`]): creation, validation, references;
//! - §11-§14 the group lifecycle: creation, proposals, commits, Welcome, joins,
//!   staged changes that the caller inspects and merges, group state storage.

#![forbid(unsafe_code)]

mod error;
pub mod framing;
pub mod key_package;
pub mod welcome;

pub use error::GroupError;

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, GroupError>;
