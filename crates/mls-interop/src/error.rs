//! Errors of the interop server and their gRPC status codes.

use tonic::{Code, Status};

/// Why an RPC failed. Every variant becomes a gRPC status ([`Status`]) whose
/// message is this error's text; nothing panics.
#[derive(Debug, thiserror::Error)]
pub enum InteropError {
    /// The request names a state, transaction or signer id the server does
    /// not hold (or no longer holds after `Free`).
    #[error("unknown state or transaction id {0}")]
    UnknownId(u32),
    /// The id names a held object of the wrong kind (e.g. a pending join
    /// where a group state is needed).
    #[error("id {id} is a {found}, not a {wanted}")]
    WrongKind {
        /// The id.
        id: u32,
        /// What the RPC needs.
        wanted: &'static str,
        /// What the id holds.
        found: &'static str,
    },
    /// The cipher suite is not one this server runs (RFC 9420 §17.1).
    #[error("unsupported cipher suite {0}")]
    UnsupportedSuite(u32),
    /// A request field is malformed or out of range.
    #[error("invalid request: {0}")]
    InvalidArgument(String),
    /// The feature is not built yet: the RPC answers UNIMPLEMENTED.
    #[error("not implemented by this server: {0}")]
    Unimplemented(&'static str),
    /// The MLS engine rejected the operation (its error text).
    #[error("{0}")]
    Engine(String),
    /// The handler panicked; the server caught it (a bug, reported as
    /// INTERNAL so the harness run goes on).
    #[error("internal error in {0}")]
    Panic(&'static str),
}

impl InteropError {
    /// The gRPC status code of this error.
    pub fn code(&self) -> Code {
        match self {
            InteropError::UnknownId(_) => Code::NotFound,
            InteropError::WrongKind { .. } => Code::FailedPrecondition,
            InteropError::UnsupportedSuite(_) | InteropError::InvalidArgument(_) => {
                Code::InvalidArgument
            }
            InteropError::Unimplemented(_) => Code::Unimplemented,
            // mls-rs answers engine failures with ABORTED as well.
            InteropError::Engine(_) => Code::Aborted,
            InteropError::Panic(_) => Code::Internal,
        }
    }
}

impl From<InteropError> for Status {
    fn from(e: InteropError) -> Status {
        Status::new(e.code(), e.to_string())
    }
}
