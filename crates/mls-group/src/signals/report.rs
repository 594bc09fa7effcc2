//! A forwardable report of a rejected handshake message (GUIDANCE G-20;
//! RFC 9420 §16.12: a malicious insider can fragment a group with a bad
//! Commit, and implementations SHOULD let the application report it).
//!
//! The report separates "member X sent a message that breaks rule V-..."
//! from transport or storage errors: it names the sender (where the
//! message shows it in the clear: a PublicMessage), the group, epoch and
//! content type, the rule the engine cited, and carries the message
//! itself with its hash, so the application can forward it to the delivery
//! service or to other members, who can process the same bytes and reach
//! the same verdict. For a PrivateMessage the sender is encrypted; the
//! report then names no sender (the bytes still let another member of the
//! epoch check the claim).

use mls_codec::{ContentType, MlsMessage, MlsMessageBody, Sender, WireFormat};

use crate::{Group, GroupError, Result, Rule};

/// A rejected message, in a form the application can forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectionReport {
    /// The group the message names, where visible.
    pub group_id: Option<Vec<u8>>,
    /// The epoch the message names, where visible.
    pub epoch: Option<u64>,
    /// Its wire format.
    pub wire_format: WireFormat,
    /// Its content type, where visible (PublicMessage, PrivateMessage).
    pub content_type: Option<ContentType>,
    /// The sender, where the message shows it in the clear (PublicMessage).
    pub sender: Option<Sender>,
    /// The rule the rejection cites ([`GroupError::rule`], e.g. `V-6.2-01`),
    /// if any: a rejection without one is a local condition, not a protocol
    /// violation by the sender. A message of another epoch cites the epoch
    /// rule (V-6-05) but may only be late: weigh it with `epoch`.
    pub rule: Option<Rule>,
    /// The rejection in words.
    pub reason: String,
    /// `Hash(message)` with the group's suite hash: the reference by which
    /// the report names the message.
    pub message_hash: Vec<u8>,
    /// The encoded MLSMessage, so that others can check the claim.
    pub message: Vec<u8>,
}

impl RejectionReport {
    /// Whether the rejection cites a rule of RFC 9420 (a protocol violation
    /// by the sender), not a local condition.
    pub fn is_rule_violation(&self) -> bool {
        self.rule.is_some()
    }
}

impl Group {
    /// The forwardable report of `message`, which this group rejected with
    /// `error` (GUIDANCE G-20).
    pub fn rejection_report(
        &self,
        message: &MlsMessage,
        error: &GroupError,
    ) -> Result<RejectionReport> {
        let encoded = mls_codec::encode(message)?;
        let sender = match &message.body {
            MlsMessageBody::PublicMessage(m) => Some(m.content.sender),
            _ => None,
        };
        let reason = error.to_string();
        Ok(RejectionReport {
            group_id: message.group_id().map(<[u8]>::to_vec),
            epoch: message.epoch(),
            wire_format: message.wire_format(),
            content_type: message.content_type(),
            sender,
            rule: error.rule(),
            reason,
            message_hash: self.cs.hash(&encoded),
            message: encoded,
        })
    }
}
