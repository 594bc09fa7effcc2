//! A test PKI: P-256 CAs issuing certificates for MLS signature keys, built
//! with `x509-cert`'s certificate builder. Every knob a bad-input test
//! needs (validity, CA flag, path length, key usage, extra extensions) is a
//! field of [`Spec`].

#![allow(dead_code, clippy::unwrap_used)]

use std::str::FromStr;
use std::time::{Duration, UNIX_EPOCH};

use mls_x509::x509_cert::builder::profile::BuilderProfile;
use mls_x509::x509_cert::builder::{Builder, CertificateBuilder};
use mls_x509::x509_cert::certificate::TbsCertificate;
use mls_x509::x509_cert::der::asn1::{Any, BitString, ObjectIdentifier, OctetString};
use mls_x509::x509_cert::der::oid::AssociatedOid;
use mls_x509::x509_cert::der::oid::db::rfc5912;
use mls_x509::x509_cert::der::{Decode, Encode};
use mls_x509::x509_cert::ext::Extension;
use mls_x509::x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};
use mls_x509::x509_cert::name::Name;
use mls_x509::x509_cert::serial_number::SerialNumber;
use mls_x509::x509_cert::spki::{
    AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef,
};
use mls_x509::x509_cert::time::{Time, Validity};
use mls_x509::x509_cert::{Certificate, builder};
use p256::ecdsa::{DerSignature, SigningKey};

/// The tests' "now": 2026-06-01T00:00:00Z.
pub const NOW: u64 = 1_780_272_000;
pub const DAY: u64 = 86_400;

/// What to put in a certificate.
#[derive(Clone)]
pub struct Spec {
    pub subject: String,
    pub not_before: u64,
    pub not_after: u64,
    /// `Some(path_len)`: a CA (basicConstraints cA, critical).
    pub ca: Option<Option<u8>>,
    pub key_usage: Option<KeyUsage>,
    pub extra: Vec<Extension>,
}

impl Spec {
    pub fn leaf(subject: &str) -> Self {
        Spec {
            subject: subject.into(),
            not_before: NOW - DAY,
            not_after: NOW + 365 * DAY,
            ca: None,
            key_usage: Some(KeyUsage(KeyUsages::DigitalSignature.into())),
            extra: Vec::new(),
        }
    }

    pub fn ca(subject: &str, path_len: Option<u8>) -> Self {
        Spec {
            ca: Some(path_len),
            key_usage: Some(KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign)),
            ..Spec::leaf(subject)
        }
    }
}

struct Profile {
    subject: Name,
    issuer: Name,
    extensions: Vec<Extension>,
}

impl BuilderProfile for Profile {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }
    fn get_subject(&self) -> Name {
        self.subject.clone()
    }
    fn build_extensions(
        &self,
        _spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        _tbs: &TbsCertificate,
    ) -> builder::Result<Vec<Extension>> {
        Ok(self.extensions.clone())
    }
}

pub fn extension<T: AssociatedOid + Encode>(value: &T, critical: bool) -> Extension {
    Extension {
        extn_id: T::OID,
        critical,
        extn_value: OctetString::new(value.to_der().unwrap()).unwrap(),
    }
}

fn time(secs: u64) -> Time {
    Time::try_from(UNIX_EPOCH + Duration::from_secs(secs)).unwrap()
}

/// A CA: its signing key and certificate.
pub struct Ca {
    pub key: SigningKey,
    pub cert: Certificate,
}

/// The subject public key info of an MLS signature key of scheme P-256 or
/// Ed25519 (the SEC1 point or the raw key).
pub fn spki_p256(point: &[u8]) -> SubjectPublicKeyInfoOwned {
    SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: rfc5912::ID_EC_PUBLIC_KEY,
            parameters: Some(Any::encode_from(&rfc5912::SECP_256_R_1).unwrap()),
        },
        subject_public_key: BitString::from_bytes(point).unwrap(),
    }
}

pub fn spki_ed25519(key: &[u8]) -> SubjectPublicKeyInfoOwned {
    SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: ObjectIdentifier::new_unwrap("1.3.101.112"),
            parameters: None,
        },
        subject_public_key: BitString::from_bytes(key).unwrap(),
    }
}

fn key(seed: u8) -> SigningKey {
    let mut bytes = [0u8; 32];
    bytes[31] = seed;
    bytes[0] = 1;
    SigningKey::from_slice(&bytes).unwrap()
}

/// Issue a certificate for `spki` as `spec` says, signed by `issuer` (or
/// self-signed by `own_key` when `issuer` is `None`).
pub fn issue(
    spec: &Spec,
    spki: SubjectPublicKeyInfoOwned,
    issuer: Option<&Ca>,
    own_key: &SigningKey,
    serial: u32,
) -> Certificate {
    let mut extensions = Vec::new();
    if let Some(path_len) = spec.ca {
        extensions.push(extension(
            &BasicConstraints {
                ca: true,
                path_len_constraint: path_len,
            },
            true,
        ));
    }
    if let Some(usage) = &spec.key_usage {
        extensions.push(extension(usage, true));
    }
    extensions.extend(spec.extra.iter().cloned());
    let subject = Name::from_str(&spec.subject).unwrap();
    let issuer_name = issuer.map_or(subject.clone(), |ca| {
        ca.cert.tbs_certificate().subject().clone()
    });
    let profile = Profile {
        subject,
        issuer: issuer_name,
        extensions,
    };
    let validity = Validity::new(time(spec.not_before), time(spec.not_after));
    let builder =
        CertificateBuilder::new(profile, SerialNumber::from(serial), validity, spki).unwrap();
    let signer = issuer.map_or(own_key, |ca| &ca.key);
    builder.build::<_, DerSignature>(signer).unwrap()
}

/// A CA whose key is derived from `seed`, issued by `issuer` (self-signed
/// root when `None`).
pub fn ca(spec: &Spec, seed: u8, issuer: Option<&Ca>) -> Ca {
    let key = key(seed);
    let spki = SubjectPublicKeyInfoOwned::from_key(key.verifying_key()).unwrap();
    let cert = issue(spec, spki, issuer, &key, u32::from(seed));
    Ca { key, cert }
}

pub fn der(cert: &Certificate) -> Vec<u8> {
    cert.to_der().unwrap()
}

/// `cert` with the last byte of its signature changed (still DER).
pub fn broken_signature(cert: &Certificate) -> Vec<u8> {
    let mut bytes = der(cert);
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    // Still a certificate, with a signature that does not verify.
    assert!(Certificate::from_der(&bytes).is_ok());
    bytes
}
