//! What proposal checking and application share (RFC 9420 §12.2, §12.3):
//! where a proposal came from, the group's inputs, and the capability check
//! of §11.1. Its own module so that [`super::check`] and [`super::apply`]
//! both use it without importing each other.

use mls_codec::{
    Extension, GroupContext, LeafNode, Proposal, RequiredCapabilities, ResumptionPskUsage,
};
use mls_crypto::CipherSuiteProvider;
use mls_keyschedule::PskStore;
use mls_treekem::LeafValidationPolicy;

use crate::error::unsupported;
use crate::proposal_sender::ProposalSender;

/// One proposal of a Commit with where it came from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ProposalSource<'a> {
    /// The proposal.
    pub proposal: &'a Proposal,
    /// Who proposed it (the committer for proposals by value).
    pub sender: ProposalSender,
    /// Whether the Commit lists it by reference.
    pub by_reference: bool,
}

/// Whether `leaf` supports every non-default extension type of `extensions`
/// and the `required_capabilities` among them (RFC 9420 §11.1, §12.1.7, §13.4).
pub(crate) fn leaf_supports(
    leaf: &LeafNode,
    extensions: &[Extension],
) -> std::result::Result<(), &'static str> {
    GroupRequirements::new(extensions).supported_by(leaf)
}

/// What a leaf must support to be in a group with `extensions` (RFC 9420
/// §11.1, §12.1.7, §13.4), with `required_capabilities` decoded once, for
/// the checks that judge every leaf of a tree against the same extensions.
pub(crate) struct GroupRequirements<'a> {
    extensions: &'a [Extension],
    required: Option<RequiredCapabilities>,
}

impl<'a> GroupRequirements<'a> {
    /// The requirements of `extensions`. As `leaf_supports` always had it,
    /// a `required_capabilities` that does not decode requires nothing here
    /// (this is a support check, not the extension list's validation).
    pub(crate) fn new(extensions: &'a [Extension]) -> Self {
        let required = mls_codec::find_payload::<RequiredCapabilities>(extensions)
            .ok()
            .flatten();
        GroupRequirements {
            extensions,
            required,
        }
    }

    /// Whether `leaf` meets them; if not, what it lacks
    /// ([`crate::error::unsupported`]).
    pub(crate) fn supported_by(&self, leaf: &LeafNode) -> std::result::Result<(), &'static str> {
        let caps = &leaf.capabilities;
        for ext in self.extensions {
            if !ext.extension_type.is_default() && !caps.extensions.contains(&ext.extension_type) {
                return Err(unsupported::GROUP_EXTENSION);
            }
        }
        let Some(required) = &self.required else {
            return Ok(());
        };
        if required
            .extension_types
            .iter()
            .any(|t| !t.is_default() && !caps.extensions.contains(t))
        {
            return Err(unsupported::REQUIRED_EXTENSION);
        }
        if required
            .proposal_types
            .iter()
            .any(|t| !t.is_default() && !caps.proposals.contains(t))
        {
            return Err(unsupported::REQUIRED_PROPOSAL);
        }
        if required
            .credential_types
            .iter()
            .any(|t| !caps.credentials.contains(t))
        {
            return Err(unsupported::REQUIRED_CREDENTIAL);
        }
        Ok(())
    }
}

/// The inputs of list validation that come from the group.
pub(crate) struct ApplyContext<'a> {
    pub cs: &'a dyn CipherSuiteProvider,
    pub context: &'a GroupContext,
    pub committer: u32,
    pub leaf_policy: &'a LeafValidationPolicy,
    /// The application's proposal policy, if any (V-12.2-18).
    pub proposal_policy: Option<&'a dyn super::ProposalPolicy>,
    /// Where PreSharedKey proposals must resolve (V-12.4.2-06); `None` leaves
    /// that to the key schedule.
    pub psk_store: Option<&'a dyn PskStore>,
    /// The resumption usage (reinit or branch) that this Commit may inject:
    /// only the first Commit of a successor or branch group sets it (RFC
    /// 9420 §11.2, §11.3); every other list refuses those usages.
    pub restart_usage: Option<ResumptionPskUsage>,
    /// The application's proposal and extension types (RFC 9420 §13).
    pub custom: &'a crate::custom::CustomRegistry,
}
