//! The public state of a group as a non-member sees it (RFC 9420
//! §12.4.3, §12.1.8): the GroupContext and the ratchet tree of one epoch,
//! read from a signed GroupInfo, and the proposals a non-member builds on it.

use std::sync::Arc;

use mls_codec::{
    Add, ExternalSender, ExternalSenders, FramedContent, FramedContentBody, GroupContext,
    MlsMessage, MlsMessageBody, Proposal, VLBytes, WireFormat, find_payload,
};
use mls_crypto::{CipherSuiteProvider, Signer};
use mls_treekem::{RatchetTree, TreeView};

use crate::framing::{protect_public, sign_content};
use crate::group::check_standalone_proposal;
use crate::key_package::KeyPackageBundle;
use crate::proposals::{ApplyContext, ProposalSender, leaf_supports};
use crate::welcome::verified_group_info_tree;
use crate::{FramingError, GroupConfig, Member, Misuse, ProposalError, Result};

/// One epoch of a group as a non-member knows it: the GroupContext and
/// the public ratchet tree of a GroupInfo whose signature and tree were
/// verified (RFC 9420 §12.4.3.1).
pub struct PublicGroupState {
    cs: Arc<dyn CipherSuiteProvider>,
    config: GroupConfig,
    context: GroupContext,
    tree: RatchetTree,
}

impl std::fmt::Debug for PublicGroupState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicGroupState")
            .field("cipher_suite", &self.cs.cipher_suite())
            .field("epoch", &self.context.epoch)
            .field("leaves", &self.tree.leaf_count())
            .finish_non_exhaustive()
    }
}

impl PublicGroupState {
    /// Read a group's state from `group_info` (an MLSMessage carrying a
    /// GroupInfo of the suite of `cs`): the tree from its `ratchet_tree`
    /// extension or else `ratchet_tree` (RFC 9420 §12.4.3.3), validated in
    /// full against the GroupContext's tree hash with `config`'s leaf
    /// policy and group size; the GroupInfo's signature under its signer's
    /// leaf; the `external_senders` credentials under the validator.
    pub fn from_group_info(
        cs: Arc<dyn CipherSuiteProvider>,
        group_info: &MlsMessage,
        ratchet_tree: Option<mls_codec::RatchetTree>,
        config: GroupConfig,
    ) -> Result<Self> {
        let info = group_info
            .as_group_info()
            .ok_or(FramingError::WrongWireFormat {
                expected: WireFormat::GROUP_INFO,
                actual: group_info.wire_format(),
            })?;
        let tree = verified_group_info_tree(cs.as_ref(), info, ratchet_tree, &config)?;
        Ok(PublicGroupState {
            cs,
            config,
            context: info.group_context.clone(),
            tree,
        })
    }

    /// The GroupContext of this epoch.
    pub fn context(&self) -> &GroupContext {
        &self.context
    }

    /// The epoch.
    pub fn epoch(&self) -> u64 {
        self.context.epoch
    }

    /// The group id.
    pub fn group_id(&self) -> &[u8] {
        self.context.group_id.as_slice()
    }

    /// The cipher suite provider of the group.
    pub fn cipher_suite_provider(&self) -> &Arc<dyn CipherSuiteProvider> {
        &self.cs
    }

    /// The public ratchet tree.
    pub fn ratchet_tree(&self) -> &RatchetTree {
        &self.tree
    }

    /// The members, by leaf index.
    pub fn members(&self) -> Vec<Member> {
        self.tree
            .members()
            .map(|(leaf, node)| Member::from_leaf(leaf, node))
            .collect()
    }

    /// The group's `external_senders` extension (RFC 9420 §12.1.8.1);
    /// empty when it has none.
    pub fn external_senders(&self) -> Result<Vec<ExternalSender>> {
        Ok(find_payload::<ExternalSenders>(&self.context.extensions)?
            .map(|s| s.0)
            .unwrap_or_default())
    }

    /// The Add of a prospective member, proposed by itself (RFC 9420
    /// §12.1.8, sender `new_member_proposal`): a PublicMessage without
    /// membership tag for this epoch, signed with the KeyPackage's leaf
    /// signature key (`bundle`'s), so the members verify it with the
    /// `signature_key` of the Add's own leaf (V-6.1-12). Once a member
    /// commits it, the Welcome is for `bundle` ([`crate::Group::join`]).
    ///
    /// Refused as the members would refuse it: a KeyPackage of another
    /// suite, or one whose leaf does not support the group's extensions
    /// (§11.1), or an invalid KeyPackage (§10.1).
    pub fn new_member_add(&self, bundle: &KeyPackageBundle) -> Result<MlsMessage> {
        let key_package = bundle.key_package();
        if key_package.cipher_suite != self.context.cipher_suite {
            return Err(Misuse::NewMemberSuiteMismatch {
                group: self.context.cipher_suite.0,
                key_package: key_package.cipher_suite.0,
            }
            .into());
        }
        leaf_supports(&key_package.leaf_node, &self.context.extensions)
            .map_err(ProposalError::MissingCapability)?;
        let proposal = Proposal::from(Add {
            key_package: key_package.clone(),
        });
        // A KeyPackage of a non-exportable signer holds no key to sign with.
        let signer = bundle.signer().ok_or(Misuse::SignerRequired)?;
        self.sign_proposal(&signer, ProposalSender::NewMember, proposal)
    }

    /// Check `proposal` from `sender` as the members will when they
    /// receive it (the one checker of `group::proposal`), sign it for a
    /// PublicMessage of this epoch (RFC 9420 §6.1; non-members do not sign
    /// the GroupContext) and protect it without membership tag (§6.2).
    pub(crate) fn sign_proposal(
        &self,
        signer: &dyn Signer,
        sender: ProposalSender,
        proposal: Proposal,
    ) -> Result<MlsMessage> {
        let cs = self.cs.as_ref();
        let policy = self.config.leaf_policy();
        let ctx = ApplyContext {
            cs,
            context: &self.context,
            // No member commits here; the list rules wait for the Commit.
            committer: u32::MAX,
            leaf_policy: &policy,
            proposal_policy: None,
            psk_store: None,
            restart_usage: None,
            custom: &self.config.custom,
        };
        check_standalone_proposal(&ctx, &self.tree, &proposal, sender)?;
        let content = FramedContent {
            group_id: self.context.group_id.clone(),
            epoch: self.context.epoch,
            sender: sender.to_wire(),
            authenticated_data: VLBytes::new(Vec::new()),
            content: FramedContentBody::Proposal(proposal),
        };
        let signed = sign_content(cs, signer, WireFormat::PUBLIC_MESSAGE, content, None)?;
        Ok(MlsMessage::new(MlsMessageBody::PublicMessage(
            protect_public(cs, signed, None, None)?,
        )))
    }
}
