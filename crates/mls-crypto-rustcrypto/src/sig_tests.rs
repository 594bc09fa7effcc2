//! Unit tests of the signature schemes: known answers from RFC 8032 and the
//! rejection of malformed keys and signatures.

use mls_crypto::{CryptoError, SignatureScheme};
use p256::elliptic_curve::scalar::IsHigh;

use super::for_scheme;
use crate::rng::Randomness;

const ALL: [SignatureScheme; 5] = [
    SignatureScheme::Ed25519,
    SignatureScheme::Ed448,
    SignatureScheme::EcdsaP256Sha256,
    SignatureScheme::EcdsaP384Sha384,
    SignatureScheme::EcdsaP521Sha512,
];

const ECDSA: [SignatureScheme; 3] = [
    SignatureScheme::EcdsaP256Sha256,
    SignatureScheme::EcdsaP384Sha384,
    SignatureScheme::EcdsaP521Sha512,
];

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).expect("hex")
}

/// RFC 8032 §7.1, TEST 1 (empty message).
#[test]
fn ed25519_rfc8032_test1() {
    let ops = for_scheme(SignatureScheme::Ed25519);
    let sk = unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    let pk = unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    let sig = unhex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    );
    assert_eq!(ops.public_key(&sk).expect("pk"), pk);
    assert_eq!(ops.sign(&sk, b"").expect("sign"), sig);
    assert_eq!(ops.verify(&pk, b"", &sig), Ok(()));
}

/// RFC 8032 §7.4, "Blank" (empty message, no context).
#[test]
fn ed448_rfc8032_blank() {
    let ops = for_scheme(SignatureScheme::Ed448);
    let sk = unhex(
        "6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e348a3528c8a3fcc2f044e39a3fc5b94492f8f032e7549a20098f95b",
    );
    let pk = unhex(
        "5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180",
    );
    let sig = unhex(
        "533a37f6bbe457251f023c0d88f976ae2dfb504a843e34d2074fd823d41a591f2b233f034f628281f2fd7a22ddd47d7828c59bd0a21bfd3980ff0d2028d4b18a9df63e006c5d1c2d345b925d8dc00b4104852db99ac5c7cdda8530a113a0f4dbb61149f05a7363268c71d95808ff2e652600",
    );
    assert_eq!(ops.public_key(&sk).expect("pk"), pk);
    assert_eq!(ops.sign(&sk, b"").expect("sign"), sig);
    assert_eq!(ops.verify(&pk, b"", &sig), Ok(()));
}

#[test]
fn sign_verify_round_trip_and_wrong_message() {
    let rng = Randomness::seeded([1; 32]);
    for scheme in ALL {
        let ops = for_scheme(scheme);
        let kp = ops.generate(&rng).expect("generate");
        assert_eq!(
            ops.public_key(kp.private_key.as_bytes()).expect("pk"),
            kp.public_key
        );
        assert_eq!(ops.validate_public_key(&kp.public_key), Ok(()));
        let sig = ops
            .sign(kp.private_key.as_bytes(), b"message")
            .expect("sign");
        assert_eq!(ops.verify(&kp.public_key, b"message", &sig), Ok(()));
        assert_eq!(
            ops.verify(&kp.public_key, b"messagf", &sig),
            Err(CryptoError::InvalidSignature),
            "{scheme:?}"
        );
        let other = ops.generate(&rng).expect("generate");
        assert_eq!(
            ops.verify(&other.public_key, b"message", &sig),
            Err(CryptoError::InvalidSignature)
        );
    }
}

#[test]
fn key_sizes_follow_the_mls_formats() {
    let rng = Randomness::seeded([2; 32]);
    for (scheme, sk_len, pk_len) in [
        (SignatureScheme::Ed25519, 32, 32),
        (SignatureScheme::Ed448, 57, 57),
        (SignatureScheme::EcdsaP256Sha256, 32, 65),
        (SignatureScheme::EcdsaP384Sha384, 48, 97),
        (SignatureScheme::EcdsaP521Sha512, 66, 133),
    ] {
        let kp = for_scheme(scheme).generate(&rng).expect("generate");
        assert_eq!(kp.private_key.as_bytes().len(), sk_len, "{scheme:?}");
        assert_eq!(kp.public_key.len(), pk_len, "{scheme:?}");
    }
}

#[test]
fn wrong_length_keys_and_signatures_are_typed_errors() {
    let rng = Randomness::seeded([3; 32]);
    for scheme in ALL {
        let ops = for_scheme(scheme);
        let kp = ops.generate(&rng).expect("generate");
        let sk = kp.private_key.as_bytes();
        let sig = ops.sign(sk, b"m").expect("sign");
        // A shorter ECDSA scalar is left-padded (see
        // `short_ecdsa_private_keys_are_left_padded`); EdDSA keys are strings.
        let shorter: &[u8] = if ECDSA.contains(&scheme) {
            &[]
        } else {
            &sk[1..]
        };
        for bad_sk in [shorter, &[sk, &[0]].concat()[..], &[0, 0][..], &[][..]] {
            assert_eq!(
                ops.sign(bad_sk, b"m").err(),
                Some(CryptoError::InvalidSignaturePrivateKey)
            );
            assert_eq!(
                ops.public_key(bad_sk).err(),
                Some(CryptoError::InvalidSignaturePrivateKey)
            );
        }
        let pk = &kp.public_key;
        for bad_pk in [&pk[1..], &[pk, &[0][..]].concat()[..], &[][..]] {
            assert_eq!(
                ops.validate_public_key(bad_pk).err(),
                Some(CryptoError::InvalidSignaturePublicKey)
            );
            assert_eq!(
                ops.verify(bad_pk, b"m", &sig).err(),
                Some(CryptoError::InvalidSignaturePublicKey)
            );
        }
        for bad_sig in [&sig[1..], &[&sig[..], &[0][..]].concat()[..], &[][..]] {
            assert!(matches!(
                ops.verify(pk, b"m", bad_sig),
                Err(CryptoError::MalformedSignature | CryptoError::InvalidSignature)
            ));
        }
    }
}

/// V-5.1.2-03: ECDSA signatures must be DER; the raw `r || s` form of a
/// valid signature is rejected as malformed.
#[test]
fn raw_r_s_ecdsa_signatures_are_rejected() {
    let rng = Randomness::seeded([4; 32]);
    for scheme in ECDSA {
        let ops = for_scheme(scheme);
        let kp = ops.generate(&rng).expect("generate");
        let der = ops.sign(kp.private_key.as_bytes(), b"m").expect("sign");
        assert_eq!(der[0], 0x30, "DER SEQUENCE");
        let raw = der_to_raw(&der, (kp.public_key.len() - 1) / 2);
        assert_eq!(
            ops.verify(&kp.public_key, b"m", &raw),
            Err(CryptoError::MalformedSignature),
            "{scheme:?}"
        );
    }
}

/// Convert a DER ECDSA signature to fixed-width `r || s` (test helper).
fn der_to_raw(der: &[u8], n: usize) -> Vec<u8> {
    // SEQUENCE { INTEGER r, INTEGER s }; the P-521 sequence may use a
    // two-byte length.
    let mut i = if der[1] & 0x80 != 0 { 3 } else { 2 };
    let mut out = Vec::new();
    for _ in 0..2 {
        assert_eq!(der[i], 0x02);
        let len = der[i + 1] as usize;
        let int = &der[i + 2..i + 2 + len];
        let int = if int.len() > n {
            &int[int.len() - n..]
        } else {
            int
        };
        out.extend(std::iter::repeat_n(0u8, n - int.len()));
        out.extend_from_slice(int);
        i += 2 + len;
    }
    out
}

/// V-5.1.1-02: ECDSA public keys are uncompressed SEC1 points on the curve.
#[test]
fn malformed_ecdsa_public_keys_are_rejected() {
    let rng = Randomness::seeded([5; 32]);
    for scheme in ECDSA {
        let ops = for_scheme(scheme);
        let pk = ops.generate(&rng).expect("generate").public_key;
        let n = (pk.len() - 1) / 2;
        let bad = Some(CryptoError::InvalidSignaturePublicKey);
        let mut compressed = vec![0x02 | (pk[pk.len() - 1] & 1)];
        compressed.extend_from_slice(&pk[1..=n]);
        assert_eq!(
            ops.validate_public_key(&compressed).err(),
            bad,
            "{scheme:?}"
        );
        for tag in [0x00, 0x02, 0x03, 0x06, 0x07] {
            let mut k = pk.clone();
            k[0] = tag;
            assert_eq!(ops.validate_public_key(&k).err(), bad);
        }
        let mut off = pk.clone();
        off[pk.len() - 1] ^= 1;
        assert_eq!(ops.validate_public_key(&off).err(), bad);
        assert_eq!(ops.validate_public_key(&[0x00]).err(), bad);
    }
}

#[test]
fn ecdsa_private_keys_must_be_scalars() {
    for (scheme, n) in [
        (SignatureScheme::EcdsaP256Sha256, 32),
        (SignatureScheme::EcdsaP384Sha384, 48),
        (SignatureScheme::EcdsaP521Sha512, 66),
    ] {
        let ops = for_scheme(scheme);
        for bad in [vec![0u8; n], vec![0xffu8; n]] {
            assert_eq!(
                ops.sign(&bad, b"m").err(),
                Some(CryptoError::InvalidSignaturePrivateKey)
            );
        }
    }
}

/// Issue 11 item 5(b): a P-256/P-384/P-521 private key serialized without
/// its leading zero bytes is the same key; one longer than the field size
/// (even by a leading zero) or zero in any length is still rejected.
#[test]
fn short_ecdsa_private_keys_are_left_padded() {
    let rng = Randomness::seeded([12; 32]);
    for scheme in ECDSA {
        let ops = for_scheme(scheme);
        let mut full = ops
            .generate(&rng)
            .expect("generate")
            .private_key
            .as_bytes()
            .to_vec();
        full[0] = 0;
        full[1] = 0;
        let public_key = ops.public_key(&full).expect("pk");
        let signature = ops.sign(&full, b"m").expect("sign");
        for short in [&full[1..], &full[2..]] {
            assert_eq!(
                ops.public_key(short).as_ref(),
                Ok(&public_key),
                "{scheme:?}"
            );
            // Signing is deterministic (RFC 6979): the same key signs alike.
            assert_eq!(ops.sign(short, b"m").as_ref(), Ok(&signature), "{scheme:?}");
        }
        assert_eq!(ops.verify(&public_key, b"m", &signature), Ok(()));
        let longer = [&[0u8][..], &full].concat();
        for bad in [
            &longer[..],
            &full[..0],
            &[0u8; 5][..],
            &vec![0u8; full.len()][..],
        ] {
            assert_eq!(
                ops.public_key(bad).err(),
                Some(CryptoError::InvalidSignaturePrivateKey),
                "{scheme:?} {}",
                bad.len()
            );
        }
    }
}

#[test]
fn ed25519_rejects_small_order_keys_and_non_canonical_s() {
    let ops = for_scheme(SignatureScheme::Ed25519);
    // The identity point (y = 1) has order 1.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert_eq!(
        ops.validate_public_key(&identity).err(),
        Some(CryptoError::InvalidSignaturePublicKey)
    );
    let sk = unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    let pk = ops.public_key(&sk).expect("pk");
    let mut sig = ops.sign(&sk, b"").expect("sign");
    // S + L is not canonical (RFC 8032 §5.1.7 requires S < L).
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut carry = 0u16;
    for (s, l) in sig[32..].iter_mut().zip(L) {
        let v = u16::from(*s) + u16::from(l) + carry;
        *s = v as u8;
        carry = v >> 8;
    }
    assert!(ops.verify(&pk, b"", &sig).is_err());
}

#[test]
fn ed448_rejects_off_curve_keys() {
    let ops = for_scheme(SignatureScheme::Ed448);
    let mut found = false;
    // Roughly half of all y values are not on the curve; find one.
    for b in 2u8..40 {
        let mut k = [0u8; 57];
        k[0] = b;
        if ops.validate_public_key(&k).is_err() {
            assert_eq!(
                ops.validate_public_key(&k).err(),
                Some(CryptoError::InvalidSignaturePublicKey)
            );
            found = true;
            break;
        }
    }
    assert!(found);
}

#[test]
fn ed448_rejects_small_order_keys() {
    let ops = for_scheme(SignatureScheme::Ed448);
    // (0, -1) has order 2: y = p - 1, encoded little-endian with a zero sign
    // bit; the identity (0, 1) is rejected too.
    let mut order_two = [0xffu8; 57];
    order_two[0] = 0xfe;
    order_two[28] = 0xfe;
    order_two[56] = 0x00;
    let mut identity = [0u8; 57];
    identity[0] = 1;
    for key in [order_two, identity] {
        assert_eq!(
            ops.validate_public_key(&key).err(),
            Some(CryptoError::InvalidSignaturePublicKey)
        );
    }
}

/// Whether a DER ECDSA signature has a high `s` (above n/2).
fn is_high_s(scheme: SignatureScheme, der: &[u8]) -> bool {
    match scheme {
        SignatureScheme::EcdsaP256Sha256 => bool::from(
            p256::ecdsa::Signature::from_der(der)
                .expect("der")
                .s()
                .is_high(),
        ),
        SignatureScheme::EcdsaP384Sha384 => bool::from(
            p384::ecdsa::Signature::from_der(der)
                .expect("der")
                .s()
                .is_high(),
        ),
        SignatureScheme::EcdsaP521Sha512 => bool::from(
            p521::ecdsa::Signature::from_der(der)
                .expect("der")
                .s()
                .is_high(),
        ),
        other => panic!("{other:?} is not ECDSA"),
    }
}

/// Issue 15 item 5: we sign ECDSA with low `s` only; the twin `(r, n - s)`
/// still verifies (accepted on receipt for interop) and is high; twinning
/// twice gives the signature back; EdDSA has no twin.
#[test]
fn ecdsa_signs_low_s_and_accepts_the_high_s_twin() {
    let rng = Randomness::seeded([9; 32]);
    for scheme in ECDSA {
        let ops = for_scheme(scheme);
        let kp = ops.generate(&rng).expect("generate");
        // With random s, 32 signatures all low by chance is 2^-32.
        for i in 0u8..32 {
            let msg = [i; 3];
            let sig = ops.sign(kp.private_key.as_bytes(), &msg).expect("sign");
            assert!(!is_high_s(scheme, &sig), "{scheme:?} message {i}: high s");
            let twin = ops.twin(&sig).expect("ECDSA has a twin");
            assert_ne!(twin, sig);
            assert!(is_high_s(scheme, &twin));
            assert_eq!(ops.verify(&kp.public_key, &msg, &twin), Ok(()));
            assert_eq!(ops.twin(&twin).as_deref(), Some(sig.as_slice()));
        }
        assert_eq!(ops.twin(b"not der"), None);
    }
    for scheme in [SignatureScheme::Ed25519, SignatureScheme::Ed448] {
        let ops = for_scheme(scheme);
        let kp = ops.generate(&rng).expect("generate");
        let sig = ops.sign(kp.private_key.as_bytes(), b"m").expect("sign");
        assert_eq!(ops.twin(&sig), None, "{scheme:?}");
    }
}
