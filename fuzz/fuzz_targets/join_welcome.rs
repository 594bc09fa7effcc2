//! Joining from a Welcome (RFC 9420 §12.4.3.1) with a fixed
//! KeyPackageBundle (`fuzz/fixtures/join.bundle`) and fuzzer-chosen Welcome
//! bytes: decryption of the GroupSecrets and the GroupInfo, the tree
//! import and validation, the key schedule and the confirmation tag. Never
//! panics, stays within the heap bound, and a group joined this way saves
//! and loads back to the same state.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_codec::MlsMessage;
use mls_fuzz::fixture;
use mls_group::{Group, JoinOptions};

fuzz_target!(|data: &[u8]| {
    let Some(welcome) = mls_fuzz::check_decode_round_trip::<MlsMessage>(data) else {
        return;
    };
    let bundle = fixture::join_bundle();
    // Decrypted GroupInfo, tree and the new group: a bounded multiple of
    // the Welcome's bytes, plus the fixed cost of a one-member key schedule.
    let bound = mls_fuzz::decode_bound(data.len())
        .saturating_mul(4)
        .saturating_add(1 << 20);
    let joined = mls_fuzz::with_heap_bound(bound, || {
        Group::join(
            fixture::provider(),
            &welcome,
            bundle,
            fixture::config(),
            JoinOptions::default(),
        )
    });
    if let Ok((group, reference)) = joined {
        assert_eq!(&reference, bundle.reference());
        let saved = group.to_bytes().expect("a joined group saves");
        let loaded =
            Group::from_bytes_with_options(&saved, fixture::provider(), fixture::load_options())
                .expect("a saved group loads");
        assert_eq!(loaded.to_bytes().expect("saves again"), saved);
        assert_eq!(loaded.epoch_authenticator(), group.epoch_authenticator());
    }
});
