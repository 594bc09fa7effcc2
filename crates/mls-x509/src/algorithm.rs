//! The signature algorithms of the seven RFC 9420 suites as X.509 names
//! them (RFC 5758 §3.2 for ECDSA, RFC 8410 §3 for EdDSA), and signature
//! verification through the application's crypto provider.
//!
//! Only the pairings the MLS signature schemes fix are accepted (ECDSA
//! P-256 with SHA-256, P-384 with SHA-384, P-521 with SHA-512): a P-384 key
//! signing with SHA-256 is legal X.509 but no MLS scheme, so it is refused.

use mls_crypto::{CipherSuite, CryptoProvider, SignatureScheme};
use x509_cert::der::asn1::ObjectIdentifier;
use x509_cert::der::oid::db::{rfc5912, rfc8410};
use x509_cert::spki::SubjectPublicKeyInfoOwned;

use crate::{Result, X509Error};

/// The MLS signature scheme of a certificate's `signatureAlgorithm`.
pub(crate) fn signature_scheme(oid: &ObjectIdentifier) -> Option<SignatureScheme> {
    Some(match *oid {
        rfc5912::ECDSA_WITH_SHA_256 => SignatureScheme::EcdsaP256Sha256,
        rfc5912::ECDSA_WITH_SHA_384 => SignatureScheme::EcdsaP384Sha384,
        rfc5912::ECDSA_WITH_SHA_512 => SignatureScheme::EcdsaP521Sha512,
        rfc8410::ID_ED_25519 => SignatureScheme::Ed25519,
        rfc8410::ID_ED_448 => SignatureScheme::Ed448,
        _ => return None,
    })
}

/// The MLS signature scheme a subject public key belongs to, and the key
/// in the encoding MLS uses for it (the SEC1 point or the raw EdDSA key,
/// which is exactly the `subjectPublicKey` bit string, RFC 5480 §2.2,
/// RFC 8410 §4).
pub(crate) fn public_key(
    index: usize,
    spki: &SubjectPublicKeyInfoOwned,
) -> Result<(SignatureScheme, &[u8])> {
    let unsupported = |oid: &ObjectIdentifier| X509Error::UnsupportedAlgorithm {
        index,
        oid: oid.to_string(),
    };
    let scheme = match spki.algorithm.oid {
        rfc8410::ID_ED_25519 => SignatureScheme::Ed25519,
        rfc8410::ID_ED_448 => SignatureScheme::Ed448,
        rfc5912::ID_EC_PUBLIC_KEY => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                .ok_or_else(|| unsupported(&spki.algorithm.oid))?;
            match curve {
                rfc5912::SECP_256_R_1 => SignatureScheme::EcdsaP256Sha256,
                rfc5912::SECP_384_R_1 => SignatureScheme::EcdsaP384Sha384,
                rfc5912::SECP_521_R_1 => SignatureScheme::EcdsaP521Sha512,
                other => return Err(unsupported(&other)),
            }
        }
        other => return Err(unsupported(&other)),
    };
    let key = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| X509Error::Malformed {
            index,
            reason: "subjectPublicKey has unused bits".into(),
        })?;
    Ok((scheme, key))
}

/// Verify `signature` over `message` by `key` of `scheme`, with the
/// provider's implementation of that scheme (the primitives of a suite that
/// uses it: the provider exposes signatures per suite, RFC 9420 §5.1).
pub(crate) fn verify(
    provider: &dyn CryptoProvider,
    scheme: SignatureScheme,
    key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> std::result::Result<(), ()> {
    let cs = CipherSuite::RFC9420
        .into_iter()
        .filter(|suite| suite.signature() == scheme)
        .find_map(|suite| provider.cipher_suite_provider(suite))
        .ok_or(())?;
    cs.verify(key, message, signature).map_err(|_| ())
}
