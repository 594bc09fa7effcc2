//! KeyPackage creation and validation (RFC 9420 §7.2, §10, §10.1): a round
//! trip per suite, and every rejection with its exact error.

mod creation;
mod validation;

use std::collections::HashSet;
use std::sync::Arc;

use mls_codec::{
    Capabilities, CipherSuiteId, Credential, CredentialType, Extension, ExtensionType,
    HpkePublicKey, KeyPackage, LeafNodeSource, Lifetime, MlsMessage, ProposalType, ProtocolVersion,
    VLBytes,
};
use mls_crypto::{CipherSuite, CipherSuiteProvider, CryptoProvider, SignatureKeyPair};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_group::grease::own_capabilities;
use mls_group::key_package::{
    KeyPackageBuilder, KeyPackageBundle, KeyPackageRef, KeyPackageValidation,
    LAST_RESORT_DRAFT_EXTENSION_TYPE, sign_key_package, sign_leaf_node, validate_key_package,
    validate_key_package_message,
};
use mls_group::{FramingError, GroupError, KeyPackageError, Misuse, Rejection, StateError};
use mls_treekem::{FixedClock, TreeKemError};

fn provider() -> RustCryptoProvider {
    RustCryptoProvider::with_seed([7; 32])
}

fn suite_provider(p: &RustCryptoProvider, suite: CipherSuite) -> Arc<dyn CipherSuiteProvider> {
    p.cipher_suite_provider(suite)
        .expect("every suite is supported")
}

fn suite1() -> (RustCryptoProvider, Arc<dyn CipherSuiteProvider>) {
    let p = provider();
    let cs = suite_provider(&p, CipherSuite::ALL[0]);
    (p, cs)
}

fn signer(cs: &dyn CipherSuiteProvider) -> SignatureKeyPair {
    cs.signature_generate_key_pair().expect("key pair")
}

fn build(cs: &dyn CipherSuiteProvider, builder: &KeyPackageBuilder) -> KeyPackageBundle {
    builder
        .build(cs, Credential::basic(b"alice".to_vec()), &signer(cs))
        .expect("builds")
}

/// Re-sign the leaf (if asked) and the KeyPackage after a change, so that
/// only the rule under test fails.
fn resign(
    cs: &dyn CipherSuiteProvider,
    bundle: &KeyPackageBundle,
    kp: &mut KeyPackage,
    leaf: bool,
) {
    if leaf {
        sign_leaf_node(
            cs,
            &bundle.signer().expect("an in-memory key"),
            &mut kp.leaf_node,
            &[],
            0,
        )
        .expect("signs leaf");
    }
    sign_key_package(cs, &bundle.signer().expect("an in-memory key"), kp).expect("signs");
}

fn strict() -> KeyPackageValidation {
    KeyPackageValidation::default()
}
