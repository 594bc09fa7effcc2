//! GroupInfo signatures (RFC 9420 §12.4.3), and the public group state a
//! non-member reads from a GroupInfo (§12.4.3.2, §12.1.8).

use mls_codec::{Extension, GroupContext, GroupInfo, RatchetTreeExtension, VLBytes, find_payload};
use mls_crypto::labeled::{sign_with_label, verify_with_label};
use mls_crypto::{CipherSuiteProvider, Signer};
use mls_treekem::{LeafIndex, RatchetTree, TreeView, validate_tree};

use crate::{GroupConfig, GroupError, Misuse, Rejection, Result, WelcomeError};

/// The signature label of GroupInfoTBS (RFC 9420 §12.4.3).
pub const GROUP_INFO_TBS_LABEL: &[u8] = b"GroupInfoTBS";

/// Build a GroupInfo and sign it: `SignWithLabel(key, "GroupInfoTBS",
/// GroupInfoTBS)` (RFC 9420 §12.4.3). `signer` is the signer's leaf index;
/// `key` the signer of that leaf's `signature_key`.
pub fn sign_group_info(
    cs: &dyn CipherSuiteProvider,
    key: &dyn Signer,
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
/// (RFC 9420 §12.4.3, V-12.4.3-01): [`WelcomeError::GroupInfoSignatureInvalid`](crate::WelcomeError::GroupInfoSignatureInvalid)
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
    .map_err(|_| GroupError::Rejected(Rejection::Welcome(WelcomeError::GroupInfoSignatureInvalid)))
}

/// A ratchet tree received whole (in a Welcome's GroupInfo, in a GroupInfo
/// for a non-member, or out of band) built and validated against
/// `context`, cheapest checks first (GUIDANCE G-35): the group size before
/// the tree is built; that the members support each other's credential
/// types and the group's required capabilities and extensions (RFC 9420
/// §7.3 for every leaf, V-7.3-03..07, V-13.4-04) before any signature;
/// then `mls_treekem::validate_tree` against the tree hash (§12.4.3.1) with
/// the joiner's leaf policy (the other leaves' lifetimes advisory, G-27).
pub(crate) fn import_tree(
    cs: &dyn CipherSuiteProvider,
    context: &GroupContext,
    wire: mls_codec::RatchetTree,
    config: &GroupConfig,
) -> Result<RatchetTree> {
    // A tree handed over out of band obeys the same group size (G-35).
    let max = (2 * config.decode_limits.max_group_size as usize).saturating_sub(1);
    if wire.len() > max {
        return Err(
            WelcomeError::InvalidTree(mls_treekem::TreeKemError::TreeTooLarge {
                nodes: wire.len(),
                max,
            })
            .into(),
        );
    }
    let mut tree = RatchetTree::from_wire(wire).map_err(WelcomeError::InvalidTree)?;
    crate::proposals::check_tree_credential_support(&tree)?;
    crate::proposals::check_tree_supports_group(&tree, &context.extensions)?;
    validate_tree(
        &mut tree,
        cs,
        context.group_id.as_slice(),
        Some(context.tree_hash.as_slice()),
        &config.joined_tree_policy(),
    )
    .map_err(WelcomeError::InvalidTree)?;
    Ok(tree)
}

/// The ratchet tree of a GroupInfo received by a non-member (an external
/// joiner, an external sender, a new member proposing its Add), from the
/// `ratchet_tree` extension or else `out_of_band` (RFC 9420 §12.4.3.3),
/// validated in full against the GroupContext's tree hash with `config`'s
/// leaf policy and group size, and the GroupInfo's signature verified
/// under its signer's leaf (§12.4.3.1, V-12.4.3-01). The GroupContext's
/// `external_senders` credentials pass the validator (V-5.3.1-06).
pub(crate) fn verified_group_info_tree(
    cs: &dyn CipherSuiteProvider,
    group_info: &GroupInfo,
    out_of_band: Option<mls_codec::RatchetTree>,
    config: &GroupConfig,
) -> Result<RatchetTree> {
    let context = &group_info.group_context;
    if context.cipher_suite.0 != cs.cipher_suite().id() {
        return Err(Misuse::UnsupportedCipherSuite(context.cipher_suite.0).into());
    }
    let wire = match find_payload::<RatchetTreeExtension>(&group_info.extensions)? {
        Some(ext) => ext.ratchet_tree,
        None => out_of_band.ok_or(WelcomeError::MissingRatchetTree)?,
    };
    let tree = import_tree(cs, context, wire, config)?;
    crate::proposals::check_external_senders(&config.joined_tree_policy(), &context.extensions)?;
    let signer_leaf = LeafIndex::new(group_info.signer)
        .ok()
        .and_then(|l| tree.leaf(l))
        .ok_or(WelcomeError::GroupInfoSignerNotInTree(group_info.signer))?;
    verify_group_info_signature(cs, group_info, signer_leaf.signature_key.as_slice())?;
    Ok(tree)
}
