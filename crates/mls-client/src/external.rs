//! An external Commit (RFC 9420 §12.4.3.2) made with the client's
//! identity, configuration and clock: the one builder of
//! [`crate::Client::join_external`] and [`crate::ClientGroup::resync`].

use mls_codec::{GroupInfo, MlsMessage, RatchetTree, WireFormat};
use mls_crypto::CipherSuite;
use mls_group::key_package::KeyPackageBuilder;
use mls_group::{ExternalCommitBuilder, Group};

use crate::error::{ClientError, Result};
use crate::shared::Core;

/// The GroupInfo of `message`, or the error for another wire format.
pub(crate) fn group_info_of(message: &MlsMessage) -> Result<&GroupInfo> {
    message
        .as_group_info()
        .ok_or(ClientError::UnexpectedWireFormat {
            expected: WireFormat::GROUP_INFO,
            actual: message.wire_format(),
        })
}

/// An external Commit from `group_info` with the client's identity,
/// configuration and clock: [`crate::Client::join_external`] builds it as
/// it is, [`crate::ClientGroup::resync`] with the old leaf's removal.
pub(crate) fn external_commit_builder<'a>(
    core: &Core,
    group_info: &'a MlsMessage,
    ratchet_tree: Option<RatchetTree>,
) -> Result<ExternalCommitBuilder<'a>> {
    let info = group_info_of(group_info)?;
    let suite = CipherSuite::from_id(info.group_context.cipher_suite.0)?;
    let cs = core
        .provider
        .cipher_suite_provider(suite)
        .ok_or(ClientError::UnsupportedCipherSuite(suite))?;
    if core.signer.signature_scheme() != suite.signature() {
        return Err(ClientError::SignerSuiteMismatch(suite));
    }
    let mut builder = Group::external_commit_builder(
        cs,
        group_info,
        core.credential.clone(),
        core.signer.clone(),
    )
    .config(core.config.clone())
    .leaf(KeyPackageBuilder::new().clock(core.config.clock.clone()));
    if let Some(tree) = ratchet_tree {
        builder = builder.ratchet_tree(tree);
    }
    Ok(builder)
}
