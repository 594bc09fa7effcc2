//! `deserialization.json` (RFC 9420 §2.1.2): each `vlbytes_header` decodes as
//! a vector length equal to `length`, using every header byte, and the
//! minimal encoding of `length` is exactly that header.

use mls_vectors::{Case, CaseResult, ensure, ensure_bytes_eq};

/// Check one case.
pub fn check(case: &Case<'_>) -> CaseResult {
    let header = case.bytes("vlbytes_header")?;
    let want = case.u64("length")?;
    let mut reader = mls_codec::Reader::new(&header);
    let got = reader.read_varint()?;
    reader.finish()?;
    ensure(got as u64 == want, || {
        format!("decoded length {got}, want {want}")
    })?;
    let mut encoded = Vec::new();
    mls_codec::codec::write_varint(got, &mut encoded)?;
    ensure_bytes_eq("re-encoded header", &encoded, &header)
}
