//! The official MLS interop interface, `mls_client.MLSClient` (the gRPC
//! service of mlswg/mls-implementations, `interop/proto/mls_client.proto`),
//! served by this project's engine.
//!
//! - [`proto`]: the protobuf messages, hand-written prost structs that are
//!   wire-compatible with the official file (checked by
//!   `tests/proto_compat.rs`); no protoc.
//! - [`service`]: the tonic server and client of the service, generated at
//!   build time from [`RPCS`] with tonic-build's `manual` builder.
//!
//! The harness drives RFC 9420 end to end: group creation (§11), KeyPackages
//! (§10), proposals and commits (§12), Welcome and joins (§12.4.3),
//! application messages (§6.3), PSKs (§8.4), the exporter (§8.5) and the
//! epoch authenticator (§8.7).

#![forbid(unsafe_code)]

pub mod error;
pub mod external_senders;
pub mod handlers;
pub mod proto;
mod resumption;
pub mod schema;
pub mod server;
mod server_state;
pub mod state;
pub mod table;

pub use error::InteropError;
pub use server_state::InteropServer;

include!("rpcs.rs");

/// The generated tonic server (`m_l_s_client_server`) and client
/// (`m_l_s_client_client`) of `mls_client.MLSClient`.
#[allow(missing_docs, clippy::all, clippy::pedantic, unreachable_pub)]
pub mod service {
    include!(concat!(env!("OUT_DIR"), "/mls_client.MLSClient.rs"));
}

#[cfg(test)]
mod tests;
