//! The five DH groups of the MLS suites (RFC 9180 §7.1, Table 2), on
//! `x25519-dalek`, `x448` and RustCrypto's `p256`/`p384`/`p521`.

use hmac::Hmac;
use hpke::hybrid_array::typenum::{U32, U48, U56, U64, U65, U66, U97, U133};
use sha2::{Sha256, Sha384, Sha512};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::{Derivation, DhGroup};

/// A DH output as the shared secret, or `None` when it is all zero
/// (RFC 9180 §7.1.4: abort). Constant time, and no allocation beyond the
/// returned secret (this runs on every seal and open).
fn nonzero_secret(out: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let any_bit = out.iter().fold(0u8, |acc, b| acc | b);
    (!bool::from(any_bit.ct_eq(&0))).then(|| Zeroizing::new(out.to_vec()))
}

/// DHKEM(X25519, HKDF-SHA256).
pub struct X25519;

/// The u-coordinates of the points of small order on Curve25519, after
/// masking bit 255 (which X25519 ignores, RFC 7748 §5): zero, one, the two
/// points of order 8, p - 1, and p and p + 1 (non-canonical encodings of zero
/// and one). A DH with any of them gives an all-zero secret whatever the scalar,
/// so they are refused when a key is decoded; comparing against the list
/// replaces a scalar multiplication by a probe (issue 14). A unit test
/// checks the list against that probe.
const X25519_SMALL_ORDER: [[u8; 32]; 7] = [
    [0; 32],
    [
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    ],
    [
        0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4,
        0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49,
        0xb8, 0x00,
    ],
    [
        0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef,
        0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f,
        0x11, 0x57,
    ],
    p25519_plus(-1),
    p25519_plus(0),
    p25519_plus(1),
];

/// `p + delta` for p = 2^255 - 19 and a small `delta`, little-endian.
const fn p25519_plus(delta: i8) -> [u8; 32] {
    let mut out = [0xff; 32];
    out[0] = (0xed_i16 + delta as i16) as u8;
    out[31] = 0x7f;
    out
}

/// Whether `pk` is one of [`X25519_SMALL_ORDER`].
pub(crate) fn x25519_small_order(pk: &[u8]) -> bool {
    if pk.len() != 32 {
        return false;
    }
    let mut masked = *fixed::<32>(pk);
    masked[31] &= 0x7f;
    X25519_SMALL_ORDER.contains(&masked)
}

/// An `N`-byte array from a slice that the callers have length-checked (a
/// shorter one would be zero-filled rather than panic).
fn fixed<const N: usize>(bytes: &[u8]) -> Zeroizing<[u8; N]> {
    let mut out = Zeroizing::new([0u8; N]);
    for (dst, src) in out.iter_mut().zip(bytes) {
        *dst = *src;
    }
    out
}

impl DhGroup for X25519 {
    const KEM_ID: u16 = 0x0020;
    const DERIVATION: Derivation = Derivation::Direct;
    type Mac = Hmac<Sha256>;
    type Npk = U32;
    type Nsk = U32;
    type Nsecret = U32;

    fn is_valid_public(pk: &[u8]) -> bool {
        !x25519_small_order(pk)
    }

    /// RFC 9180 §7.1.2: X25519 private keys are clamped when
    /// (de)serialized (RFC 7748 §5 `decodeScalar25519`).
    fn canonical_private(sk: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let mut k = fixed::<32>(sk);
        k[0] &= 248;
        k[31] &= 127;
        k[31] |= 64;
        Some(Zeroizing::new(k.to_vec()))
    }

    fn public_of(sk: &[u8]) -> Vec<u8> {
        let secret = x25519_dalek::StaticSecret::from(*fixed::<32>(sk));
        x25519_dalek::PublicKey::from(&secret).to_bytes().to_vec()
    }

    fn dh(sk: &[u8], pk: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        nonzero_secret(
            &Zeroizing::new(x25519_dalek::x25519(*fixed::<32>(sk), *fixed::<32>(pk)))[..],
        )
    }
}

/// DHKEM(X448, HKDF-SHA512), which the `hpke` crate does not ship.
/// Private keys are kept as the 56 bytes given (or derived): X448 clamps the
/// scalar at use (RFC 7748 §5), so clamped and unclamped encodings of one
/// key behave identically.
pub struct X448;

impl DhGroup for X448 {
    const KEM_ID: u16 = 0x0021;
    const DERIVATION: Derivation = Derivation::Direct;
    type Mac = Hmac<Sha512>;
    type Npk = U56;
    type Nsk = U56;
    type Nsecret = U64;

    /// `x448::PublicKey::from_bytes` rejects the points of low order.
    fn is_valid_public(pk: &[u8]) -> bool {
        x448::PublicKey::from_bytes(pk).is_some()
    }

    fn canonical_private(sk: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        Some(Zeroizing::new(sk.to_vec()))
    }

    fn public_of(sk: &[u8]) -> Vec<u8> {
        x448::x448_unchecked(*fixed::<56>(sk), x448::X448_BASEPOINT_BYTES).to_vec()
    }

    fn dh(sk: &[u8], pk: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        nonzero_secret(&Zeroizing::new(x448::x448(*fixed::<56>(sk), *fixed::<56>(pk))?)[..])
    }
}

/// The scalar of a NIST-curve private key of exactly `Nsk` bytes, if it is
/// in [1, n).
macro_rules! nist_secret {
    ($curve:ident, $sk:expr) => {
        $curve::FieldBytes::try_from($sk)
            .ok()
            .and_then(|bytes| $curve::SecretKey::from_bytes(&bytes).ok())
    };
}

/// A NIST curve group: public keys in uncompressed SEC1 form only, private
/// keys big-endian scalars in [1, n).
macro_rules! nist_group {
    ($name:ident, $curve:ident, $kem_id:expr, $hash:ty, $npk:ty, $nsk:ty, $nsecret:ty, $mask:expr) => {
        #[doc = concat!("DHKEM(", stringify!($curve), ") with HKDF-", stringify!($hash), ".")]
        pub(crate) struct $name;

        impl DhGroup for $name {
            const KEM_ID: u16 = $kem_id;
            const DERIVATION: Derivation = Derivation::Candidates { bitmask: $mask };
            type Mac = Hmac<$hash>;
            type Npk = $npk;
            type Nsk = $nsk;
            type Nsecret = $nsecret;

            /// Tag 0x04 (no compressed or hybrid forms), on the curve, not
            /// the identity (RFC 9180 §7.1.1, §7.1.4).
            fn is_valid_public(pk: &[u8]) -> bool {
                pk.first() == Some(&0x04) && $curve::PublicKey::from_sec1_bytes(pk).is_ok()
            }

            fn canonical_private(sk: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
                nist_secret!($curve, sk)?;
                Some(Zeroizing::new(sk.to_vec()))
            }

            fn public_of(sk: &[u8]) -> Vec<u8> {
                use $curve::elliptic_curve::sec1::ToSec1Point;
                nist_secret!($curve, sk)
                    .map(|secret| {
                        secret
                            .public_key()
                            .as_affine()
                            .to_sec1_point(false)
                            .as_bytes()
                            .to_vec()
                    })
                    .unwrap_or_default()
            }

            fn dh(sk: &[u8], pk: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
                let secret = nist_secret!($curve, sk)?;
                let public = $curve::PublicKey::from_sec1_bytes(pk).ok()?;
                let shared = $curve::elliptic_curve::ecdh::diffie_hellman(
                    secret.to_nonzero_scalar(),
                    public.as_affine(),
                );
                Some(Zeroizing::new(shared.raw_secret_bytes().to_vec()))
            }
        }
    };
}

nist_group!(NistP256, p256, 0x0010, Sha256, U65, U32, U32, 0xff);
nist_group!(NistP384, p384, 0x0011, Sha384, U97, U48, U48, 0xff);
nist_group!(NistP521, p521, 0x0012, Sha512, U133, U66, U64, 0x01);
