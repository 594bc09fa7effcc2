//! Exporting the signed GroupInfo of the current epoch (RFC 9420 §12.4.3),
//! e.g. for a delivery service that serves it to external joiners.

use mls_codec::{Extension, ExternalPub, MlsMessage, MlsMessageBody, RatchetTreeExtension};
use mls_treekem::TreeView;

use super::Group;
use crate::Result;
use crate::welcome::sign_group_info;

impl Group {
    /// The GroupInfo of the current epoch, signed with our key (RFC 9420
    /// §12.4.3). With `with_ratchet_tree`, the tree rides along in the
    /// `ratchet_tree` extension (§12.4.3.3); the `external_pub` extension
    /// (§12.4.3.2) is always included, and a GREASE extension unless
    /// [`crate::GroupConfig::grease`] is off (§13.5).
    pub fn export_group_info(&self, with_ratchet_tree: bool) -> Result<MlsMessage> {
        self.ensure_active()?;
        let cs = self.cs.as_ref();
        let mut extensions = Vec::new();
        if with_ratchet_tree {
            extensions.push(Extension::from_payload(&RatchetTreeExtension {
                ratchet_tree: self.tree.to_wire(),
            })?);
        }
        extensions.push(Extension::from_payload(&ExternalPub {
            external_pub: self.epoch.external_secret.external_pub(cs)?.into(),
        })?);
        // RFC 9420 §13.5: GREASE in GroupInfo extensions (G-48).
        if self.config.grease {
            extensions.push(crate::grease::group_info_extension(cs)?);
        }
        let info = sign_group_info(
            cs,
            self.signer.as_ref(),
            self.context.clone(),
            extensions,
            self.confirmation_tag.clone(),
            self.own_leaf().get(),
        )?;
        Ok(MlsMessage::new(MlsMessageBody::GroupInfo(info)))
    }
}
