//! Application-defined proposal and extension types (RFC 9420 §13).
//!
//! An application registers its own types in a [`CustomRegistry`], given to
//! a group at creation, join and load through its [`crate::GroupConfig`]
//! (the registry is code, like the proposal policy: it is not saved with
//! the group; a saved group whose cached or pending proposals need a type
//! the registry lacks refuses to load, [`crate::StateError::CustomTypeNotRegistered`]).
//!
//! - A **proposal type** has its code point, whether a Commit covering it
//!   needs an UpdatePath (the "Path Required" column of §17.4, decided by
//!   the application, §12.4), and a [`CustomProposalHandler`] that sees the
//!   body, the sender and the GroupContext and refuses
//!   ([`crate::ProposalError::CustomProposalRefused`], V-13-01) or accepts,
//!   optionally with new GroupContext extensions ([`CustomEffect`]). Its
//!   effect on the application is the application's: the engine reports the
//!   committed custom proposals in order ([`crate::CommitInfo::custom_proposals`])
//!   on both the committer's and the receivers' side.
//! - An **extension type** has its code point, the objects it may appear in
//!   (KeyPackage, leaf node, GroupContext, GroupInfo: §13.4) and a
//!   [`CustomExtensionHandler`].
//!
//! §13 capability rules ([`crate::proposals`] applies them, one checker for
//! committer and receiver): a custom proposal is committed only when every
//! member staying in the group lists its type in `capabilities.proposals`
//! (§12.2, V-12.2-16, V-13.2-01); our own KeyPackages and leaves list the
//! registered types ([`CustomRegistry::advertise`]). GREASE values (§13.5)
//! and the RFC's own code points cannot be registered.

mod registry;

pub(crate) use registry::check_custom_extensions;
pub use registry::{
    CommittedCustomProposal, CustomEffect, CustomExtensionHandler, CustomProposal,
    CustomProposalHandler, CustomRefusal, CustomRegistry, CustomRegistryBuilder,
};
