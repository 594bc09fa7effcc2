//! Stored bytes that cannot be read: a damaged group state or KeyPackage
//! bundle, or one written by a newer format version.

use thiserror::Error;

/// Stored bytes that cannot be read.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StateError {
    /// A stored KeyPackageBundle (`KeyPackageBundle::from_bytes`) is
    /// malformed; the text says how.
    #[error("stored KeyPackage bundle malformed: {0}")]
    KeyPackageBundle(&'static str),
    /// Stored group state is corrupt or of an unknown version; the text says
    /// which part.
    #[error("stored group state invalid: {0}")]
    Corrupt(&'static str),
    /// Stored group state was written by a newer format version.
    #[error("stored group state has format version {found}; this build reads up to {supported}")]
    Version {
        /// The version found.
        found: u16,
        /// The newest version this build reads.
        supported: u16,
    },
    /// RFC 9420 §13: the stored group holds a cached or pending proposal of
    /// a custom type that the registry given at load
    /// ([`crate::GroupConfig::custom`]) does not register; load with the
    /// application's registry.
    #[error(
        "stored group holds a proposal of type 0x{0:04x}, which the registry does not register"
    )]
    CustomTypeNotRegistered(u16),
}
