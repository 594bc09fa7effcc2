//! Certificate path validation (RFC 5280 §6.1, restricted to what MLS
//! needs): the chain of an `x509` credential, member certificate first
//! (RFC 9420 §5.3), is checked from the cheapest check to the dearest, so a
//! hostile chain costs at most its size limits before it is refused:
//!
//! 1. counts and sizes ([`ChainLimits`]), before anything is parsed;
//! 2. DER decoding of every certificate;
//! 3. per certificate: validity period, critical extensions, basic
//!    constraints, path length, key usage, and name chaining;
//! 4. the end at a trust anchor;
//! 5. only then the signatures, one per link.
//!
//! Names are compared byte for byte (DER), not with RFC 4518 string
//! preparation; revocation (CRL, OCSP) and name constraints are not
//! checked, and a critical nameConstraints or policy extension is refused
//! rather than ignored (RFC 5280 §4.2).

use mls_crypto::CryptoProvider;
use x509_cert::Certificate;
use x509_cert::der::oid::db::rfc5280;
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage};

use crate::algorithm::{public_key, signature_scheme, verify};
use crate::{Result, X509Error};

/// Bounds on the work a chain may cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainLimits {
    /// Most certificates in one chain (member certificate included).
    pub max_chain_len: usize,
    /// Most bytes of one DER certificate.
    pub max_certificate_len: usize,
}

impl Default for ChainLimits {
    /// 8 certificates of at most 16 KiB each.
    fn default() -> Self {
        ChainLimits {
            max_chain_len: 8,
            max_certificate_len: 16 * 1024,
        }
    }
}

/// A chain that passed every check of [`verify_chain`].
#[derive(Debug, Clone)]
pub struct VerifiedChain {
    certificates: Vec<Certificate>,
}

impl VerifiedChain {
    /// The member's (end-entity) certificate.
    pub fn end_entity(&self) -> &Certificate {
        // `verify_chain` refuses an empty chain.
        &self.certificates[0]
    }

    /// Every certificate of the chain, member certificate first.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }
}

/// The extensions this validator processes; any other critical extension
/// makes the certificate unusable (RFC 5280 §4.2). Key identifiers guide
/// path building only and constrain nothing.
const KNOWN_CRITICAL: [x509_cert::der::asn1::ObjectIdentifier; 5] = [
    rfc5280::ID_CE_BASIC_CONSTRAINTS,
    rfc5280::ID_CE_KEY_USAGE,
    rfc5280::ID_CE_SUBJECT_ALT_NAME,
    rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER,
    rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER,
];

/// Check bounds and decode every certificate of `chain` (DER, member
/// certificate first).
pub(crate) fn decode_chain(chain: &[&[u8]], limits: &ChainLimits) -> Result<Vec<Certificate>> {
    if chain.is_empty() {
        return Err(X509Error::EmptyChain);
    }
    if chain.len() > limits.max_chain_len {
        return Err(X509Error::ChainTooLong {
            len: chain.len(),
            max: limits.max_chain_len,
        });
    }
    if let Some((index, der)) = chain
        .iter()
        .enumerate()
        .find(|(_, der)| der.len() > limits.max_certificate_len)
    {
        return Err(X509Error::CertificateTooLarge {
            index,
            len: der.len(),
            max: limits.max_certificate_len,
        });
    }
    chain
        .iter()
        .enumerate()
        .map(|(index, der)| decode_certificate(index, der))
        .collect()
}

/// One DER certificate.
pub(crate) fn decode_certificate(index: usize, der: &[u8]) -> Result<Certificate> {
    Certificate::from_der(der).map_err(|e| X509Error::Malformed {
        index,
        reason: e.to_string(),
    })
}

/// Validate `chain` (DER certificates, member certificate first, RFC 9420
/// §5.3) at time `now` (seconds since the Unix epoch) against `anchors`:
/// the last certificate must be one of them or be issued by one. Signatures
/// are verified with `provider`.
pub fn verify_chain(
    chain: &[&[u8]],
    anchors: &[Certificate],
    now: u64,
    provider: &dyn CryptoProvider,
    limits: &ChainLimits,
) -> Result<VerifiedChain> {
    verify_decoded(decode_chain(chain, limits)?, anchors, now, provider)
}

/// [`verify_chain`] after decoding (steps 3 to 5).
pub(crate) fn verify_decoded(
    certificates: Vec<Certificate>,
    anchors: &[Certificate],
    now: u64,
    provider: &dyn CryptoProvider,
) -> Result<VerifiedChain> {
    if certificates.is_empty() {
        return Err(X509Error::EmptyChain);
    }
    for (index, certificate) in certificates.iter().enumerate() {
        check_validity(index, certificate, now)?;
        check_extensions(index, certificate)?;
        if index > 0 {
            check_issuer(index, certificate, index - 1)?;
        }
    }
    for (index, pair) in certificates.windows(2).enumerate() {
        if pair[0].tbs_certificate().issuer() != pair[1].tbs_certificate().subject() {
            return Err(X509Error::IssuerMismatch { index });
        }
    }
    let last = certificates.len() - 1;
    let anchor = find_anchor(&certificates[last], anchors)?;
    if let Some(anchor) = anchor {
        // The anchor issues the last certificate: its constraints bound
        // every intermediate of the chain.
        check_issuer(last + 1, anchor, last)?;
    }
    for (index, pair) in certificates.windows(2).enumerate() {
        check_signature(index, &pair[0], &pair[1], provider)?;
    }
    if let Some(anchor) = anchor {
        check_signature(last, &certificates[last], anchor, provider)?;
    }
    Ok(VerifiedChain { certificates })
}

/// RFC 5280 §6.1.3 (a)(2).
fn check_validity(index: usize, certificate: &Certificate, now: u64) -> Result<()> {
    let validity = certificate.tbs_certificate().validity();
    let not_before = validity.not_before.to_unix_duration().as_secs();
    let not_after = validity.not_after.to_unix_duration().as_secs();
    if now < not_before {
        return Err(X509Error::NotYetValid {
            index,
            not_before,
            now,
        });
    }
    if now > not_after {
        return Err(X509Error::Expired {
            index,
            not_after,
            now,
        });
    }
    Ok(())
}

/// RFC 5280 §4.2: every critical extension is one this validator
/// processes; the member certificate, if it has a key usage, allows
/// digitalSignature (RFC 5280 §4.2.1.3: MLS signs with it).
fn check_extensions(index: usize, certificate: &Certificate) -> Result<()> {
    let tbs = certificate.tbs_certificate();
    for extension in tbs.extensions().into_iter().flatten() {
        if extension.critical && !KNOWN_CRITICAL.contains(&extension.extn_id) {
            return Err(X509Error::UnsupportedCriticalExtension {
                index,
                oid: extension.extn_id.to_string(),
            });
        }
    }
    if index == 0
        && let Some(usage) = key_usage(index, certificate)?
        && !usage.digital_signature()
    {
        return Err(X509Error::KeyUsage {
            index,
            usage: "digitalSignature",
        });
    }
    Ok(())
}

/// RFC 5280 §6.1.4 (k)-(n): `issuer` (at `index`; `chain.len()` for the
/// anchor) signs certificates: it is a CA, its path length constraint
/// allows the `intermediates_below` CA certificates between it and the member
/// certificate, and its key usage, if present, allows keyCertSign.
fn check_issuer(index: usize, issuer: &Certificate, intermediates_below: usize) -> Result<()> {
    let constraints = issuer
        .tbs_certificate()
        .get_extension::<BasicConstraints>()
        .map_err(|e| X509Error::Malformed {
            index,
            reason: e.to_string(),
        })?;
    let Some((_, constraints)) = constraints.filter(|(_, c)| c.ca) else {
        return Err(X509Error::NotCa { index });
    };
    if let Some(max) = constraints.path_len_constraint
        && intermediates_below > usize::from(max)
    {
        return Err(X509Error::PathTooLong {
            index,
            below: intermediates_below,
            max,
        });
    }
    if let Some(usage) = key_usage(index, issuer)?
        && !usage.key_cert_sign()
    {
        return Err(X509Error::KeyUsage {
            index,
            usage: "keyCertSign",
        });
    }
    Ok(())
}

fn key_usage(index: usize, certificate: &Certificate) -> Result<Option<KeyUsage>> {
    certificate
        .tbs_certificate()
        .get_extension::<KeyUsage>()
        .map(|found| found.map(|(_, usage)| usage))
        .map_err(|e| X509Error::Malformed {
            index,
            reason: e.to_string(),
        })
}

/// RFC 5280 §6.1: `None` when the last certificate is itself an anchor,
/// else the anchor that names it as issuer; `UntrustedRoot` when neither.
fn find_anchor<'a>(
    last: &Certificate,
    anchors: &'a [Certificate],
) -> Result<Option<&'a Certificate>> {
    if anchors.iter().any(|anchor| anchor == last) {
        return Ok(None);
    }
    anchors
        .iter()
        .find(|anchor| anchor.tbs_certificate().subject() == last.tbs_certificate().issuer())
        .map(Some)
        .ok_or(X509Error::UntrustedRoot)
}

/// RFC 5280 §6.1.3 (a)(1): `subject` (at `index`) is signed by `issuer`'s
/// key with an algorithm of an MLS signature scheme matching that key.
fn check_signature(
    index: usize,
    subject: &Certificate,
    issuer: &Certificate,
    provider: &dyn CryptoProvider,
) -> Result<()> {
    let algorithm = &subject.signature_algorithm().oid;
    let scheme = signature_scheme(algorithm).ok_or_else(|| X509Error::UnsupportedAlgorithm {
        index,
        oid: algorithm.to_string(),
    })?;
    let (key_scheme, key) = public_key(
        index + 1,
        issuer.tbs_certificate().subject_public_key_info(),
    )?;
    if key_scheme != scheme {
        return Err(X509Error::UnsupportedAlgorithm {
            index,
            oid: algorithm.to_string(),
        });
    }
    let tbs = subject
        .tbs_certificate()
        .to_der()
        .map_err(|e| X509Error::Malformed {
            index,
            reason: e.to_string(),
        })?;
    let signature = subject
        .signature()
        .as_bytes()
        .ok_or(X509Error::BadSignature { index })?;
    verify(provider, scheme, key, &tbs, signature).map_err(|()| X509Error::BadSignature { index })
}
