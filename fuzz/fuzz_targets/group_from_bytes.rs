//! The group snapshot reader (`Group::from_bytes`, G-02..G-07): corrupt or
//! foreign bytes are a typed error, never a panic, and a snapshot that
//! loads saves back to the same bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_fuzz::fixture;
use mls_group::Group;

fuzz_target!(|data: &[u8]| {
    // The state holds a tree and secrets, a bounded multiple of its bytes.
    let bound = mls_fuzz::decode_bound(data.len()).saturating_mul(2);
    let loaded = mls_fuzz::with_heap_bound(bound, || {
        Group::from_bytes(data, fixture::provider(), fixture::config())
    });
    if let Ok(group) = loaded {
        let saved = group.to_bytes().expect("a loaded group saves");
        assert_eq!(&saved[..], data, "load then save is not the identity");
    }
});
