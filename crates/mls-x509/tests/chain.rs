//! Path validation: a good chain, and each bad input of the issue with the
//! exact refusal (RFC 5280 §6.1, RFC 9420 §5.3.1).

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::*;
use mls_codec::{Certificate as CertificateEntry, Credential, VLBytes};
use mls_crypto::{CipherSuite, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_treekem::{CredentialValidator, FixedClock};
use mls_x509::x509_cert::ext::pkix::{KeyUsage, KeyUsages};
use mls_x509::{
    ChainLimits, SubjectAltNameIdentity, X509CredentialValidator, X509Error, verify_chain,
};

const P256: CipherSuite = CipherSuite::Mls128DhKemP256Aes128GcmSha256P256;

struct Pki {
    root: Ca,
    intermediate: Ca,
    provider: Arc<dyn CryptoProvider>,
}

fn pki() -> Pki {
    let root = ca(&Spec::ca("CN=Test Root", Some(1)), 1, None);
    let intermediate = ca(&Spec::ca("CN=Test Intermediate", Some(0)), 2, Some(&root));
    Pki {
        root,
        intermediate,
        provider: Arc::new(RustCryptoProvider::new()),
    }
}

/// A fresh MLS signature key of suite 2 and its public key.
fn member_key(pki: &Pki) -> Vec<u8> {
    let cs = pki.provider.cipher_suite_provider(P256).unwrap();
    cs.signature_generate_key_pair().unwrap().public_key
}

fn member_cert(pki: &Pki, spec: &Spec, key: &[u8]) -> Vec<u8> {
    let cert = issue(
        spec,
        spki_p256(key),
        Some(&pki.intermediate),
        &pki.intermediate.key,
        100,
    );
    der(&cert)
}

fn validator(pki: &Pki) -> X509CredentialValidator {
    X509CredentialValidator::builder(pki.provider.clone())
        .trust_anchor(pki.root.cert.clone())
        .clock(Arc::new(FixedClock(NOW)))
        .build()
}

fn credential(chain: &[Vec<u8>]) -> Credential {
    Credential::X509 {
        certificates: chain
            .iter()
            .map(|der| CertificateEntry {
                cert_data: VLBytes::new(der.clone()),
            })
            .collect(),
    }
}

fn check(pki: &Pki, chain: &[Vec<u8>]) -> Result<(), X509Error> {
    let refs: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
    verify_chain(
        &refs,
        std::slice::from_ref(&pki.root.cert),
        NOW,
        pki.provider.as_ref(),
        &ChainLimits::default(),
    )
    .map(|_| ())
}

#[test]
fn a_good_chain_is_accepted_with_or_without_the_root() {
    let pki = pki();
    let key = member_key(&pki);
    let leaf = member_cert(&pki, &Spec::leaf("CN=alice"), &key);
    let intermediate = der(&pki.intermediate.cert);
    check(&pki, &[leaf.clone(), intermediate.clone()]).unwrap();
    check(
        &pki,
        &[leaf.clone(), intermediate.clone(), der(&pki.root.cert)],
    )
    .unwrap();
    let v = validator(&pki);
    let cred = credential(&[leaf, intermediate]);
    let validated = v.validate(&cred, &key).unwrap();
    assert_eq!(validated.chain.certificates().len(), 2);
    assert!(v.accept(&cred, &key));
    assert_eq!(v.identity(&cred), Some(validated.identity));
}

#[test]
fn expired_and_not_yet_valid_certificates_are_refused() {
    let pki = pki();
    let key = member_key(&pki);
    let intermediate = der(&pki.intermediate.cert);
    let expired = Spec {
        not_before: NOW - 10 * DAY,
        not_after: NOW - DAY,
        ..Spec::leaf("CN=alice")
    };
    assert_eq!(
        check(
            &pki,
            &[member_cert(&pki, &expired, &key), intermediate.clone()]
        ),
        Err(X509Error::Expired {
            index: 0,
            not_after: NOW - DAY,
            now: NOW
        })
    );
    let future = Spec {
        not_before: NOW + DAY,
        ..Spec::ca("CN=Later Intermediate", Some(0))
    };
    let later = ca(&future, 3, Some(&pki.root));
    let leaf = der(&issue(
        &Spec::leaf("CN=alice"),
        spki_p256(&key),
        Some(&later),
        &later.key,
        7,
    ));
    assert_eq!(
        check(&pki, &[leaf, der(&later.cert)]),
        Err(X509Error::NotYetValid {
            index: 1,
            not_before: NOW + DAY,
            now: NOW
        })
    );
}

#[test]
fn a_chain_that_does_not_end_at_an_anchor_is_refused() {
    let pki = pki();
    let key = member_key(&pki);
    let other_root = ca(&Spec::ca("CN=Other Root", None), 9, None);
    let other_intermediate = ca(
        &Spec::ca("CN=Test Intermediate", Some(0)),
        10,
        Some(&other_root),
    );
    let leaf = der(&issue(
        &Spec::leaf("CN=alice"),
        spki_p256(&key),
        Some(&other_intermediate),
        &other_intermediate.key,
        5,
    ));
    assert_eq!(
        check(
            &pki,
            &[
                leaf.clone(),
                der(&other_intermediate.cert),
                der(&other_root.cert)
            ]
        ),
        Err(X509Error::UntrustedRoot)
    );
    // Same issuer name as the trusted intermediate, but another key: the
    // name matches an anchor's child, the signature does not.
    assert_eq!(
        check(&pki, &[leaf, der(&pki.intermediate.cert)]),
        Err(X509Error::BadSignature { index: 0 })
    );
}

#[test]
fn a_broken_signature_anywhere_in_the_chain_is_refused() {
    let pki = pki();
    let key = member_key(&pki);
    let leaf_cert = issue(
        &Spec::leaf("CN=alice"),
        spki_p256(&key),
        Some(&pki.intermediate),
        &pki.intermediate.key,
        11,
    );
    let intermediate = der(&pki.intermediate.cert);
    assert_eq!(
        check(&pki, &[broken_signature(&leaf_cert), intermediate.clone()]),
        Err(X509Error::BadSignature { index: 0 })
    );
    assert_eq!(
        check(
            &pki,
            &[der(&leaf_cert), broken_signature(&pki.intermediate.cert)]
        ),
        Err(X509Error::BadSignature { index: 1 })
    );
}

#[test]
fn an_issuer_without_the_ca_constraint_is_refused() {
    let pki = pki();
    let key = member_key(&pki);
    let not_ca = ca(
        &Spec {
            ca: None,
            ..Spec::ca("CN=Not A CA", None)
        },
        4,
        Some(&pki.root),
    );
    let leaf = der(&issue(
        &Spec::leaf("CN=alice"),
        spki_p256(&key),
        Some(&not_ca),
        &not_ca.key,
        12,
    ));
    assert_eq!(
        check(&pki, &[leaf, der(&not_ca.cert)]),
        Err(X509Error::NotCa { index: 1 })
    );
}

#[test]
fn a_path_longer_than_a_path_length_constraint_is_refused() {
    let pki = pki();
    let key = member_key(&pki);
    // The intermediate allows no intermediate below it; add one.
    let second = ca(
        &Spec::ca("CN=Second Intermediate", None),
        5,
        Some(&pki.intermediate),
    );
    let leaf = der(&issue(
        &Spec::leaf("CN=alice"),
        spki_p256(&key),
        Some(&second),
        &second.key,
        13,
    ));
    assert_eq!(
        check(
            &pki,
            &[leaf.clone(), der(&second.cert), der(&pki.intermediate.cert)]
        ),
        Err(X509Error::PathTooLong {
            index: 2,
            below: 1,
            max: 0
        })
    );
    // The root allows one intermediate: two below it are too many even when
    // the root itself is not in the chain.
    let root0 = ca(&Spec::ca("CN=Strict Root", Some(0)), 6, None);
    let mid = ca(&Spec::ca("CN=Strict Intermediate", None), 7, Some(&root0));
    let leaf = der(&issue(
        &Spec::leaf("CN=bob"),
        spki_p256(&key),
        Some(&mid),
        &mid.key,
        14,
    ));
    let refs = [leaf.as_slice(), &der(&mid.cert)];
    assert_eq!(
        verify_chain(
            &refs,
            std::slice::from_ref(&root0.cert),
            NOW,
            pki.provider.as_ref(),
            &ChainLimits::default()
        )
        .map(|_| ()),
        Err(X509Error::PathTooLong {
            index: 2,
            below: 1,
            max: 0
        })
    );
}

#[test]
fn key_usage_must_allow_the_role() {
    let pki = pki();
    let key = member_key(&pki);
    let signing_only = ca(
        &Spec {
            key_usage: Some(KeyUsage(KeyUsages::DigitalSignature.into())),
            ..Spec::ca("CN=Signing Only", None)
        },
        8,
        Some(&pki.root),
    );
    let leaf = der(&issue(
        &Spec::leaf("CN=alice"),
        spki_p256(&key),
        Some(&signing_only),
        &signing_only.key,
        15,
    ));
    assert_eq!(
        check(&pki, &[leaf, der(&signing_only.cert)]),
        Err(X509Error::KeyUsage {
            index: 1,
            usage: "keyCertSign"
        })
    );
    let encipher = Spec {
        key_usage: Some(KeyUsage(KeyUsages::KeyEncipherment.into())),
        ..Spec::leaf("CN=alice")
    };
    assert_eq!(
        check(
            &pki,
            &[
                member_cert(&pki, &encipher, &key),
                der(&pki.intermediate.cert)
            ]
        ),
        Err(X509Error::KeyUsage {
            index: 0,
            usage: "digitalSignature"
        })
    );
}

#[test]
fn an_unknown_critical_extension_is_refused() {
    let pki = pki();
    let key = member_key(&pki);
    let mut spec = Spec::leaf("CN=alice");
    // nameConstraints (2.5.29.30) is not processed here, so it must not be
    // ignored when critical.
    spec.extra.push(mls_x509::x509_cert::ext::Extension {
        extn_id: mls_x509::x509_cert::der::asn1::ObjectIdentifier::new_unwrap("2.5.29.30"),
        critical: true,
        extn_value: mls_x509::x509_cert::der::asn1::OctetString::new(vec![0x30, 0x00]).unwrap(),
    });
    assert_eq!(
        check(
            &pki,
            &[member_cert(&pki, &spec, &key), der(&pki.intermediate.cert)]
        ),
        Err(X509Error::UnsupportedCriticalExtension {
            index: 0,
            oid: "2.5.29.30".into()
        })
    );
}

#[test]
fn issuer_names_must_chain() {
    let pki = pki();
    let key = member_key(&pki);
    let leaf = member_cert(&pki, &Spec::leaf("CN=alice"), &key);
    // The root did not issue the member certificate.
    assert_eq!(
        check(&pki, &[leaf, der(&pki.root.cert)]),
        Err(X509Error::IssuerMismatch { index: 0 })
    );
}

#[test]
fn the_leaf_key_must_be_the_leaf_nodes_signature_key() {
    let pki = pki();
    let key = member_key(&pki);
    let other = member_key(&pki);
    let cred = credential(&[
        member_cert(&pki, &Spec::leaf("CN=alice"), &key),
        der(&pki.intermediate.cert),
    ]);
    let v = validator(&pki);
    assert_eq!(
        v.validate(&cred, &other).map(|_| ()),
        Err(X509Error::KeyMismatch)
    );
    assert!(!v.accept(&cred, &other));
}

#[test]
fn huge_chains_and_certificates_are_refused_before_parsing() {
    let pki = pki();
    let key = member_key(&pki);
    let leaf = member_cert(&pki, &Spec::leaf("CN=alice"), &key);
    let v = validator(&pki);
    let long = credential(&vec![leaf.clone(); 10_000]);
    assert_eq!(
        v.validate(&long, &key).map(|_| ()),
        Err(X509Error::ChainTooLong {
            len: 10_000,
            max: 8
        })
    );
    let mut big = leaf.clone();
    big.resize(10 * 1024 * 1024, 0);
    let huge = credential(&[big]);
    assert_eq!(
        v.validate(&huge, &key).map(|_| ()),
        Err(X509Error::CertificateTooLarge {
            index: 0,
            len: 10 * 1024 * 1024,
            max: 16 * 1024
        })
    );
    assert_eq!(v.identity(&huge), None);
    assert!(matches!(
        v.validate(&credential(&[vec![0x30, 0x03, 0x02, 0x01]]), &key),
        Err(X509Error::Malformed { index: 0, .. })
    ));
    assert_eq!(
        v.validate(&credential(&[]), &key).map(|_| ()),
        Err(X509Error::EmptyChain)
    );
    assert_eq!(
        v.validate(&Credential::basic("alice"), &key).map(|_| ()),
        Err(X509Error::NotX509)
    );
}

#[test]
fn identities_come_from_the_mapper_and_must_persist() {
    use mls_x509::x509_cert::ext::pkix::SubjectAltName;
    use mls_x509::x509_cert::ext::pkix::name::GeneralName;
    let pki = pki();
    let key = member_key(&pki);
    let intermediate = der(&pki.intermediate.cert);
    let with_san = |subject: &str, uri: &str| {
        let mut spec = Spec::leaf(subject);
        spec.extra.push(extension(
            &SubjectAltName(vec![GeneralName::UniformResourceIdentifier(
                uri.to_string().try_into().unwrap(),
            )]),
            false,
        ));
        credential(&[member_cert(&pki, &spec, &key), intermediate.clone()])
    };
    let by_san = X509CredentialValidator::builder(pki.provider.clone())
        .trust_anchor(pki.root.cert.clone())
        .clock(Arc::new(FixedClock(NOW)))
        .identity_mapper(Arc::new(SubjectAltNameIdentity))
        .build();
    let phone = with_san("CN=alice phone", "im:alice@example.com");
    let laptop = with_san("CN=alice laptop", "im:alice@example.com");
    let mallory = with_san("CN=alice phone", "im:mallory@example.com");
    assert_eq!(
        by_san.identity(&phone),
        Some(b"im:alice@example.com".to_vec())
    );
    assert!(by_san.valid_successor(&phone, &laptop));
    assert!(!by_san.valid_successor(&phone, &mallory));
    // By subject, the same certificates compare the other way round.
    let by_subject = validator(&pki);
    assert!(!by_subject.valid_successor(&phone, &laptop));
    assert!(by_subject.valid_successor(&phone, &mallory));
    let permissive = X509CredentialValidator::builder(pki.provider.clone())
        .identity_mapper(Arc::new(SubjectAltNameIdentity))
        .allow_identity_change(|_, new| new.ends_with(b"@example.com"))
        .build();
    assert!(permissive.valid_successor(&phone, &mallory));
}
