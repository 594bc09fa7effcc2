//! The credential validator the group engine calls (RFC 9420 §5.3.1,
//! §7.3 step 1): X.509 chains validated against trust anchors, identities
//! by the application's mapping.

use std::fmt;
use std::sync::Arc;

use mls_codec::Credential;
use mls_crypto::CryptoProvider;
use mls_treekem::{Clock, CredentialValidator, SystemClock};
use x509_cert::Certificate;

use crate::algorithm::public_key;
use crate::chain::{ChainLimits, VerifiedChain, decode_certificate, decode_chain, verify_decoded};
use crate::identity::{IdentityMapper, SubjectIdentity};
use crate::{Result, X509Error};

/// Decides whether a change of identity in a leaf's credential is allowed:
/// called with the old and the new identity.
pub type IdentityChangePolicy = dyn Fn(&[u8], &[u8]) -> bool + Send + Sync;

/// A [`CredentialValidator`] for `x509` credentials; every other
/// credential type is refused. Build it with
/// [`X509CredentialValidator::builder`] and put it in the group's
/// configuration (`GroupConfig::builder().credential_validator(..)`),
/// with the same clock as the group.
#[derive(Clone)]
pub struct X509CredentialValidator {
    anchors: Vec<Certificate>,
    provider: Arc<dyn CryptoProvider>,
    clock: Arc<dyn Clock>,
    mapper: Arc<dyn IdentityMapper>,
    limits: ChainLimits,
    identity_change: Option<Arc<IdentityChangePolicy>>,
}

impl fmt::Debug for X509CredentialValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("X509CredentialValidator")
            .field("anchors", &self.anchors.len())
            .field("limits", &self.limits)
            .field("identity_change", &self.identity_change.is_some())
            .finish_non_exhaustive()
    }
}

/// A validated credential: its chain and the identity it presents.
#[derive(Debug, Clone)]
pub struct ValidatedCredential {
    /// The verified chain.
    pub chain: VerifiedChain,
    /// The client identity (by the validator's [`IdentityMapper`]).
    pub identity: Vec<u8>,
}

impl X509CredentialValidator {
    /// A builder verifying signatures with `provider`.
    pub fn builder(provider: Arc<dyn CryptoProvider>) -> X509CredentialValidatorBuilder {
        X509CredentialValidatorBuilder {
            validator: X509CredentialValidator {
                anchors: Vec::new(),
                provider,
                clock: Arc::new(SystemClock),
                mapper: Arc::new(SubjectIdentity),
                limits: ChainLimits::default(),
                identity_change: None,
            },
        }
    }

    /// Every check of the crate docs on `credential` for a leaf whose
    /// signature key is `signature_key`, with the reason of a refusal.
    pub fn validate(
        &self,
        credential: &Credential,
        signature_key: &[u8],
    ) -> Result<ValidatedCredential> {
        let certificates = decode_chain(&self.chain_der(credential)?, &self.limits)?;
        // The key binding (RFC 9420 §5.3.1) and the identity are cheap:
        // checked before any signature is verified.
        let end_entity = &certificates[0];
        let (_, key) = public_key(0, end_entity.tbs_certificate().subject_public_key_info())?;
        if key != signature_key {
            return Err(X509Error::KeyMismatch);
        }
        let identity = self
            .mapper
            .identity(end_entity)
            .ok_or(X509Error::NoIdentity)?;
        let chain = verify_decoded(
            certificates,
            &self.anchors,
            self.clock.now(),
            self.provider.as_ref(),
        )?;
        Ok(ValidatedCredential { chain, identity })
    }

    /// The identity `credential` presents, read from its member certificate
    /// alone (the chain is validated by [`Self::validate`]).
    pub fn identity_of(&self, credential: &Credential) -> Result<Vec<u8>> {
        let chain = self.chain_der(credential)?;
        // Only the member certificate is decoded, within the size limit.
        let member = decode_chain(chain.get(..1).unwrap_or_default(), &self.limits)?;
        self.mapper
            .identity(&member[0])
            .ok_or(X509Error::NoIdentity)
    }

    /// The DER certificates of an `x509` credential (bounds are checked
    /// by `decode_chain`).
    fn chain_der<'c>(&self, credential: &'c Credential) -> Result<Vec<&'c [u8]>> {
        let Credential::X509 { certificates } = credential else {
            return Err(X509Error::NotX509);
        };
        Ok(certificates
            .iter()
            .map(|c| c.cert_data.as_slice())
            .collect())
    }
}

impl CredentialValidator for X509CredentialValidator {
    fn accept(&self, credential: &Credential, signature_key: &[u8]) -> bool {
        match self.validate(credential, signature_key) {
            Ok(_) => true,
            Err(error) => {
                tracing::debug!(%error, "x509 credential refused");
                false
            }
        }
    }

    /// RFC 9420 §5.3.1: the same client is the same mapped identity; a
    /// change is allowed only where the application's policy says so.
    fn valid_successor(&self, old: &Credential, new: &Credential) -> bool {
        match (self.identity_of(old), self.identity_of(new)) {
            (Ok(old), Ok(new)) => {
                old == new
                    || self
                        .identity_change
                        .as_ref()
                        .is_some_and(|allow| allow(&old, &new))
            }
            _ => false,
        }
    }

    fn identity(&self, credential: &Credential) -> Option<Vec<u8>> {
        self.identity_of(credential).ok()
    }
}

/// Builds an [`X509CredentialValidator`].
#[must_use]
pub struct X509CredentialValidatorBuilder {
    validator: X509CredentialValidator,
}

impl X509CredentialValidatorBuilder {
    /// Trust `anchor` (a DER certificate): chains ending at it, or issued by
    /// it, are accepted.
    pub fn trust_anchor_der(mut self, anchor: &[u8]) -> Result<Self> {
        self.validator.anchors.push(decode_certificate(0, anchor)?);
        Ok(self)
    }

    /// Trust `anchor`.
    pub fn trust_anchor(mut self, anchor: Certificate) -> Self {
        self.validator.anchors.push(anchor);
        self
    }

    /// The clock validity periods are checked against (default: the system
    /// clock; give the group's clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.validator.clock = clock;
        self
    }

    /// How a certificate maps to a client identity (default:
    /// [`SubjectIdentity`]).
    pub fn identity_mapper(mut self, mapper: Arc<dyn IdentityMapper>) -> Self {
        self.validator.mapper = mapper;
        self
    }

    /// Bounds on chain length and certificate size.
    pub fn limits(mut self, limits: ChainLimits) -> Self {
        self.validator.limits = limits;
        self
    }

    /// Allow a leaf's credential to change identity where `policy(old, new)`
    /// says so (default: never; RFC 9420 §5.3.1).
    pub fn allow_identity_change(
        mut self,
        policy: impl Fn(&[u8], &[u8]) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.validator.identity_change = Some(Arc::new(policy));
        self
    }

    /// The validator.
    pub fn build(self) -> X509CredentialValidator {
        self.validator
    }
}
