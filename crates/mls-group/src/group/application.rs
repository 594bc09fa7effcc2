//! Application messages (RFC 9420 §15): always PrivateMessages, under the
//! sender's application ratchet of the current epoch.

use mls_codec::{FramedContentBody, MlsMessage, MlsMessageBody, Sender, VLBytes, WireFormat};
use tracing::info_span;

use super::Group;
use crate::framing::{FramingContext, framed_content, sign_content};
use crate::{Misuse, Result};

/// A received application message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedApplicationMessage {
    /// The sender's leaf index.
    pub sender: mls_treekem::LeafIndex,
    /// The epoch it was sent in (a past epoch for a late message).
    pub epoch: u64,
    /// The generation of the sender's application ratchet (gap detection,
    /// G-17).
    pub generation: u32,
    /// The application data.
    pub data: Vec<u8>,
    /// The message's `authenticated_data`.
    pub authenticated_data: Vec<u8>,
}

impl Group {
    /// Encrypt application data for the group (RFC 9420 §15). Refused while
    /// proposals of this epoch wait for a Commit (V-12.4-11) or after we
    /// were removed. Advances our application ratchet: persist the group
    /// before the message leaves (G-04).
    pub fn encrypt_application_message(
        &mut self,
        data: &[u8],
        authenticated_data: &[u8],
    ) -> Result<MlsMessage> {
        let span = info_span!(
            "mls.encrypt",
            epoch = self.context.epoch,
            members = self.member_count(),
            plaintext_bytes = data.len(),
            message_bytes = tracing::field::Empty,
        );
        let _guard = span.enter();
        self.ensure_active()?;
        if !self.proposals.is_empty() {
            return Err(Misuse::ProposalsPending.into());
        }
        let content = framed_content(
            &self.context,
            Sender::Member(self.own_leaf().get()),
            authenticated_data.to_vec(),
            FramedContentBody::Application(VLBytes::from(data)),
        );
        let cs = self.cs.as_ref();
        let signed = sign_content(
            cs,
            self.signer.as_ref(),
            WireFormat::PRIVATE_MESSAGE,
            content,
            Some(&self.context),
        )?;
        let ctx = FramingContext {
            cs,
            group_context: &self.context,
            membership_key: &self.epoch.membership_key,
            sender_data_secret: &self.epoch.sender_data_secret,
        };
        let message =
            ctx.protect_private(&mut self.epoch.secret_tree, &signed, self.config.padding)?;
        span.record("message_bytes", message.ciphertext.as_slice().len());
        Ok(MlsMessage::new(MlsMessageBody::PrivateMessage(message)))
    }
}
