//! Commits (RFC 9420 §12.4).
//!
//! ```text
//! struct { ProposalOrRef proposals<V>; optional<UpdatePath> path; } Commit;
//! ```

use tls_codec::{TlsSerialize, TlsSize};

use crate::codec::decode_struct;
use crate::proposals::ProposalOrRef;
use crate::tree::UpdatePath;

/// `Commit` (RFC 9420 §12.4).
#[derive(Debug, Clone, PartialEq, Eq, Default, TlsSerialize, TlsSize)]
pub struct Commit {
    /// The proposals committed, by value or by reference.
    pub proposals: Vec<ProposalOrRef>,
    /// The committer's UpdatePath, if any.
    pub path: Option<UpdatePath>,
}
decode_struct!(Commit { proposals, path });
