//! Unit tests of the HPKE layer, including known answers from the RFC 9180
//! test vectors.

use mls_crypto::{CipherSuite, CryptoError, Kem};

use super::for_suite;
use crate::rng::Randomness;

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).expect("hex")
}

fn suite(id: u16) -> CipherSuite {
    CipherSuite::from_id(id).expect("registered suite")
}

/// One base-mode (mode 0) case of the RFC 9180 test vectors.
struct Kat {
    suite: u16,
    ikm_r: &'static str,
    pk_r: &'static str,
    sk_r: &'static str,
    ikm_e: &'static str,
    pk_e: &'static str,
    /// The first encryption: aad "Count-0", sequence number 0.
    ct0: &'static str,
    /// The first export: empty exporter context, L = 32.
    export0: &'static str,
}

/// Source: the CFRG test vectors of RFC 9180, `test-vectors.json` of
/// cfrg/draft-irtf-cfrg-hpke at commit 5f503c5 (the vectors published with
/// the RFC; X448 cases are only in that file, not in RFC 9180 Appendix A).
/// Mode 0 cases for (KEM, KDF, AEAD) = (0x20,1,1), (0x10,1,1), (0x20,1,3),
/// (0x21,3,2), (0x12,3,2), (0x21,3,3), i.e. the HPKE triples of MLS suites
/// 1 to 6. There are no P-384 vectors in that file, so suite 7 has none.
const KATS: &[Kat] = &[
    Kat {
        suite: 1,
        ikm_r: "6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037",
        pk_r: "3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d",
        sk_r: "4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8",
        ikm_e: "7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234",
        pk_e: "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431",
        ct0: "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a",
        export0: "3853fe2b4035195a573ffc53856e77058e15d9ea064de3e59f4961d0095250ee",
    },
    Kat {
        suite: 2,
        ikm_r: "668b37171f1072f3cf12ea8a236a45df23fc13b82af3609ad1e354f6ef817550",
        pk_r: "04fe8c19ce0905191ebc298a9245792531f26f0cece2460639e8bc39cb7f706a826a779b4cf969b8a0e539c7f62fb3d30ad6aa8f80e30f1d128aafd68a2ce72ea0",
        sk_r: "f3ce7fdae57e1a310d87f1ebbde6f328be0a99cdbcadf4d6589cf29de4b8ffd2",
        ikm_e: "4270e54ffd08d79d5928020af4686d8f6b7d35dbe470265f1f5aa22816ce860e",
        pk_e: "04a92719c6195d5085104f469a8b9814d5838ff72b60501e2c4466e5e67b325ac98536d7b61a1af4b78e5b7f951c0900be863c403ce65c9bfcb9382657222d18c4",
        ct0: "5ad590bb8baa577f8619db35a36311226a896e7342a6d836d8b7bcd2f20b6c7f9076ac232e3ab2523f39513434",
        export0: "5e9bc3d236e1911d95e65b576a8a86d478fb827e8bdfe77b741b289890490d4d",
    },
    Kat {
        suite: 3,
        ikm_r: "1ac01f181fdf9f352797655161c58b75c656a6cc2716dcb66372da835542e1df",
        pk_r: "4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a",
        sk_r: "8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb",
        ikm_e: "909a9b35d3dc4713a5e72a4da274b55d3d3821a37e5d099e74a647db583a904b",
        pk_e: "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a",
        ct0: "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28",
        export0: "4bbd6243b8bb54cec311fac9df81841b6fd61f56538a775e7c80a9f40160606e",
    },
    Kat {
        suite: 4,
        ikm_r: "93e714430d3cb00e8e8a03dd820dcbcc7f0141f93c63a7dede2dfb152b5b23982a1a55f2d86dd9e0f5a0f53b9c21605257ec1349d7f89e53",
        pk_r: "d920db89afdb25df110a44cf0d7dc4e4d4b74f09ceaba5e76a12d3cafefcd962e244804a58bfd12303732be21d511f877ddc2ed694447b3d",
        sk_r: "c4e72a57af1640806c01617b947ee6d1bbe5eb1a5b4616fb705a5d2ed30b7f4317365c504249750e090805d44a2ddc2970172414a90a09e5",
        ikm_e: "39ed47496020ec7c2afc214425fc6a15fb6f1e16759c2b066265b6624c84ed50ee6c3129d9ed71318b19a96e5c5cc6b27aca5e1ae9cdc7e0",
        pk_e: "390f2971ca97d513915a2bc5aac0cb81b832d9424d2264eaa9e868d80862edd7918276883a8d0434309e049408fec2340ae5799702f948d7",
        ct0: "6a5ef0f8c88a17c6d26bee63b4468cd43360eb69804fb392d8c9b8eba2f9bd806726c7d99cb9073022000ce41a",
        export0: "596003579117f3edeeeeb84e602b1ff316fd6771ebeb9bd400fd5ae9155199ab",
    },
    Kat {
        suite: 5,
        ikm_r: "2ad954bbe39b7122529f7dde780bff626cd97f850d0784a432784e69d86eccaade43b6c10a8ffdb94bf943c6da479db137914ec835a7e715e36e45e29b587bab3bf1",
        pk_r: "0401b45498c1714e2dce167d3caf162e45e0642afc7ed435df7902ccae0e84ba0f7d373f646b7738bbbdca11ed91bdeae3cdcba3301f2457be452f271fa6837580e661012af49583a62e48d44bed350c7118c0d8dc861c238c72a2bda17f64704f464b57338e7f40b60959480c0e58e6559b190d81663ed816e523b6b6a418f66d2451ec64",
        sk_r: "01462680369ae375e4b3791070a7458ed527842f6a98a79ff5e0d4cbde83c27196a3916956655523a6a2556a7af62c5cadabe2ef9da3760bb21e005202f7b2462847",
        ikm_e: "7f06ab8215105fc46aceeb2e3dc5028b44364f960426eb0d8e4026c2f8b5d7e7a986688f1591abf5ab753c357a5d6f0440414b4ed4ede71317772ac98d9239f70904",
        pk_e: "040138b385ca16bb0d5fa0c0665fbbd7e69e3ee29f63991d3e9b5fa740aab8900aaeed46ed73a49055758425a0ce36507c54b29cc5b85a5cee6bae0cf1c21f2731ece2013dc3fb7c8d21654bb161b463962ca19e8c654ff24c94dd2898de12051f1ed0692237fb02b2f8d1dc1c73e9b366b529eb436e98a996ee522aef863dd5739d2f29b0",
        ct0: "170f8beddfe949b75ef9c387e201baf4132fa7374593dfafa90768788b7b2b200aafcc6d80ea4c795a7c5b841a",
        export0: "05e2e5bd9f0c30832b80a279ff211cc65eceb0d97001524085d609ead60d0412",
    },
    Kat {
        suite: 6,
        ikm_r: "1a91ec4a112661d663caad07437e07486dcc80b499c83c6bf17fb2faba77c180404d983bd32ed4284fa1aee3bb3887b61402036b058c3c8d",
        pk_r: "f2fdb31a7829a6d2d78b9d8b670397457c92cb2417af37dbe0c1c12a9547e4eda9fde09fc3fe0f359bb7b4151e8a6fb592530af71d9dc0b5",
        sk_r: "c2f51845154d6bb6917e44ef0fa0a1fbf1d80f61d199486e75295e8a7e50432d548a7f8040953826c4f1bce79e433dedb4469391c3cc98a1",
        ikm_e: "178e4db14a03ebf5b5205e11a3c3918431b4d4bb143b62a52bebdd61d107d23122868395cca3dbc46e98964d4c1dfdc4b0e05cbb2934d9e5",
        pk_e: "3d4f6aa08c635205bcd96a0791695d08638714474b4d2c0132b69e25cdb826e1a2a84bc0c40c4fc75f52051b034e0afa82b8457e28794f92",
        ct0: "4df124bd68d45b84dd5b82146597cdab8b56ab618166f814c2fe98ce35f43b09917283a58810aac71e852bff0a",
        export0: "d13d9f30a9de3369f25b8de6a733d9c5b68a79b148a662a44cb84e9296419ed6",
    },
];

/// info = "Ode on a Grecian Urn", aad = "Count-0",
/// pt = "Beauty is truth, truth beauty" in every case.
const INFO: &[u8] = b"Ode on a Grecian Urn";
const AAD0: &[u8] = b"Count-0";
const PT: &[u8] = b"Beauty is truth, truth beauty";

#[test]
fn rfc9180_derive_key_pair_known_answers() {
    for kat in KATS {
        let cs = suite(kat.suite);
        let ops = for_suite(cs);
        let r = ops.derive(&unhex(kat.ikm_r)).expect("derive");
        assert_eq!(r.public_key, unhex(kat.pk_r), "pkR of suite {}", kat.suite);
        if cs.kem() != Kem::DhKemX25519Sha256 {
            // The `hpke` crate clamps X25519 private keys on serialization;
            // the vectors list them unclamped. Everywhere else they match.
            assert_eq!(
                r.private_key.as_bytes(),
                unhex(kat.sk_r),
                "skR of suite {}",
                kat.suite
            );
        }
        let e = ops.derive(&unhex(kat.ikm_e)).expect("derive");
        assert_eq!(e.public_key, unhex(kat.pk_e), "pkE of suite {}", kat.suite);
        assert_eq!(
            ops.public_key(&unhex(kat.sk_r)).expect("pk"),
            unhex(kat.pk_r)
        );
    }
}

#[test]
fn rfc9180_open_and_export_known_answers() {
    for kat in KATS {
        let ops = for_suite(suite(kat.suite));
        let sk = unhex(kat.sk_r);
        let enc = unhex(kat.pk_e);
        let pt = ops
            .open(&sk, &unhex(kat.pk_r), &enc, INFO, AAD0, &unhex(kat.ct0))
            .expect("open");
        assert_eq!(&pt[..], PT, "suite {}", kat.suite);
        let exported = ops
            .export_receiver(&sk, &unhex(kat.pk_r), &enc, INFO, b"", 32)
            .expect("export");
        assert_eq!(
            exported.as_bytes(),
            unhex(kat.export0),
            "suite {}",
            kat.suite
        );
    }
}

#[test]
fn seal_open_and_export_round_trip_for_every_suite() {
    let rng = Randomness::seeded([5; 32]);
    for cs in CipherSuite::ALL {
        let ops = for_suite(cs);
        let kp = ops.generate(&rng).expect("generate");
        assert_eq!(kp.public_key.len(), cs.kem().public_key_len());
        assert_eq!(kp.private_key.as_bytes().len(), cs.kem().private_key_len());
        let ct = ops
            .seal(&rng, &kp.public_key, b"info", b"aad", b"secret")
            .expect("seal");
        assert_eq!(ct.kem_output.len(), cs.kem().enc_len());
        let pt = ops
            .open(
                kp.private_key.as_bytes(),
                &kp.public_key,
                &ct.kem_output,
                b"info",
                b"aad",
                &ct.ciphertext,
            )
            .expect("open");
        assert_eq!(&pt[..], b"secret");

        let (enc, sent) = ops
            .export_sender(&rng, &kp.public_key, b"", b"ctx", cs.hash_len())
            .expect("export");
        let received = ops
            .export_receiver(
                kp.private_key.as_bytes(),
                &kp.public_key,
                &enc,
                b"",
                b"ctx",
                cs.hash_len(),
            )
            .expect("export");
        assert_eq!(sent, received);
    }
}

#[test]
fn wrong_info_aad_key_or_tampering_fails_to_open() {
    let rng = Randomness::seeded([6; 32]);
    for cs in CipherSuite::ALL {
        let ops = for_suite(cs);
        let kp = ops.generate(&rng).expect("generate");
        let other = ops.generate(&rng).expect("generate");
        let sk = kp.private_key.as_bytes();
        let ct = ops
            .seal(&rng, &kp.public_key, b"label A", b"", b"m")
            .expect("seal");
        let open = |sk: &[u8], enc: &[u8], info: &[u8], aad: &[u8], c: &[u8]| {
            ops.open(sk, &kp.public_key, enc, info, aad, c).err()
        };
        let fail = Some(CryptoError::HpkeOpenFailed);
        // The right private key with another key pair's public key: in a
        // DHKEM the public key enters the KEM context, so it never opens
        // (the post-quantum KEMs decapsulate with the private key alone).
        #[cfg(feature = "pq")]
        let dhkem = !matches!(cs.kem(), Kem::Pq(_));
        #[cfg(not(feature = "pq"))]
        let dhkem = true;
        assert!(
            !dhkem
                || ops
                    .open(
                        sk,
                        &other.public_key,
                        &ct.kem_output,
                        b"label A",
                        b"",
                        &ct.ciphertext
                    )
                    .err()
                    == fail
        );
        // V-5.1.3-01: another label (info) does not open.
        assert_eq!(
            open(sk, &ct.kem_output, b"label B", b"", &ct.ciphertext),
            fail
        );
        assert_eq!(
            open(sk, &ct.kem_output, b"label A", b"x", &ct.ciphertext),
            fail
        );
        assert_eq!(
            open(
                other.private_key.as_bytes(),
                &ct.kem_output,
                b"label A",
                b"",
                &ct.ciphertext
            ),
            fail
        );
        let mut bad = ct.ciphertext.clone();
        bad[0] ^= 1;
        assert_eq!(open(sk, &ct.kem_output, b"label A", b"", &bad), fail);
        assert_eq!(
            open(sk, &ct.kem_output, b"label A", b"", &ct.ciphertext[..3]),
            fail
        );
        // A wrong-length encapsulation is named as such.
        assert_eq!(
            open(sk, &ct.kem_output[1..], b"label A", b"", &ct.ciphertext),
            Some(CryptoError::InvalidLength {
                what: "HPKE encapsulated key (kem_output)",
                expected: ct.kem_output.len(),
                actual: ct.kem_output.len() - 1,
            })
        );
        let mut enc = ct.kem_output.clone();
        let last = enc.len() - 1;
        enc[last] ^= 1;
        assert!(open(sk, &enc, b"label A", b"", &ct.ciphertext).is_some());
    }
}

#[test]
fn malformed_public_keys_are_rejected() {
    let rng = Randomness::seeded([7; 32]);
    for cs in CipherSuite::ALL {
        let ops = for_suite(cs);
        let pk = ops.generate(&rng).expect("generate").public_key;
        let bad = Some(CryptoError::InvalidHpkePublicKey);
        let check = |key: &[u8]| {
            assert_eq!(
                ops.validate_public_key(key).err(),
                bad,
                "{cs} {}",
                hex::encode(key)
            );
            assert_eq!(ops.seal(&rng, key, b"", b"", b"m").err(), bad, "{cs}");
        };
        check(&[]);
        check(&pk[1..]);
        check(&[pk.clone(), vec![0]].concat());
        match cs.kem() {
            Kem::DhKemP256Sha256 | Kem::DhKemP384Sha384 | Kem::DhKemP521Sha512 => {
                let n = (pk.len() - 1) / 2;
                // Compressed point (0x02/0x03 || x).
                let mut compressed = vec![0x02 | (pk[pk.len() - 1] & 1)];
                compressed.extend_from_slice(&pk[1..=n]);
                check(&compressed);
                // Right length, wrong tag (compressed and hybrid tags).
                for tag in [0x00, 0x02, 0x03, 0x06, 0x07] {
                    let mut k = pk.clone();
                    k[0] = tag;
                    check(&k);
                }
                // Off the curve: change y.
                let mut off = pk.clone();
                off[pk.len() - 1] ^= 1;
                check(&off);
                // The identity's one-byte encoding and an all-zero point.
                check(&[0x00]);
                let mut zero = vec![0u8; pk.len()];
                zero[0] = 0x04;
                check(&zero);
            }
            Kem::DhKemX25519Sha256 | Kem::DhKemX448Sha512 => {
                // Points of small order (RFC 7748): u = 0 and u = 1.
                let mut u = vec![0u8; pk.len()];
                check(&u);
                u[0] = 1;
                check(&u);
            }
            #[cfg(feature = "pq")]
            Kem::Pq(_) => super::pq::tests::malformed_public_keys(&pk, check),
        }
        assert_eq!(ops.validate_public_key(&pk), Ok(()));
    }
}

#[test]
fn malformed_private_keys_are_rejected() {
    for cs in CipherSuite::ALL {
        let ops = for_suite(cs);
        let n = cs.kem().private_key_len();
        let nist = matches!(
            cs.kem(),
            Kem::DhKemP256Sha256 | Kem::DhKemP384Sha384 | Kem::DhKemP521Sha512
        );
        if !nist {
            // X25519 and X448 keys are strings, not integers: no padding.
            assert!(matches!(
                ops.public_key(&vec![1u8; n - 1]),
                Err(CryptoError::InvalidLength { .. })
            ));
        }
        assert!(matches!(
            ops.open(&vec![1u8; n + 1], &[], &[], b"", b"", b""),
            Err(CryptoError::InvalidLength { .. })
        ));
        if nist {
            // Zero and values at or above the group order are not scalars.
            assert_eq!(
                ops.public_key(&vec![0u8; n]).err(),
                Some(CryptoError::InvalidHpkePrivateKey)
            );
            assert_eq!(
                ops.public_key(&vec![0xffu8; n]).err(),
                Some(CryptoError::InvalidHpkePrivateKey)
            );
        }
    }
}

/// Issue 11 item 5(b): a NIST-curve HPKE private key serialized without its
/// leading zero bytes is the same key, for every use of a private key; a
/// longer one (even by a leading zero) or zero is still rejected.
#[test]
fn short_nist_private_keys_are_left_padded() {
    let rng = Randomness::seeded([13; 32]);
    for cs in CipherSuite::ALL {
        if !matches!(
            cs.kem(),
            Kem::DhKemP256Sha256 | Kem::DhKemP384Sha384 | Kem::DhKemP521Sha512
        ) {
            continue;
        }
        let ops = for_suite(cs);
        let n = cs.kem().private_key_len();
        let mut full = vec![0u8; n];
        full[3..]
            .copy_from_slice(&ops.generate(&rng).expect("generate").private_key.as_bytes()[3..]);
        let public_key = ops.public_key(&full).expect("pk");
        let ct = ops
            .seal(&rng, &public_key, b"info", b"aad", b"m")
            .expect("seal");
        let (enc, exported) = ops
            .export_sender(&rng, &public_key, b"", b"ctx", 32)
            .expect("export");
        for short in [&full[1..], &full[3..]] {
            assert_eq!(ops.public_key(short).as_ref(), Ok(&public_key), "{cs}");
            let opened = ops
                .open(
                    short,
                    &public_key,
                    &ct.kem_output,
                    b"info",
                    b"aad",
                    &ct.ciphertext,
                )
                .expect("open");
            assert_eq!(&opened[..], b"m");
            let received = ops
                .export_receiver(short, &public_key, &enc, b"", b"ctx", 32)
                .expect("export");
            assert_eq!(received, exported);
        }
        let longer = [&[0u8][..], &full].concat();
        assert!(matches!(
            ops.public_key(&longer),
            Err(CryptoError::InvalidLength { .. })
        ));
        for zero in [&[][..], &[0u8; 7][..]] {
            assert_eq!(
                ops.public_key(zero).err(),
                Some(CryptoError::InvalidHpkePrivateKey),
                "{cs}"
            );
        }
    }
}

#[test]
fn export_length_is_bounded() {
    let rng = Randomness::seeded([8; 32]);
    let cs = CipherSuite::Mls128DhKemX25519Aes128GcmSha256Ed25519;
    let ops = for_suite(cs);
    let kp = ops.generate(&rng).expect("generate");
    assert_eq!(
        ops.export_sender(&rng, &kp.public_key, b"", b"", 255 * 32 + 1)
            .err(),
        Some(CryptoError::KdfOutputTooLong(255 * 32 + 1))
    );
}

#[test]
fn seeded_randomness_makes_sealing_deterministic() {
    let seal = || {
        let rng = Randomness::seeded([9; 32]);
        let ops = for_suite(CipherSuite::Mls256DhKemX448Aes256GcmSha512Ed448);
        let kp = ops.generate(&rng).expect("generate");
        (
            kp.clone(),
            ops.seal(&rng, &kp.public_key, b"", b"", b"m")
                .expect("seal"),
        )
    };
    assert_eq!(seal(), seal());
}

#[test]
fn a_seeded_seal_is_the_seal_that_draws_the_seed() {
    // issue 14 item 2: for every DHKEM suite `seal_with_seed(s)` is exactly
    // `seal` with a generator whose next Nsk bytes are `s` (the ephemeral
    // key is DeriveKeyPair(s), RFC 9180 §7.1.3): the same seed gives the
    // same bytes, another seed other bytes.
    let rng = Randomness::seeded([3; 32]);
    for cs in CipherSuite::ALL
        .into_iter()
        .filter(|cs| super::is_dhkem(cs.kem()))
    {
        let ops = for_suite(cs);
        let kp = ops.generate(&rng).expect("generate");
        assert_eq!(ops.seal_seed_len(), cs.kem().private_key_len());
        let mut seed = vec![0u8; ops.seal_seed_len()];
        Randomness::seeded([7; 32]).fill(&mut seed).expect("draw");
        let seeded = |seed: &[u8]| {
            ops.seal_with_seed(seed, &kp.public_key, b"info", b"aad", b"secret")
                .expect("seal")
        };
        let by_rng = ops
            .seal(
                &Randomness::seeded([7; 32]),
                &kp.public_key,
                b"info",
                b"aad",
                b"secret",
            )
            .expect("seal");
        assert_eq!(seeded(&seed), by_rng, "{cs:?}");
        let mut other = seed.clone();
        other[0] ^= 1;
        assert_ne!(seeded(&other).kem_output, by_rng.kem_output, "{cs:?}");
        let pt = ops
            .open(
                kp.private_key.as_bytes(),
                &kp.public_key,
                &by_rng.kem_output,
                b"info",
                b"aad",
                &by_rng.ciphertext,
            )
            .expect("open");
        assert_eq!(&pt[..], b"secret");
        // A seed of the wrong length and a bad recipient key are refused.
        assert!(matches!(
            ops.seal_with_seed(&seed[1..], &kp.public_key, b"", b"", b"m"),
            Err(CryptoError::InvalidLength { .. })
        ));
        assert_eq!(
            ops.seal_with_seed(&seed, &[0u8; 3], b"", b"", b"m")
                .unwrap_err(),
            CryptoError::InvalidHpkePublicKey
        );
    }
}

#[test]
fn seeded_and_prepared_seals_give_the_rfc9180_ciphertexts() {
    // The seeded seal runs this crate's own base-mode key schedule
    // (`hpke/schedule.rs`); with ikmE as the seed it must give RFC 9180's
    // first ciphertext, and so must the seal from a prepared `info_hash`.
    for kat in KATS {
        let ops = for_suite(suite(kat.suite));
        let pk = unhex(kat.pk_r);
        let seed = unhex(kat.ikm_e);
        let sealed = ops
            .seal_with_seed(&seed, &pk, INFO, AAD0, PT)
            .expect("seal");
        assert_eq!(
            sealed.kem_output,
            unhex(kat.pk_e),
            "enc of suite {}",
            kat.suite
        );
        assert_eq!(
            sealed.ciphertext,
            unhex(kat.ct0),
            "ct0 of suite {}",
            kat.suite
        );
        let info_hash = ops.info_hash(INFO).expect("info hash");
        let prepared = ops
            .seal_with_info_hash(&seed, &pk, &info_hash, AAD0, PT)
            .expect("seal");
        assert_eq!(prepared, sealed, "suite {}", kat.suite);
    }
}

#[test]
fn a_prepared_info_seals_as_the_info_itself_for_every_suite() {
    use mls_crypto::{CryptoProvider, HpkeCiphertextRef, HpkeInfo};
    let provider = crate::RustCryptoProvider::with_seed([4; 32]);
    // A large info, as a Welcome's encrypted GroupInfo.
    let info: Vec<u8> = (0..100_000u32).map(|i| i as u8).collect();
    for cs in CipherSuite::ALL {
        let suite = provider.cipher_suite_provider(cs).expect("suite");
        let kp = suite.hpke_generate_key_pair().expect("key pair");
        let seed = suite
            .random_bytes(suite.hpke_seal_seed_len())
            .expect("seed");
        let direct = suite
            .hpke_seal_with_seed(&kp.public_key, &info, b"", b"group secrets", &seed)
            .expect("seal");
        let prepared = suite.hpke_prepare_info(info.clone()).expect("prepare");
        let via_prepared = suite
            .hpke_seal_prepared_with_seed(&kp.public_key, &prepared, b"", b"group secrets", &seed)
            .expect("seal");
        assert_eq!(via_prepared, direct, "{cs:?}");
        // Without the digest (another provider's HpkeInfo) the info is used.
        let plain = suite
            .hpke_seal_prepared_with_seed(
                &kp.public_key,
                &HpkeInfo::new(info.clone()),
                b"",
                b"group secrets",
                &seed,
            )
            .expect("seal");
        assert_eq!(plain, direct, "{cs:?}");
        // A digest made for another suite is not taken for this one's.
        let other = CipherSuite::ALL
            .into_iter()
            .find(|o| *o != cs)
            .expect("another suite");
        let foreign = provider
            .cipher_suite_provider(other)
            .expect("suite")
            .hpke_prepare_info(info.clone())
            .expect("prepare");
        let with_foreign = suite
            .hpke_seal_prepared_with_seed(&kp.public_key, &foreign, b"", b"group secrets", &seed)
            .expect("seal");
        assert_eq!(with_foreign, direct, "{cs:?}");
        let opened = suite
            .hpke_open(
                &kp.private_key,
                &kp.public_key,
                &info,
                b"",
                HpkeCiphertextRef {
                    kem_output: &via_prepared.kem_output,
                    ciphertext: &via_prepared.ciphertext,
                },
            )
            .expect("open");
        assert_eq!(&opened[..], b"group secrets");
    }
}
