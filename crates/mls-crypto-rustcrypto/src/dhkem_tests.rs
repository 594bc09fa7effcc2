//! Unit tests of the DHKEMs: the small-order list against a probe, and
//! agreement with the `hpke` crate's own DHKEMs in both directions.

use hpke::aead::AesGcm128;
use hpke::kdf::HkdfSha256;
use hpke::rand_core::{Rng, TryCryptoRng, TryRng};
use hpke::{Deserializable, Kem, OpModeR, OpModeS, Serializable};

use super::groups::x25519_small_order;
use super::*;

/// A deterministic RNG for the tests (xorshift; not for keys in use).
struct TestRng(u64);

impl TryRng for TestRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        self.try_next_u64().map(|v| v as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        Ok(self.0)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let v = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        Ok(())
    }
}

impl TryCryptoRng for TestRng {}

/// A fixed clamped X25519 scalar: the output of the probe is all zero
/// exactly for the points of small order.
const PROBE: [u8; 32] = [
    0x48, 0x51, 0x34, 0x1a, 0x97, 0x5b, 0x0f, 0x6e, 0x21, 0xd3, 0x8c, 0x44, 0xe9, 0x05, 0xb6, 0x7d,
    0x13, 0x6a, 0xf2, 0x88, 0x3c, 0x59, 0xa1, 0x0e, 0xc7, 0x24, 0x9b, 0x61, 0x30, 0xde, 0x85, 0x4f,
];

fn probe_is_zero(u: [u8; 32]) -> bool {
    x25519_dalek::x25519(PROBE, u).iter().all(|b| *b == 0)
}

#[test]
fn the_x25519_small_order_list_is_exactly_what_the_probe_rejects() {
    let mut rng = TestRng(0x9e37_79b9_7f4a_7c15);
    // Listed exactly when the probe gives a zero DH, with and without bit 255.
    let mut listed = 0;
    for top in [0u8, 0x80] {
        let mut checked = |u: [u8; 32]| {
            assert_eq!(
                x25519_small_order(&u),
                probe_is_zero(u),
                "u = {}",
                hex::encode(u)
            );
            if x25519_small_order(&u) {
                listed += 1;
            }
        };
        // The listed points themselves (and their high-bit twins).
        for base in [[0u8; 32], {
            let mut one = [0u8; 32];
            one[0] = 1;
            one
        }] {
            let mut u = base;
            u[31] |= top;
            checked(u);
        }
        // p - 19 .. p + 18 around p = 2^255 - 19: all non-canonical encodings
        // of the small values, and p - 1.
        for low in 0xda_u8..=0xff {
            let mut u = [0xff; 32];
            u[0] = low;
            u[31] = 0x7f | top;
            checked(u);
        }
        // Random points are never of small order.
        for _ in 0..64 {
            let mut u = [0u8; 32];
            rng.fill_bytes(&mut u);
            u[31] = (u[31] & 0x7f) | top;
            checked(u);
        }
    }
    assert!(
        listed >= 10,
        "0, 1, p - 1, p, p + 1 with and without bit 255"
    );
}

#[test]
fn the_order_8_points_are_listed() {
    // The two u-coordinates of order 8 (RFC 7748 §6.1 discussion; the
    // probe proves they are of small order).
    for hex_u in [
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
    ] {
        let mut u = [0u8; 32];
        u.copy_from_slice(&hex::decode(hex_u).expect("hex"));
        assert!(probe_is_zero(u));
        assert!(x25519_small_order(&u));
        u[31] |= 0x80;
        assert!(probe_is_zero(u));
        assert!(x25519_small_order(&u));
    }
}

/// Seal with one KEM implementation and open with the other, both ways.
fn agrees_with<Ours, Theirs>()
where
    Ours: Kem + PublicKeyHint,
    Theirs: Kem,
{
    let mut rng = TestRng(0x1234_5678_9abc_def1);
    for round in 0..4u8 {
        let ikm = [round; 80];
        let (our_sk, our_pk) = Ours::derive_keypair(&ikm);
        let (their_sk, their_pk) = Theirs::derive_keypair(&ikm);
        // DeriveKeyPair agrees byte for byte.
        assert_eq!(our_sk.to_bytes().as_slice(), their_sk.to_bytes().as_slice());
        assert_eq!(our_pk.to_bytes().as_slice(), their_pk.to_bytes().as_slice());

        // Ours seals, theirs opens.
        let (enc, ct) = hpke::single_shot_seal_with_rng::<AesGcm128, HkdfSha256, Ours>(
            &OpModeS::Base,
            &our_pk,
            b"info",
            b"plaintext",
            b"aad",
            &mut rng,
        )
        .expect("seal");
        let their_enc = Theirs::EncappedKey::from_bytes(&enc.to_bytes()).expect("enc");
        let opened = hpke::single_shot_open::<AesGcm128, HkdfSha256, Theirs>(
            &OpModeR::Base,
            &their_sk,
            &their_enc,
            b"info",
            &ct,
            b"aad",
        )
        .expect("theirs opens ours");
        assert_eq!(opened, b"plaintext");

        // Theirs seals, ours opens, with and without the public-key hint.
        let (enc, ct) = hpke::single_shot_seal_with_rng::<AesGcm128, HkdfSha256, Theirs>(
            &OpModeS::Base,
            &their_pk,
            b"info",
            b"plaintext",
            b"aad",
            &mut rng,
        )
        .expect("seal");
        let our_enc = Ours::EncappedKey::from_bytes(&enc.to_bytes()).expect("enc");
        let sk_bytes = our_sk.to_bytes();
        let pk_bytes = our_pk.to_bytes();
        for sk in [
            Ours::PrivateKey::from_bytes(&sk_bytes).expect("sk"),
            Ours::private_with_public(&sk_bytes, &pk_bytes).expect("sk with pk"),
        ] {
            let opened = hpke::single_shot_open::<AesGcm128, HkdfSha256, Ours>(
                &OpModeR::Base,
                &sk,
                &our_enc,
                b"info",
                &ct,
                b"aad",
            )
            .expect("ours opens theirs");
            assert_eq!(opened, b"plaintext");
        }

        // A wrong public-key hint never opens.
        let (_, other_pk) = Ours::derive_keypair(&[round ^ 0xff; 80]);
        let wrong = Ours::private_with_public(&sk_bytes, &other_pk.to_bytes()).expect("sk");
        assert!(
            hpke::single_shot_open::<AesGcm128, HkdfSha256, Ours>(
                &OpModeR::Base,
                &wrong,
                &our_enc,
                b"info",
                &ct,
                b"aad",
            )
            .is_err()
        );
    }
}

#[test]
fn x25519_agrees_with_the_hpke_crate() {
    agrees_with::<DhKem<X25519>, hpke::kem::X25519HkdfSha256>();
}

#[test]
fn p256_agrees_with_the_hpke_crate() {
    agrees_with::<DhKem<NistP256>, hpke::kem::DhP256HkdfSha256>();
}

#[test]
fn p384_agrees_with_the_hpke_crate() {
    agrees_with::<DhKem<NistP384>, hpke::kem::DhP384HkdfSha384>();
}

#[test]
fn p521_agrees_with_the_hpke_crate() {
    agrees_with::<DhKem<NistP521>, hpke::kem::DhP521HkdfSha512>();
}

#[test]
fn x448_derives_and_round_trips() {
    let mut rng = TestRng(7);
    let (sk, pk) = DhKem::<X448>::derive_keypair(&[3u8; 56]);
    let (enc, ct) = hpke::single_shot_seal_with_rng::<AesGcm128, HkdfSha256, DhKem<X448>>(
        &OpModeS::Base,
        &pk,
        b"",
        b"m",
        b"",
        &mut rng,
    )
    .expect("seal");
    let opened = hpke::single_shot_open::<AesGcm128, HkdfSha256, DhKem<X448>>(
        &OpModeR::Base,
        &sk,
        &enc,
        b"",
        &ct,
        b"",
    )
    .expect("open");
    assert_eq!(opened, b"m");
}
