//! Why a certificate chain was refused. Each variant names the check of
//! RFC 5280 §6.1 (path validation) or RFC 9420 §5.3.1 that failed, and the
//! position of the certificate in the chain (0: the member's own).

use thiserror::Error;

/// A refused X.509 credential.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum X509Error {
    /// RFC 9420 §5.3: an `x509` credential with no certificate.
    #[error("RFC 9420 §5.3: the x509 credential holds no certificate")]
    EmptyChain,
    /// The credential is not of type `x509`.
    #[error("RFC 9420 §5.3: not an x509 credential")]
    NotX509,
    /// More certificates than [`ChainLimits::max_chain_len`](crate::ChainLimits).
    #[error("the chain holds {len} certificates, at most {max} are accepted")]
    ChainTooLong {
        /// Certificates in the chain.
        len: usize,
        /// The configured limit.
        max: usize,
    },
    /// A certificate larger than [`ChainLimits::max_certificate_len`](crate::ChainLimits).
    #[error("certificate {index} is {len} bytes, at most {max} are accepted")]
    CertificateTooLarge {
        /// Position in the chain.
        index: usize,
        /// Its length.
        len: usize,
        /// The configured limit.
        max: usize,
    },
    /// A certificate that does not decode as DER X.509 (RFC 5280 §4.1).
    #[error("certificate {index} does not decode: {reason}")]
    Malformed {
        /// Position in the chain.
        index: usize,
        /// The decoder's message.
        reason: String,
    },
    /// A signature or public-key algorithm outside the seven RFC 9420 suites'
    /// signature schemes.
    #[error("certificate {index}: unsupported algorithm {oid}")]
    UnsupportedAlgorithm {
        /// Position in the chain.
        index: usize,
        /// The algorithm's object identifier.
        oid: String,
    },
    /// RFC 5280 §6.1.3 (a)(2): the current time is before `notBefore`.
    #[error("certificate {index} is not valid before {not_before} (now {now})")]
    NotYetValid {
        /// Position in the chain.
        index: usize,
        /// `notBefore`, seconds since the Unix epoch.
        not_before: u64,
        /// The clock's time.
        now: u64,
    },
    /// RFC 5280 §6.1.3 (a)(2): the current time is after `notAfter`.
    #[error("certificate {index} expired at {not_after} (now {now})")]
    Expired {
        /// Position in the chain.
        index: usize,
        /// `notAfter`, seconds since the Unix epoch.
        not_after: u64,
        /// The clock's time.
        now: u64,
    },
    /// RFC 5280 §6.1.3 (a)(4): the issuer name is not the next certificate's
    /// subject.
    #[error("certificate {index}: its issuer is not the subject of certificate {}", index + 1)]
    IssuerMismatch {
        /// Position in the chain.
        index: usize,
    },
    /// RFC 5280 §6.1.3 (a)(1): the signature does not verify with the
    /// issuer's key.
    #[error("certificate {index}: its signature does not verify with its issuer's key")]
    BadSignature {
        /// Position in the chain.
        index: usize,
    },
    /// RFC 5280 §6.1.4 (k): an issuing certificate without the CA basic
    /// constraint.
    #[error("certificate {index} issues a certificate but is not a CA (basicConstraints)")]
    NotCa {
        /// Position in the chain.
        index: usize,
    },
    /// RFC 5280 §6.1.4 (l), (m): more intermediate CAs below this one than its
    /// `pathLenConstraint` allows.
    #[error(
        "certificate {index}: {below} intermediate CA certificates below it, its pathLenConstraint allows {max}"
    )]
    PathTooLong {
        /// Position in the chain.
        index: usize,
        /// Intermediate CA certificates between it and the member's certificate.
        below: usize,
        /// Its `pathLenConstraint`.
        max: u8,
    },
    /// RFC 5280 §4.2.1.3, §6.1.4 (n): a key usage that does not allow the
    /// certificate's role (keyCertSign for an issuer, digitalSignature for
    /// the member's certificate).
    #[error("certificate {index}: its keyUsage does not allow {usage}")]
    KeyUsage {
        /// Position in the chain.
        index: usize,
        /// The usage the role needs.
        usage: &'static str,
    },
    /// RFC 5280 §4.2, §6.1.4 (o): a critical extension this validator does
    /// not process.
    #[error("certificate {index}: unsupported critical extension {oid}")]
    UnsupportedCriticalExtension {
        /// Position in the chain.
        index: usize,
        /// The extension's object identifier.
        oid: String,
    },
    /// RFC 5280 §6.1: the chain does not end at a trust anchor (its last
    /// certificate is no anchor and no anchor issued it).
    #[error("the chain does not end at a trust anchor")]
    UntrustedRoot,
    /// RFC 9420 §5.3.1: the member certificate's public key is not the leaf
    /// node's signature key.
    #[error("RFC 9420 §5.3.1: the certificate's public key is not the leaf's signature key")]
    KeyMismatch,
    /// The identity mapper found no identity in the member's certificate.
    #[error("the identity mapper finds no identity in the member's certificate")]
    NoIdentity,
}
