//! Shared helpers of the libFuzzer targets in `fuzz_targets/` (see
//! docs/fuzzing.md): the heap bound every target runs under, the decoder
//! round-trip property, and the fixed inputs (a KeyPackageBundle for the
//! join target, the default provider).

#![forbid(unsafe_code)]

pub mod fast_crypto;
pub mod fixture;

use std::alloc::System;

use cap::Cap;
use mls_codec::codec::Decode;
use mls_codec::limits::{DEFAULT_HEAP_RATIO, HEAP_SLACK};

/// A counting allocator (the memory-bound tests' `cap`): [`with_heap_bound`]
/// lowers its limit around the code under test, so an allocation past the
/// bound fails, which aborts the process and libFuzzer reports a crash.
#[global_allocator]
static ALLOC: Cap<System> = Cap::new(System, usize::MAX);

/// Live heap currently allocated through the Rust allocator.
pub fn heap_allocated() -> usize {
    ALLOC.allocated()
}

/// Run `f` allowing it at most `bound` bytes of live heap beyond what is
/// live now (issue 15 item 1: no path holds more than a small multiple of
/// its input). Past the bound the allocation fails and the process aborts.
pub fn with_heap_bound<T>(bound: usize, f: impl FnOnce() -> T) -> T {
    let limit = ALLOC.allocated().saturating_add(bound);
    // The limit cannot be below what is allocated now, so this cannot fail.
    let _ = ALLOC.set_limit(limit);
    let out = f();
    let _ = ALLOC.set_limit(usize::MAX);
    out
}

/// The decoders' bound for an input of `len` bytes (G-34, mls-codec
/// `limits`): [`DEFAULT_HEAP_RATIO`] bytes per input byte plus
/// [`HEAP_SLACK`].
pub fn decode_bound(len: usize) -> usize {
    DEFAULT_HEAP_RATIO
        .saturating_mul(len)
        .saturating_add(HEAP_SLACK)
}

/// Decode `data` as a `T` under the decoders' heap bound; if it decodes,
/// the re-encoding must equal the input. RFC 9420 §2.1.2 makes the encoding
/// canonical (minimal varints, 0/1 optionals and booleans, no trailing
/// bytes), so a decoded value that encodes differently means the decoder
/// accepted a non-canonical form, or the encoder lost information.
pub fn check_decode_round_trip<T>(data: &[u8]) -> Option<T>
where
    T: Decode + tls_codec_serialize::Serialize,
{
    let value = with_heap_bound(decode_bound(data.len()), || mls_codec::decode::<T>(data)).ok()?;
    let encoded = mls_codec::encode(&value).expect("a decoded value encodes");
    assert_eq!(
        encoded, data,
        "decode then encode is not the identity (non-canonical input accepted)"
    );
    Some(value)
}

/// The `Serialize` trait of the codec's `tls_codec` (not a direct dependency).
pub use mls_codec::tls_codec as tls_codec_serialize;

/// The provider of suite `id`, if the default provider implements it.
pub fn suite_provider(id: u16) -> Option<std::sync::Arc<dyn mls_crypto::CipherSuiteProvider>> {
    use mls_crypto::CryptoProvider;
    let suite = mls_crypto::CipherSuite::from_id(id).ok()?;
    fixture::provider().cipher_suite_provider(suite)
}
