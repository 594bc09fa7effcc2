//! The group snapshot reader (`Group::from_bytes`, G-02..G-07): corrupt or
//! foreign bytes are a typed error, never a panic, stay within the heap
//! bound, and saving is a fixpoint: a snapshot that loads saves to bytes
//! that load and save to themselves.
//!
//! Not asserted: that the save equals the input. This target found the
//! reader accepting path keys out of node order (which the writer sorts;
//! now rejected, mls-group tests/state.rs); other keyed lists may still
//! be read leniently, and the fixpoint is what a store relies on.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_fuzz::fixture;
use mls_group::Group;

fuzz_target!(|data: &[u8]| {
    // The state holds a tree and secrets, a bounded multiple of its bytes.
    let bound = mls_fuzz::decode_bound(data.len()).saturating_mul(2);
    let loaded = mls_fuzz::with_heap_bound(bound, || {
        Group::from_bytes_with_options(data, fixture::provider(), fixture::load_options())
    });
    if let Ok(group) = loaded {
        let saved = group.to_bytes().expect("a loaded group saves");
        let again =
            Group::from_bytes_with_options(&saved, fixture::provider(), fixture::load_options())
                .expect("a saved group loads");
        assert_eq!(
            again.to_bytes().expect("saves again")[..],
            saved[..],
            "save is not a fixpoint"
        );
        assert_eq!(again.epoch_authenticator(), group.epoch_authenticator());
    }
});
