//! KeyPackage validation as a client fetching one from the Delivery Service
//! does it (RFC 9420 §10.1, `validate_key_package_message`): decode the
//! MLSMessage, then every check down to the signature. Never panics; a
//! KeyPackage that validates has the reference of its encoding.

#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use mls_codec::MlsMessage;
use mls_fuzz::fixture;
use mls_group::key_package::{KeyPackageRef, KeyPackageValidation, validate_key_package_message};
use mls_treekem::FixedClock;

fuzz_target!(|data: &[u8]| {
    let Some(message) = mls_fuzz::check_decode_round_trip::<MlsMessage>(data) else {
        return;
    };
    let mut policy = KeyPackageValidation::default();
    policy.leaf_policy.clock = Some(Arc::new(FixedClock(fixture::NOW)));
    if let Ok((key_package, reference)) =
        validate_key_package_message(fixture::provider(), &message, &policy)
    {
        let cs = mls_fuzz::suite_provider(key_package.cipher_suite.0)
            .expect("a validated KeyPackage has a supported suite");
        let again = KeyPackageRef::compute(&*cs, key_package).expect("reference");
        assert_eq!(again, reference);
    }
});
