//! What the group benches share: KeyPackages for N members and the Add
//! proposals that bring them in.

use mls_codec::{Add, Credential, Proposal};
use mls_crypto::CipherSuiteProvider;
use mls_group::key_package::{KeyPackageBuilder, KeyPackageBundle};

/// KeyPackages of members `from .. from + n`, each with its own key.
pub fn bundles(cs: &dyn CipherSuiteProvider, from: usize, n: usize) -> Vec<KeyPackageBundle> {
    (from..from + n)
        .map(|i| {
            let signer = cs.signature_generate_key_pair().expect("signature key");
            KeyPackageBuilder::new()
                .build(cs, Credential::basic(format!("member {i}")), &signer)
                .expect("key package")
        })
        .collect()
}

/// One Add proposal per KeyPackage.
pub fn adds(bundles: &[KeyPackageBundle]) -> Vec<Proposal> {
    bundles
        .iter()
        .map(|b| {
            Proposal::from(Add {
                key_package: b.key_package().clone(),
            })
        })
        .collect()
}
