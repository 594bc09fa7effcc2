//! Decoding machinery and the top-level `encode` / `decode` helpers
//! (RFC 9420 §2.1, §2.1.1, §2.1.2).
//!
//! Encoding goes through `tls_codec::Serialize` (its encoder writes minimal
//! varints and refuses vectors above 2^30 - 1 bytes with the `mls` feature).
//!
//! Decoding does **not** use `tls_codec`'s decoders. Reading tls_codec 0.5.0
//! showed, for its slice decoder (`DeserializeBytes`): the length header
//! accepts the reserved `0b11` prefix (8-byte lengths are never checked
//! against the 30-bit MLS cap on that path), a truncated `VLBytes` hits a
//! `debug_assert_eq!` (a panic in debug and test builds), a vector element is
//! decoded from the whole remaining input rather than from the vector's own
//! bytes, and every failure is an untyped `Error`. Its non-minimal check
//! (feature `mls`) and its vector pre-allocation (none, elements are pushed)
//! are fine. So this module has its own [`Reader`] over a byte slice and
//! its own [`Decode`] trait: every vector is cut out of the input as a
//! sub-reader after checking its length against what remains (nothing is
//! allocated from a declared length), elements are decoded from that
//! sub-reader only, and every failure is a typed [`CodecError`].

use tls_codec::VLBytes;

use std::cell::Cell;
use std::rc::Rc;

use crate::error::CodecError;
use crate::limits::DecodeLimits;
pub use crate::limits::MAX_VECTOR_LEN;

/// The state shared by a reader and the sub-readers of its vectors: the
/// limits and what is left of the heap budget (see [`crate::limits`]).
#[derive(Debug)]
struct DecodeState {
    limits: DecodeLimits,
    heap_left: Cell<usize>,
}

/// A cursor over input bytes. Every read is bounds-checked; every vector
/// header is checked against the [`DecodeLimits`] the reader was made with.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    /// Vectors entered to reach this reader.
    depth: u32,
    state: Rc<DecodeState>,
}

impl<'a> Reader<'a> {
    /// A reader over `buf` under [`DecodeLimits::unbounded`] (the RFC's own
    /// bounds and the heap budget only): for local data. Network input goes
    /// through [`Reader::with_limits`] or [`decode`].
    pub fn new(buf: &'a [u8]) -> Self {
        Self::with_state(buf, DecodeLimits::unbounded())
    }

    /// A reader over `buf` that rejects any vector (at any depth) longer than
    /// `max_vector_len` bytes with [`CodecError::VectorTooLarge`]
    /// (V-2.1.2-06).
    pub fn with_max_vector_len(buf: &'a [u8], max_vector_len: usize) -> Self {
        Self::with_state(
            buf,
            DecodeLimits {
                max_vector_len,
                ..DecodeLimits::unbounded()
            },
        )
    }

    /// A reader over `buf` under `limits`; fails at once if the input is
    /// larger than `limits.max_message_len` (G-34).
    pub fn with_limits(buf: &'a [u8], limits: DecodeLimits) -> Result<Self, CodecError> {
        if buf.len() > limits.max_message_len {
            return Err(CodecError::MessageTooLarge {
                len: buf.len(),
                max: limits.max_message_len,
            });
        }
        Ok(Self::with_state(buf, limits))
    }

    fn with_state(buf: &'a [u8], limits: DecodeLimits) -> Self {
        Reader {
            buf,
            depth: 0,
            state: Rc::new(DecodeState {
                heap_left: Cell::new(limits.heap_budget(buf.len())),
                limits,
            }),
        }
    }

    /// A reader over `buf` (a part of this reader's input, e.g. the data of
    /// an extension) that shares this reader's limits and heap budget.
    pub fn nested(&self, buf: &'a [u8]) -> Reader<'a> {
        Reader {
            buf,
            depth: self.depth,
            state: Rc::clone(&self.state),
        }
    }

    /// Give back heap charged for an allocation that has been freed.
    pub(crate) fn refund_heap(&self, bytes: usize) {
        let left = self.state.heap_left.get();
        self.state.heap_left.set(left.saturating_add(bytes));
    }

    /// The limits this reader enforces.
    pub fn limits(&self) -> DecodeLimits {
        self.state.limits
    }

    /// Take `bytes` from the heap budget before allocating them
    /// ([`CodecError::MemoryLimitExceeded`] when the budget is spent, G-34).
    pub fn charge_heap(&self, bytes: usize) -> Result<(), CodecError> {
        let left = self.state.heap_left.get();
        match left.checked_sub(bytes) {
            Some(rest) => {
                self.state.heap_left.set(rest);
                Ok(())
            }
            None => Err(CodecError::MemoryLimitExceeded {
                limit: self.state.limits.heap_ratio,
            }),
        }
    }

    /// Bytes not yet consumed.
    pub fn remaining(&self) -> usize {
        self.buf.len()
    }

    /// Whether all input has been consumed.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The unconsumed input.
    pub fn rest(&self) -> &'a [u8] {
        self.buf
    }

    /// Take the next `n` bytes.
    pub fn read_bytes(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        if n > self.buf.len() {
            return Err(CodecError::EndOfInput);
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    /// Take the next `N` bytes as an array.
    pub fn read_array<const N: usize>(&mut self) -> Result<[u8; N], CodecError> {
        let bytes = self.read_bytes(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// Read one byte.
    pub fn read_u8(&mut self) -> Result<u8, CodecError> {
        Ok(self.read_array::<1>()?[0])
    }

    /// Read a variable-length vector header (RFC 9420 §2.1.2): minimal
    /// encoding only, reserved prefix `0b11` rejected.
    pub fn read_varint(&mut self) -> Result<usize, CodecError> {
        let first = self.read_u8()?;
        let (len, mut value) = match first >> 6 {
            0 => (1usize, u32::from(first)),
            1 => (2, u32::from(first & 0x3f)),
            2 => (4, u32::from(first & 0x3f)),
            _ => return Err(CodecError::ReservedVarintPrefix { first_byte: first }),
        };
        for &b in self.read_bytes(len - 1)? {
            value = (value << 8) | u32::from(b);
        }
        if varint_len(value as usize) != len {
            return Err(CodecError::NonMinimalVarint {
                value,
                encoded_len: len,
            });
        }
        Ok(value as usize)
    }

    /// Read a vector header and cut the vector's bytes out as a sub-reader
    /// (V-2.1.2-05: the length is checked against the remaining input first,
    /// nothing is allocated).
    pub fn read_vector(&mut self) -> Result<Reader<'a>, CodecError> {
        let declared = self.read_varint()?;
        let max = self.state.limits.max_vector_len;
        if declared > max {
            return Err(CodecError::VectorTooLarge { len: declared, max });
        }
        if declared > self.buf.len() {
            return Err(CodecError::VectorLengthExceedsInput {
                declared,
                remaining: self.buf.len(),
            });
        }
        if self.depth >= self.state.limits.max_depth {
            return Err(CodecError::NestedTooDeep {
                max: self.state.limits.max_depth,
            });
        }
        let body = self.read_bytes(declared)?;
        Ok(Reader {
            buf: body,
            depth: self.depth + 1,
            state: Rc::clone(&self.state),
        })
    }

    /// Read an `optional<T>` presence octet (RFC 9420 §2.1.1, V-2.1.1-01).
    pub fn read_presence(&mut self) -> Result<bool, CodecError> {
        match self.read_u8()? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(CodecError::InvalidOptionalPresence(other)),
        }
    }

    /// Fail with `TrailingBytes` unless all input was consumed (V-2.1-09).
    pub fn finish(&self) -> Result<(), CodecError> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(CodecError::TrailingBytes {
                remaining: self.buf.len(),
            })
        }
    }
}

/// The number of bytes of the minimal varint header for `value`
/// (RFC 9420 §2.1.2); values above 2^30 - 1 have no encoding and report 0.
pub fn varint_len(value: usize) -> usize {
    match value {
        0..=0x3f => 1,
        0x40..=0x3fff => 2,
        0x4000..=MAX_VECTOR_LEN => 4,
        _ => 0,
    }
}

/// Append the minimal varint header for `value` (RFC 9420 §2.1.2).
pub fn write_varint(value: usize, out: &mut Vec<u8>) -> Result<(), CodecError> {
    match varint_len(value) {
        1 => out.push(value as u8),
        2 => out.extend_from_slice(&((value as u16) | 0x4000).to_be_bytes()),
        4 => out.extend_from_slice(&((value as u32) | 0x8000_0000).to_be_bytes()),
        _ => {
            return Err(CodecError::VectorTooLarge {
                len: value,
                max: MAX_VECTOR_LEN,
            });
        }
    }
    Ok(())
}

/// Append `bytes` as `opaque<V>` (varint length, then the bytes).
pub fn write_opaque(bytes: &[u8], out: &mut Vec<u8>) -> Result<(), CodecError> {
    write_varint(bytes.len(), out)?;
    out.extend_from_slice(bytes);
    Ok(())
}

/// Append the encoding of `value` to `out`.
pub fn encode_into<T: tls_codec::Serialize + ?Sized>(
    value: &T,
    out: &mut Vec<u8>,
) -> Result<(), CodecError> {
    value.tls_serialize(out)?;
    Ok(())
}

/// A value that can be decoded from the MLS wire format.
///
/// Implemented for every struct of this crate and for the primitives they are
/// built from. Implementations read only from the given [`Reader`] and never
/// panic.
pub trait Decode: Sized {
    /// The encoded size when every value of the type has the same size
    /// (integers, enums without data, byte arrays); used to reject vectors
    /// whose length is not a multiple of it (V-2.1-07).
    const FIXED_SIZE: Option<usize> = None;

    /// Decode one value from the front of `r`.
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError>;
}

/// Encode `value` to a fresh byte vector (RFC 9420 §2.1).
pub fn encode<T: tls_codec::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, CodecError> {
    let mut out = Vec::with_capacity(value.tls_serialized_len().min(MAX_VECTOR_LEN));
    encode_into(value, &mut out)?;
    Ok(out)
}

/// Decode a `T` that must use all of `bytes`, under the default
/// [`DecodeLimits`]; leftover bytes are rejected with
/// [`CodecError::TrailingBytes`] (V-2.1-09).
pub fn decode<T: Decode>(bytes: &[u8]) -> Result<T, CodecError> {
    decode_with_limits(bytes, DecodeLimits::default())
}

/// [`decode`] under caller-chosen limits (a per-client or per-group
/// setting: larger groups, larger messages).
pub fn decode_with_limits<T: Decode>(bytes: &[u8], limits: DecodeLimits) -> Result<T, CodecError> {
    let mut r = Reader::with_limits(bytes, limits)?;
    let value = T::decode(&mut r)?;
    r.finish()?;
    Ok(value)
}

/// Like [`decode`], but any vector longer than `max_vector_len` bytes is
/// rejected with [`CodecError::VectorTooLarge`] (V-2.1.2-06).
pub fn decode_with_max_vector_len<T: Decode>(
    bytes: &[u8],
    max_vector_len: usize,
) -> Result<T, CodecError> {
    decode_with_limits(
        bytes,
        DecodeLimits {
            max_vector_len,
            ..DecodeLimits::default()
        },
    )
}

/// Decode a `T` from the front of `bytes`, returning it and the unread rest.
pub fn decode_prefix<T: Decode>(bytes: &[u8]) -> Result<(T, &[u8]), CodecError> {
    let mut r = Reader::with_limits(bytes, DecodeLimits::default())?;
    let value = T::decode(&mut r)?;
    Ok((value, r.rest()))
}

macro_rules! decode_uint {
    ($($t:ty),*) => {$(
        impl Decode for $t {
            const FIXED_SIZE: Option<usize> = Some(core::mem::size_of::<$t>());
            fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
                Ok(<$t>::from_be_bytes(r.read_array()?))
            }
        }
    )*};
}
decode_uint!(u8, u16, u32, u64);

impl<const N: usize> Decode for [u8; N] {
    const FIXED_SIZE: Option<usize> = Some(N);
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        r.read_array()
    }
}

impl Decode for VLBytes {
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        let body = r.read_vector()?;
        r.charge_heap(body.remaining())?;
        Ok(VLBytes::new(body.rest().to_vec()))
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        let mut body = r.read_vector()?;
        let mut out = Vec::new();
        if let Some(size) = T::FIXED_SIZE {
            if size > 0 && body.remaining() % size != 0 {
                return Err(CodecError::VectorLengthNotMultiple {
                    len: body.remaining(),
                    element_size: size,
                });
            }
            // The count is bounded by bytes actually present in the input.
            let count = body.remaining() / size.max(1);
            r.charge_heap(count.saturating_mul(core::mem::size_of::<T>()))?;
            out.reserve_exact(count);
        }
        while !body.is_empty() {
            let before = body.remaining();
            // Running out of the vector's bytes, either reading a fixed-size
            // field or a nested vector, is an element overrunning its vector
            // (V-2.1-08); only the outermost level reports V-2.1.2-05.
            let element = T::decode(&mut body).map_err(|e| match e {
                CodecError::EndOfInput | CodecError::VectorLengthExceedsInput { .. } => {
                    CodecError::ElementOverrunsVector
                }
                other => other,
            })?;
            if body.remaining() == before {
                return Err(CodecError::EmptyElement);
            }
            if out.len() == out.capacity() {
                // Grow by doubling. The new storage is charged while the old
                // one is still charged (both are live during the copy), then
                // the old one is given back (G-34).
                let old = out.capacity().saturating_mul(core::mem::size_of::<T>());
                let grow = out.capacity().max(4);
                r.charge_heap(old.saturating_add(grow.saturating_mul(core::mem::size_of::<T>())))?;
                out.reserve_exact(grow);
                r.refund_heap(old);
            }
            out.push(element);
        }
        Ok(out)
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        if r.read_presence()? {
            Ok(Some(T::decode(r)?))
        } else {
            Ok(None)
        }
    }
}

/// Implement `tls_codec::DeserializeBytes` for a type through its [`Decode`]
/// impl, so code written against tls_codec's slice API also gets the strict
/// decoder.
macro_rules! tls_deserialize_bytes {
    ($($t:ty),* $(,)?) => {$(
        impl tls_codec::DeserializeBytes for $t {
            fn tls_deserialize_bytes(
                bytes: &[u8],
            ) -> Result<(Self, &[u8]), tls_codec::Error> {
                Ok($crate::codec::decode_prefix::<Self>(bytes)?)
            }
        }
    )*};
}
pub(crate) use tls_deserialize_bytes;

/// Implement [`Decode`] for a struct whose fields are decoded in order
/// (the struct itself derives `TlsSerialize`/`TlsSize` for encoding).
macro_rules! decode_struct {
    ($t:ident { $($field:ident),* $(,)? }) => {
        impl $crate::codec::Decode for $t {
            fn decode(
                r: &mut $crate::codec::Reader<'_>,
            ) -> Result<Self, $crate::error::CodecError> {
                Ok($t { $($field: $crate::codec::Decode::decode(r)?,)* })
            }
        }
        $crate::codec::tls_deserialize_bytes!($t);
    };
}
pub(crate) use decode_struct;

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(bytes: &[u8]) -> Result<usize, CodecError> {
        let mut r = Reader::new(bytes);
        let v = r.read_varint()?;
        r.finish()?;
        Ok(v)
    }

    #[test]
    fn rfc_varint_examples() {
        // RFC 9420 §2.1.2 examples, and the boundary encodings of V-2.1.2-04.
        assert_eq!(varint(&[0x25]), Ok(37));
        assert_eq!(varint(&[0x7b, 0xbd]), Ok(15293));
        assert_eq!(varint(&[0x9d, 0x7f, 0x3e, 0x7d]), Ok(494_878_333));
        for (value, bytes) in [
            (63usize, &[0x3f][..]),
            (64, &[0x40, 0x40]),
            (16383, &[0x7f, 0xff]),
            (16384, &[0x80, 0x00, 0x40, 0x00]),
            ((1 << 30) - 1, &[0xbf, 0xff, 0xff, 0xff]),
        ] {
            assert_eq!(varint(bytes), Ok(value));
            let mut out = Vec::new();
            write_varint(value, &mut out).expect("encodable");
            assert_eq!(out, bytes);
        }
    }

    #[test]
    fn rejects_reserved_prefix() {
        // V-2.1.2-01
        for first in [0xc0u8, 0xc2, 0xff] {
            assert_eq!(
                varint(&[first, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c]),
                Err(CodecError::ReservedVarintPrefix { first_byte: first })
            );
        }
    }

    #[test]
    fn rejects_non_minimal() {
        // V-2.1.2-02, V-2.1.2-03
        assert_eq!(
            varint(&[0x40, 0x25]),
            Err(CodecError::NonMinimalVarint {
                value: 37,
                encoded_len: 2
            })
        );
        assert_eq!(
            varint(&[0x80, 0x00, 0x00, 0x25]),
            Err(CodecError::NonMinimalVarint {
                value: 37,
                encoded_len: 4
            })
        );
        assert_eq!(
            varint(&[0x80, 0x00, 0x3f, 0xff]),
            Err(CodecError::NonMinimalVarint {
                value: 16383,
                encoded_len: 4
            })
        );
    }

    #[test]
    fn rejects_too_large_on_encode() {
        let mut out = Vec::new();
        assert_eq!(
            write_varint(1 << 30, &mut out),
            Err(CodecError::VectorTooLarge {
                len: 1 << 30,
                max: MAX_VECTOR_LEN
            })
        );
    }

    #[test]
    fn rejects_length_beyond_input_without_allocating() {
        // V-2.1.2-05: a 1 GiB declared length on a 4-byte input.
        assert_eq!(
            decode::<VLBytes>(&[0xbf, 0xff, 0xff, 0xff]),
            Err(CodecError::VectorLengthExceedsInput {
                declared: MAX_VECTOR_LEN,
                remaining: 0
            })
        );
        assert_eq!(
            decode::<Vec<u32>>(&[0x05, 1, 2, 3]),
            Err(CodecError::VectorLengthExceedsInput {
                declared: 5,
                remaining: 3
            })
        );
    }

    #[test]
    fn rejects_vector_above_configured_maximum() {
        // V-2.1.2-06: distinct from "exceeds input" (checked first).
        assert_eq!(
            decode_with_max_vector_len::<VLBytes>(&[0x03, 1, 2, 3], 2),
            Err(CodecError::VectorTooLarge { len: 3, max: 2 })
        );
        assert_eq!(
            decode_with_max_vector_len::<Vec<VLBytes>>(&[0x04, 0x03, 1, 2, 3], 4),
            Ok(vec![VLBytes::new(vec![1, 2, 3])])
        );
        assert_eq!(
            decode_with_max_vector_len::<Vec<VLBytes>>(&[0x05, 0x04, 1, 2, 3, 4], 4),
            Err(CodecError::VectorTooLarge { len: 5, max: 4 })
        );
        assert_eq!(
            decode_with_max_vector_len::<Vec<VLBytes>>(&[0x04, 0x03, 1, 2, 3], 3),
            Err(CodecError::VectorTooLarge { len: 4, max: 3 })
        );
    }

    #[test]
    fn rejects_fixed_size_remainder() {
        // V-2.1-07
        assert_eq!(
            decode::<Vec<u32>>(&[0x05, 0, 0, 0, 1, 2]),
            Err(CodecError::VectorLengthNotMultiple {
                len: 5,
                element_size: 4
            })
        );
        assert_eq!(decode::<Vec<u32>>(&[0x04, 0, 0, 0, 1]), Ok(vec![1]));
    }

    #[test]
    fn rejects_element_overrun() {
        // V-2.1-08: the second inner vector claims 2 bytes but only 1 is left
        // inside the outer vector (though 2 remain in the whole input).
        assert_eq!(
            decode_prefix::<Vec<VLBytes>>(&[0x04, 0x01, 0xaa, 0x02, 0xbb, 0xcc]).map(|x| x.0),
            Err(CodecError::ElementOverrunsVector)
        );
        // An overrun of a fixed-size field inside a struct element.
        assert_eq!(
            decode::<Vec<Option<u32>>>(&[0x03, 0x01, 0x00, 0x00]),
            Err(CodecError::ElementOverrunsVector)
        );
    }

    #[test]
    fn rejects_trailing_bytes() {
        // V-2.1-09
        assert_eq!(
            decode::<VLBytes>(&[0x01, 0xaa, 0x00]),
            Err(CodecError::TrailingBytes { remaining: 1 })
        );
    }

    #[test]
    fn rejects_bad_presence() {
        // V-2.1.1-01
        assert_eq!(
            decode::<Option<u8>>(&[0x02, 0x00]),
            Err(CodecError::InvalidOptionalPresence(2))
        );
        assert_eq!(
            decode::<Option<u8>>(&[0xff, 0x00]),
            Err(CodecError::InvalidOptionalPresence(0xff))
        );
        assert_eq!(decode::<Option<u8>>(&[0x01, 0x07]), Ok(Some(7)));
        assert_eq!(decode::<Option<u8>>(&[0x00]), Ok(None));
    }

    #[test]
    fn encode_matches_decode() {
        let v = VLBytes::new(vec![7; 300]);
        let bytes = encode(&v).expect("encodes");
        assert_eq!(&bytes[..2], &[0x41, 0x2c]);
        assert_eq!(decode::<VLBytes>(&bytes), Ok(v));
    }
}
