//! The proposal cache of one epoch (RFC 9420 §12.1, C-12.1-02): proposals
//! received (or sent) in this epoch, by reference; cleared when the epoch
//! changes (V-12.1-03).

use mls_codec::{AuthenticatedContent, Proposal};
use mls_crypto::{CipherSuiteProvider, HpkePrivateKey};

use crate::Result;
use crate::proposal_sender::ProposalSender;

/// A ProposalRef: `MakeProposalRef` over the AuthenticatedContent that
/// carried the proposal (RFC 9420 §5.2).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProposalRef(pub Vec<u8>);

impl ProposalRef {
    /// Compute the reference of a proposal message (RFC 9420 §5.2).
    pub fn compute(cs: &dyn CipherSuiteProvider, content: &AuthenticatedContent) -> Result<Self> {
        let bytes = mls_codec::encode(content)?;
        Ok(ProposalRef(mls_crypto::labeled::make_proposal_ref(
            cs, &bytes,
        )?))
    }

    /// The reference bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// One cached proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CachedProposal {
    pub reference: ProposalRef,
    /// Who proposed it.
    pub sender: ProposalSender,
    pub proposal: Proposal,
    /// For our own Update proposals: the private key of the new leaf.
    pub update_key: Option<HpkePrivateKey>,
}

/// The proposals of the current epoch, in arrival order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ProposalCache {
    pub entries: Vec<CachedProposal>,
}

impl ProposalCache {
    /// Look a reference up.
    pub fn get(&self, reference: &[u8]) -> Option<&CachedProposal> {
        self.entries
            .iter()
            .find(|e| e.reference.as_bytes() == reference)
    }

    /// Add a proposal (a second copy of the same reference is ignored).
    pub fn insert(&mut self, entry: CachedProposal) {
        if self.get(entry.reference.as_bytes()).is_none() {
            self.entries.push(entry);
        }
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
