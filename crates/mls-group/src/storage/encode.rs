//! The primitives of the snapshot encoding: big-endian integers and
//! `opaque<V>` vectors with the MLS varint length (RFC 9420 §2.1.2), read
//! back with the codec's bounds-checked [`Reader`].

use mls_codec::Reader;
use mls_codec::codec::write_opaque;
use zeroize::Zeroizing;

use crate::{GroupError, Result, StateError};

/// Map a decoding failure to the corrupt-state error naming `what`.
pub(crate) fn corrupt(what: &'static str) -> impl Fn(mls_codec::CodecError) -> GroupError {
    move |_| GroupError::State(StateError::Corrupt(what))
}

/// A zeroizing output buffer.
#[derive(Default)]
pub(crate) struct Writer {
    pub buf: Zeroizing<Vec<u8>>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    pub fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }
    pub fn bool(&mut self, v: bool) {
        self.u8(u8::from(v));
    }
    pub fn opaque(&mut self, bytes: &[u8]) -> Result<()> {
        write_opaque(bytes, &mut self.buf)?;
        Ok(())
    }
    /// A vector whose body `f` writes into a nested buffer.
    pub fn vector(&mut self, f: impl FnOnce(&mut Writer) -> Result<()>) -> Result<()> {
        let mut inner = Writer::default();
        f(&mut inner)?;
        self.opaque(&inner.buf)
    }
    /// `optional<T>`: a presence byte, then the value.
    pub fn option<T>(
        &mut self,
        v: Option<&T>,
        f: impl FnOnce(&mut Writer, &T) -> Result<()>,
    ) -> Result<()> {
        match v {
            None => {
                self.u8(0);
                Ok(())
            }
            Some(v) => {
                self.u8(1);
                f(self, v)
            }
        }
    }
    /// A codec value as `opaque<V>`.
    pub fn encoded<T: mls_codec::tls_codec::Serialize>(&mut self, v: &T) -> Result<()> {
        let bytes = Zeroizing::new(mls_codec::encode(v)?);
        self.opaque(&bytes)
    }
}

/// Reading helpers over the codec's [`Reader`], each failure naming the field.
pub(crate) trait ReadExt<'a> {
    fn u8_(&mut self, what: &'static str) -> Result<u8>;
    fn u16_(&mut self, what: &'static str) -> Result<u16>;
    fn u32_(&mut self, what: &'static str) -> Result<u32>;
    fn u64_(&mut self, what: &'static str) -> Result<u64>;
    fn bool_(&mut self, what: &'static str) -> Result<bool>;
    fn opaque_(&mut self, what: &'static str) -> Result<&'a [u8]>;
    fn vector_(&mut self, what: &'static str) -> Result<Reader<'a>>;
    fn presence_(&mut self, what: &'static str) -> Result<bool>;
    fn decoded_<T: mls_codec::Decode>(&mut self, what: &'static str) -> Result<T>;
}

impl<'a> ReadExt<'a> for Reader<'a> {
    fn u8_(&mut self, what: &'static str) -> Result<u8> {
        self.read_u8().map_err(corrupt(what))
    }
    fn u16_(&mut self, what: &'static str) -> Result<u16> {
        Ok(u16::from_be_bytes(
            self.read_array().map_err(corrupt(what))?,
        ))
    }
    fn u32_(&mut self, what: &'static str) -> Result<u32> {
        Ok(u32::from_be_bytes(
            self.read_array().map_err(corrupt(what))?,
        ))
    }
    fn u64_(&mut self, what: &'static str) -> Result<u64> {
        Ok(u64::from_be_bytes(
            self.read_array().map_err(corrupt(what))?,
        ))
    }
    fn bool_(&mut self, what: &'static str) -> Result<bool> {
        match self.u8_(what)? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(StateError::Corrupt(what).into()),
        }
    }
    fn opaque_(&mut self, what: &'static str) -> Result<&'a [u8]> {
        Ok(self.read_vector().map_err(corrupt(what))?.rest())
    }
    fn vector_(&mut self, what: &'static str) -> Result<Reader<'a>> {
        self.read_vector().map_err(corrupt(what))
    }
    fn presence_(&mut self, what: &'static str) -> Result<bool> {
        self.read_presence().map_err(corrupt(what))
    }
    fn decoded_<T: mls_codec::Decode>(&mut self, what: &'static str) -> Result<T> {
        let bytes = self.opaque_(what)?;
        mls_codec::decode(bytes).map_err(corrupt(what))
    }
}
