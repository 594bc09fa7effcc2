//! Exporting the signed GroupInfo of the current epoch (RFC 9420 §12.4.3),
//! e.g. for a delivery service that serves it to external joiners, and the
//! one list of GroupInfo extensions that export and Commit creation share.

use mls_codec::{
    Extension, ExternalPub, MlsMessage, MlsMessageBody, RatchetTree, RatchetTreeExtension,
};
use mls_crypto::CipherSuiteProvider;
use mls_keyschedule::ExternalSecret;
use mls_treekem::TreeView;

use super::Group;
use crate::Result;
use crate::welcome::sign_group_info;

/// The extensions of a GroupInfo this group signs, in this order: the
/// ratchet tree (RFC 9420 §12.4.3.3) when given, `external_pub`
/// (§12.4.3.2) when the GroupInfo is published for external joins, and a
/// GREASE extension with `grease` (§13.5, G-48). The same list for an
/// exported GroupInfo and for one made with a Commit, so the two cannot
/// drift apart.
pub(crate) fn group_info_extensions(
    cs: &dyn CipherSuiteProvider,
    ratchet_tree: Option<RatchetTree>,
    external_secret: Option<&ExternalSecret>,
    grease: bool,
) -> Result<Vec<Extension>> {
    let mut extensions = Vec::new();
    if let Some(ratchet_tree) = ratchet_tree {
        extensions.push(Extension::from_payload(&RatchetTreeExtension {
            ratchet_tree,
        })?);
    }
    if let Some(secret) = external_secret {
        extensions.push(Extension::from_payload(&ExternalPub {
            external_pub: secret.external_pub(cs)?.into(),
        })?);
    }
    if grease {
        extensions.push(crate::grease::group_info_extension(cs)?);
    }
    Ok(extensions)
}

impl Group {
    /// The GroupInfo of the current epoch, signed with our key (RFC 9420
    /// §12.4.3). With `with_ratchet_tree`, the tree rides along in the
    /// `ratchet_tree` extension (§12.4.3.3); the `external_pub` extension
    /// (§12.4.3.2) is always included, and a GREASE extension unless
    /// [`crate::GroupConfig::grease`] is off (§13.5).
    ///
    /// A Commit builds no GroupInfo unless it adds members or is asked to
    /// ([`crate::CommitBuilder::group_info`]); this is the way to get one on
    /// demand, after the Commit is merged (issue 14 item 3).
    pub fn export_group_info(&self, with_ratchet_tree: bool) -> Result<MlsMessage> {
        self.ensure_active()?;
        let cs = self.cs.as_ref();
        let extensions = group_info_extensions(
            cs,
            with_ratchet_tree.then(|| self.tree.to_wire()),
            Some(&self.epoch.external_secret),
            self.config.grease,
        )?;
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
