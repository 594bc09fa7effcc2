//! The cost of one credential check: a member certificate under one
//! intermediate under the trusted root (two P-256 signature verifications),
//! next to one bare P-256 verification (the floor).

#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;

use common::*;
use criterion::{Criterion, criterion_group, criterion_main};
use mls_codec::{Certificate as Entry, Credential, VLBytes};
use mls_crypto::{CipherSuite, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_treekem::FixedClock;
use mls_x509::X509CredentialValidator;

fn chain_validation(c: &mut Criterion) {
    let provider: Arc<dyn CryptoProvider> = Arc::new(RustCryptoProvider::new());
    let cs = provider
        .cipher_suite_provider(CipherSuite::Mls128DhKemP256Aes128GcmSha256P256)
        .unwrap();
    let root = ca(&Spec::ca("CN=Bench Root", Some(1)), 1, None);
    let intermediate = ca(&Spec::ca("CN=Bench Intermediate", Some(0)), 2, Some(&root));
    let pair = cs.signature_generate_key_pair().unwrap();
    let leaf = issue(
        &Spec::leaf("CN=alice"),
        spki_p256(&pair.public_key),
        Some(&intermediate),
        &intermediate.key,
        3,
    );
    let credential = Credential::X509 {
        certificates: [der(&leaf), der(&intermediate.cert)]
            .into_iter()
            .map(|d| Entry {
                cert_data: VLBytes::new(d),
            })
            .collect(),
    };
    let validator = X509CredentialValidator::builder(provider.clone())
        .trust_anchor(root.cert.clone())
        .clock(Arc::new(FixedClock(NOW)))
        .build();
    let message = b"floor";
    let signature = cs.sign(&pair.private_key, message).unwrap();
    let mut group = c.benchmark_group("x509");
    group.bench_function("validate chain of 2 under a root (P-256)", |b| {
        b.iter(|| validator.validate(&credential, &pair.public_key).unwrap())
    });
    group.bench_function("floor: one P-256 verification", |b| {
        b.iter(|| cs.verify(&pair.public_key, message, &signature).unwrap())
    });
    group.finish();
}

criterion_group!(benches, chain_validation);
criterion_main!(benches);
