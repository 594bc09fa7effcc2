//! The registry of application-defined proposal and extension types (RFC
//! 9420 §13, §17.4 "Path Required"): what an application registers, and
//! the views its hooks see.

use std::collections::BTreeMap;
use std::sync::Arc;

use mls_codec::{
    Capabilities, Extension, ExtensionContainer, ExtensionType, GroupContext, ProposalType,
};

use crate::proposal_sender::ProposalSender;
use crate::{Misuse, Result};

/// A custom proposal as its [`CustomProposalHandler`] sees it.
#[derive(Clone, Copy, Debug)]
pub struct CustomProposal<'a> {
    /// The registered type.
    pub proposal_type: ProposalType,
    /// The body (the proposal's `opaque data<V>` after its type).
    pub body: &'a [u8],
    /// Who proposed it (for proposals by value, the committer).
    pub sender: ProposalSender,
    /// The GroupContext of the epoch the proposal belongs to.
    pub context: &'a GroupContext,
}

/// What an accepted custom proposal does to the group itself, beyond what
/// the application does with it at merge.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomEffect {
    /// GroupContext extensions to set when the Commit is applied: each
    /// replaces the extension of its type, or is added. Checked like a
    /// GroupContextExtensions proposal (types allowed in the GroupContext,
    /// every member staying or joining supports them; RFC 9420 §12.1.7,
    /// §13.4). Committer and receivers apply them in the same list checker.
    pub group_context_extensions: Vec<Extension>,
}

/// A hook's refusal, with the reason shown in the error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomRefusal {
    /// Why, as a sentence.
    pub reason: String,
}

impl CustomRefusal {
    /// A refusal for `reason`.
    pub fn new(reason: impl Into<String>) -> Self {
        CustomRefusal {
            reason: reason.into(),
        }
    }
}

/// The validation of one application-defined proposal type.
pub trait CustomProposalHandler: Send + Sync {
    /// Accept `proposal` (with its effect on the GroupContext, if any) or
    /// refuse it. Called at receipt of a standalone proposal, when one is
    /// sent, and for every custom proposal of a Commit (by the committer
    /// and by every receiver), so it must decide the same way on every
    /// member: it sees nothing but its arguments.
    fn validate(
        &self,
        proposal: &CustomProposal<'_>,
    ) -> std::result::Result<CustomEffect, CustomRefusal>;
}

/// The validation of one application-defined extension type.
pub trait CustomExtensionHandler: Send + Sync {
    /// Accept or refuse the data of an extension of this type found in
    /// `container` (one the registration allows).
    fn validate(
        &self,
        container: ExtensionContainer,
        data: &[u8],
    ) -> std::result::Result<(), CustomRefusal>;
}

/// A custom proposal covered by a Commit, as [`crate::CommitInfo`]
/// reports it: the application applies its effect when it merges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommittedCustomProposal {
    /// Who proposed it (the committer for proposals by value).
    pub sender: ProposalSender,
    /// Its type.
    pub proposal_type: ProposalType,
    /// Its body.
    pub body: Vec<u8>,
}

/// One registered proposal type.
#[derive(Clone)]
pub(crate) struct ProposalEntry {
    /// Whether a Commit covering it needs an UpdatePath (RFC 9420 §12.4).
    pub path_required: bool,
    pub handler: Arc<dyn CustomProposalHandler>,
}

/// One registered extension type.
#[derive(Clone)]
struct ExtensionEntry {
    contexts: Vec<ExtensionContainer>,
    handler: Arc<dyn CustomExtensionHandler>,
}

/// The application's proposal and extension types (RFC 9420 §13). Cheap to
/// clone (shared); empty by default. Built with [`CustomRegistry::builder`].
#[derive(Clone, Default)]
pub struct CustomRegistry {
    proposals: Arc<BTreeMap<u16, ProposalEntry>>,
    extensions: Arc<BTreeMap<u16, ExtensionEntry>>,
}

impl std::fmt::Debug for CustomRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomRegistry")
            .field("proposal_types", &self.proposals.keys().collect::<Vec<_>>())
            .field(
                "extension_types",
                &self.extensions.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// The registry of contexts that take no custom type (external Commits).
static EMPTY: std::sync::LazyLock<CustomRegistry> =
    std::sync::LazyLock::new(CustomRegistry::default);

impl CustomRegistry {
    /// A shared empty registry.
    pub(crate) fn empty() -> &'static CustomRegistry {
        &EMPTY
    }

    /// An empty builder.
    pub fn builder() -> CustomRegistryBuilder {
        CustomRegistryBuilder::default()
    }

    /// Whether nothing is registered.
    pub fn is_empty(&self) -> bool {
        self.proposals.is_empty() && self.extensions.is_empty()
    }

    /// The registered proposal types, in code-point order.
    pub fn proposal_types(&self) -> impl Iterator<Item = ProposalType> + '_ {
        self.proposals.keys().map(|t| ProposalType(*t))
    }

    /// The registered extension types, in code-point order.
    pub fn extension_types(&self) -> impl Iterator<Item = ExtensionType> + '_ {
        self.extensions.keys().map(|t| ExtensionType(*t))
    }

    /// Whether `proposal_type` is registered.
    pub fn has_proposal_type(&self, proposal_type: ProposalType) -> bool {
        self.proposals.contains_key(&proposal_type.0)
    }

    /// The registration of a proposal type.
    pub(crate) fn proposal(&self, proposal_type: ProposalType) -> Option<&ProposalEntry> {
        self.proposals.get(&proposal_type.0)
    }

    /// Whether a Commit covering `proposal_type` needs an UpdatePath (RFC
    /// 9420 §12.4, §17.4): the registry's column for the RFC's types, the
    /// registration for custom ones, and yes for any other type.
    pub fn path_required(&self, proposal_type: ProposalType) -> bool {
        proposal_type
            .path_required()
            .or_else(|| self.proposal(proposal_type).map(|e| e.path_required))
            .unwrap_or(true)
    }

    /// Add the registered types to our own `capabilities` (RFC 9420 §7.2,
    /// §13: a client lists the non-default types it supports; never
    /// GREASE, which cannot be registered).
    pub fn advertise(&self, capabilities: &mut Capabilities) {
        for t in self.proposal_types() {
            if !capabilities.proposals.contains(&t) {
                capabilities.proposals.push(t);
            }
        }
        for t in self.extension_types() {
            if !capabilities.extensions.contains(&t) {
                capabilities.extensions.push(t);
            }
        }
    }

    /// Check `extension` found in `container` against its registration:
    /// accepted when its type is not registered (RFC 9420 §13.4 handles it
    /// as before), or when allowed there and accepted by its hook.
    pub fn check_extension(
        &self,
        container: ExtensionContainer,
        extension: &Extension,
    ) -> std::result::Result<(), CustomRefusal> {
        let Some(entry) = self.extensions.get(&extension.extension_type.0) else {
            return Ok(());
        };
        if !entry.contexts.contains(&container) {
            return Err(CustomRefusal::new(format!(
                "extension type 0x{:04x} is not registered for {container:?}",
                extension.extension_type.0
            )));
        }
        entry
            .handler
            .validate(container, extension.extension_data.as_slice())
    }
}

/// The registry is the leaf validation's extension check (RFC 9420 §13),
/// so every received leaf, KeyPackage, GroupContext and GroupInfo is
/// checked by the one function [`CustomRegistry::check_extension`].
impl mls_treekem::ExtensionValidator for CustomRegistry {
    fn check(
        &self,
        container: ExtensionContainer,
        extension: &Extension,
    ) -> std::result::Result<(), String> {
        self.check_extension(container, extension)
            .map_err(|r| r.reason)
    }
}

/// Check every extension of `list`, found in `container`, with the
/// application's types of `policy` (RFC 9420 §13, V-13-03): the first
/// refused one's type and reason.
pub(crate) fn check_custom_extensions(
    policy: &mls_treekem::LeafValidationPolicy,
    container: ExtensionContainer,
    list: &[Extension],
) -> std::result::Result<(), (u16, String)> {
    let Some(validator) = &policy.extension_validator else {
        return Ok(());
    };
    list.iter().try_for_each(|e| {
        validator
            .check(container, e)
            .map_err(|reason| (e.extension_type.0, reason))
    })
}

/// Builds a [`CustomRegistry`]; each registration is checked (RFC 9420
/// §13, §13.5): not a code point of the RFC's own types, not 0, not GREASE,
/// not twice.
#[derive(Default)]
#[must_use = "a CustomRegistryBuilder does nothing until build()"]
pub struct CustomRegistryBuilder {
    proposals: BTreeMap<u16, ProposalEntry>,
    extensions: BTreeMap<u16, ExtensionEntry>,
}

impl std::fmt::Debug for CustomRegistryBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomRegistryBuilder")
            .field("proposal_types", &self.proposals.keys().collect::<Vec<_>>())
            .field(
                "extension_types",
                &self.extensions.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// A code point an application may register: not reserved (0), not one of
/// the RFC's own (`is_default`), not GREASE (§13.5: GREASE values are never
/// used as real types).
fn check_code_point(code: u16, is_default: bool) -> Result<()> {
    if code == 0 || is_default {
        return Err(Misuse::CustomRegistration("a code point of RFC 9420's own types").into());
    }
    if mls_codec::GREASE_VALUES.contains(&code) {
        return Err(Misuse::CustomRegistration("a GREASE value (RFC 9420 §13.5)").into());
    }
    Ok(())
}

impl CustomRegistryBuilder {
    /// Register proposal type `code`: `path_required` says whether a Commit
    /// covering it needs an UpdatePath (RFC 9420 §12.4), `handler` validates
    /// each proposal.
    pub fn proposal_type(
        mut self,
        code: u16,
        path_required: bool,
        handler: Arc<dyn CustomProposalHandler>,
    ) -> Result<Self> {
        check_code_point(code, ProposalType(code).is_default())?;
        if self.proposals.contains_key(&code) {
            return Err(Misuse::CustomRegistration("a proposal type registered twice").into());
        }
        self.proposals.insert(
            code,
            ProposalEntry {
                path_required,
                handler,
            },
        );
        Ok(self)
    }

    /// Register extension type `code`, allowed in `contexts` (RFC 9420
    /// §13.4), validated by `handler`.
    pub fn extension_type(
        mut self,
        code: u16,
        contexts: &[ExtensionContainer],
        handler: Arc<dyn CustomExtensionHandler>,
    ) -> Result<Self> {
        check_code_point(code, ExtensionType(code).is_default())?;
        if self.extensions.contains_key(&code) {
            return Err(Misuse::CustomRegistration("an extension type registered twice").into());
        }
        if contexts.is_empty() {
            return Err(Misuse::CustomRegistration("an extension type allowed nowhere").into());
        }
        self.extensions.insert(
            code,
            ExtensionEntry {
                contexts: contexts.to_vec(),
                handler,
            },
        );
        Ok(self)
    }

    /// The registry.
    pub fn build(self) -> CustomRegistry {
        CustomRegistry {
            proposals: Arc::new(self.proposals),
            extensions: Arc::new(self.extensions),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Accept;
    impl CustomProposalHandler for Accept {
        fn validate(
            &self,
            _: &CustomProposal<'_>,
        ) -> std::result::Result<CustomEffect, CustomRefusal> {
            Ok(CustomEffect::default())
        }
    }

    #[test]
    fn rfc_types_zero_grease_and_repeats_cannot_be_registered() {
        let h: Arc<dyn CustomProposalHandler> = Arc::new(Accept);
        for code in [0u16, 1, 7, 0x0a0a, 0xeaea] {
            let err = CustomRegistry::builder()
                .proposal_type(code, false, h.clone())
                .expect_err("refused");
            assert!(
                matches!(
                    err,
                    crate::GroupError::Misuse(Misuse::CustomRegistration(_))
                ),
                "{code:#x}: {err}"
            );
        }
        let twice = CustomRegistry::builder()
            .proposal_type(0xf000, false, h.clone())
            .unwrap()
            .proposal_type(0xf000, true, h.clone());
        assert!(twice.is_err());
        let r = CustomRegistry::builder()
            .proposal_type(0xf000, false, h.clone())
            .unwrap()
            .proposal_type(0xf001, true, h)
            .unwrap()
            .build();
        assert!(!r.path_required(ProposalType(0xf000)));
        assert!(r.path_required(ProposalType(0xf001)));
        // Unregistered: treated as requiring a path; the RFC's own by §17.4.
        assert!(r.path_required(ProposalType(0xf002)));
        assert!(!r.path_required(ProposalType::ADD));
        let mut caps = Capabilities::default();
        r.advertise(&mut caps);
        r.advertise(&mut caps);
        assert_eq!(
            caps.proposals,
            vec![ProposalType(0xf000), ProposalType(0xf001)]
        );
    }
}
