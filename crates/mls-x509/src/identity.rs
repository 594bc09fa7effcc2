//! Which client a certificate names (RFC 9420 §5.3.1: the application
//! decides what identity a credential presents, and whether a new
//! credential represents the same client as the old one).

use x509_cert::Certificate;
use x509_cert::der::Encode;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

/// Maps the member's (end-entity) certificate to a client identity.
///
/// Two credentials with equal identities are the same client: an Update or
/// a commit path may replace one with the other, and an external commit may
/// resync with it. `None`: the certificate names no client, and the
/// credential is refused.
pub trait IdentityMapper: Send + Sync {
    /// The identity of the client `certificate` names.
    fn identity(&self, certificate: &Certificate) -> Option<Vec<u8>>;
}

impl<F> IdentityMapper for F
where
    F: Fn(&Certificate) -> Option<Vec<u8>> + Send + Sync,
{
    fn identity(&self, certificate: &Certificate) -> Option<Vec<u8>> {
        self(certificate)
    }
}

/// The identity is the subject distinguished name (its DER encoding; names
/// are compared byte for byte, not with the RFC 4518 string preparation).
#[derive(Debug, Clone, Copy, Default)]
pub struct SubjectIdentity;

impl IdentityMapper for SubjectIdentity {
    fn identity(&self, certificate: &Certificate) -> Option<Vec<u8>> {
        let subject = certificate.tbs_certificate().subject();
        if subject.is_empty() {
            return None;
        }
        subject.to_der().ok()
    }
}

/// The identity is the first URI of the subjectAltName extension, else its
/// first DNS name, else its first email address (as the string's bytes).
#[derive(Debug, Clone, Copy, Default)]
pub struct SubjectAltNameIdentity;

impl IdentityMapper for SubjectAltNameIdentity {
    fn identity(&self, certificate: &Certificate) -> Option<Vec<u8>> {
        let (_, san) = certificate
            .tbs_certificate()
            .get_extension::<SubjectAltName>()
            .ok()??;
        let first = |pick: fn(&GeneralName) -> Option<&str>| san.0.iter().find_map(pick);
        let name = first(|n| match n {
            GeneralName::UniformResourceIdentifier(s) => Some(s.as_str()),
            _ => None,
        })
        .or_else(|| {
            first(|n| match n {
                GeneralName::DnsName(s) => Some(s.as_str()),
                _ => None,
            })
        })
        .or_else(|| {
            first(|n| match n {
                GeneralName::Rfc822Name(s) => Some(s.as_str()),
                _ => None,
            })
        })?;
        (!name.is_empty()).then(|| name.as_bytes().to_vec())
    }
}
