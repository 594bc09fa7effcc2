//! GroupInfo signatures (RFC 9420 §12.4.3).

use mls_codec::{Extension, GroupContext, GroupInfo, VLBytes};
use mls_crypto::labeled::{sign_with_label, verify_with_label};
use mls_crypto::{CipherSuiteProvider, SignaturePrivateKey};

use crate::{GroupError, Result};

/// The signature label of GroupInfoTBS (RFC 9420 §12.4.3).
pub const GROUP_INFO_TBS_LABEL: &[u8] = b"GroupInfoTBS";

/// Build a GroupInfo and sign it: `SignWithLabel(key, "GroupInfoTBS",
/// GroupInfoTBS)` (RFC 9420 §12.4.3). `signer` is the signer's leaf index;
/// `key` the private key of that leaf's `signature_key`.
pub fn sign_group_info(
    cs: &dyn CipherSuiteProvider,
    key: &SignaturePrivateKey,
    group_context: GroupContext,
    extensions: Vec<Extension>,
    confirmation_tag: Vec<u8>,
    signer: u32,
) -> Result<GroupInfo> {
    let mut group_info = GroupInfo {
        group_context,
        extensions,
        confirmation_tag: VLBytes::new(confirmation_tag),
        signer,
        signature: VLBytes::new(Vec::new()),
    };
    let tbs = group_info.tbs_bytes()?;
    group_info.signature = VLBytes::new(sign_with_label(cs, key, GROUP_INFO_TBS_LABEL, &tbs)?);
    Ok(group_info)
}

/// Verify the GroupInfo signature under the signer's `signature_key`
/// (RFC 9420 §12.4.3, V-12.4.3-01): [`GroupError::GroupInfoSignatureInvalid`]
/// otherwise.
pub fn verify_group_info_signature(
    cs: &dyn CipherSuiteProvider,
    group_info: &GroupInfo,
    signer_public_key: &[u8],
) -> Result<()> {
    let tbs = group_info.tbs_bytes()?;
    verify_with_label(
        cs,
        signer_public_key,
        GROUP_INFO_TBS_LABEL,
        &tbs,
        group_info.signature.as_slice(),
    )
    .map_err(|_| GroupError::GroupInfoSignatureInvalid)
}
