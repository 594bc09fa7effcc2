//! The decoder of the ratchet tree (RFC 9420 §12.4.3.3) on its own, without the MLSMessage header:
//! never panics, stays within the heap bound, and a decoded value
//! re-encodes to the input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_codec::RatchetTree;

fuzz_target!(|data: &[u8]| {
    let _ = mls_fuzz::check_decode_round_trip::<RatchetTree>(data);
});
