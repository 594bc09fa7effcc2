//! The decoder of the GroupInfo (RFC 9420 §12.4.3) on its own, without the MLSMessage header:
//! never panics, stays within the heap bound, and a decoded value
//! re-encodes to the input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_codec::GroupInfo;

fuzz_target!(|data: &[u8]| {
    let _ = mls_fuzz::check_decode_round_trip::<GroupInfo>(data);
});
