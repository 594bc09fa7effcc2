//! Every MLSMessage (RFC 9420 §6): PublicMessage, PrivateMessage, Welcome,
//! GroupInfo, KeyPackage. Decoding never panics, stays within the heap
//! bound, and a decoded message re-encodes to the input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_codec::MlsMessage;

fuzz_target!(|data: &[u8]| {
    let _ = mls_fuzz::check_decode_round_trip::<MlsMessage>(data);
});
