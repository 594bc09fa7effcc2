//! ECDSA malleability (issue 15 item 5, docs/crypto.md): a relay without
//! any key replaces `s` by `n - s` in a KeyPackage's signature; the
//! KeyPackage still verifies but its KeyPackageRef changes. The committer
//! adds the altered KeyPackage and its owner must still join.

mod common;

use common::{bundle, create, provider, suite_provider};
use mls_codec::{Add, Proposal, VLBytes};
use mls_crypto::CipherSuite;
use mls_group::key_package::{KeyPackageRef, KeyPackageValidation, validate_key_package};
use mls_group::{Group, GroupConfig, JoinOptions};

const ECDSA_SUITES: [CipherSuite; 3] = [
    CipherSuite::Mls128DhKemP256Aes128GcmSha256P256,
    CipherSuite::Mls256DhKemP384Aes256GcmSha384P384,
    CipherSuite::Mls256DhKemP521Aes256GcmSha512P521,
];

#[test]
fn owner_joins_from_a_welcome_to_the_high_s_twin_of_its_key_package() {
    for suite in ECDSA_SUITES {
        let provider = provider(21);
        let cs = suite_provider(&provider, suite);
        let mut alice = create(&cs, "alice", GroupConfig::default());
        let bob = bundle(&*cs, "bob");

        // The relay flips s: the signature still verifies, the ref changes.
        let mut altered = bob.key_package().clone();
        let twin = cs
            .signature_twin(altered.signature.as_slice())
            .expect("ECDSA signatures have a twin");
        altered.signature = VLBytes::new(twin);
        let altered_ref = validate_key_package(&*cs, &altered, &KeyPackageValidation::default())
            .expect("the high-s twin verifies");
        assert_ne!(&altered_ref, bob.reference(), "{suite}");
        assert_eq!(
            KeyPackageRef::compute(&*cs, &altered).expect("ref"),
            altered_ref
        );

        let out = alice
            .commit_builder()
            .proposals(vec![Proposal::from(Add {
                key_package: altered,
            })])
            .build()
            .expect("alice adds the altered KeyPackage");
        alice.merge_pending_commit().expect("merge");
        let (bob_group, used) = Group::join(
            &provider,
            out.welcome.as_ref().expect("welcome"),
            &vec![bob.clone()],
            GroupConfig::default(),
            JoinOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{suite}: bob joins: {e}"));
        // The reference returned is that of the bundle we hold.
        assert_eq!(&used, bob.reference());
        assert_eq!(bob_group.epoch(), alice.epoch());
        assert_eq!(
            bob_group.epoch_authenticator(),
            alice.epoch_authenticator(),
            "{suite}: same epoch"
        );
    }
}
