//! The `Extension` struct (RFC 9420 §7.2, §13): a type and its raw data,
//! kept byte-exact, with typed access to the payload of a registered type.
//! The payload structs and the decoder that checks them live in
//! [`crate::extensions`], so that the structs which hold extension lists
//! (leaf nodes, key packages, group contexts) do not depend on the ratchet
//! tree that one payload carries.
//!
//! ```text
//! struct { ExtensionType extension_type; opaque extension_data<V>; } Extension;
//! ```

use tls_codec::{TlsSerialize, TlsSize, VLBytes};

use crate::codec::{self, Decode, Reader};
use crate::error::CodecError;
use crate::limits::DecodeLimits;
use crate::primitives::ExtensionType;

/// `Extension` (RFC 9420 §7.2).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct Extension {
    /// The extension type.
    pub extension_type: ExtensionType,
    /// The encoded payload.
    pub extension_data: VLBytes,
}

impl Extension {
    /// An extension of type `T::EXTENSION_TYPE` holding `payload`.
    pub fn from_payload<T: ExtensionPayload>(payload: &T) -> Result<Self, CodecError> {
        Ok(Extension {
            extension_type: T::EXTENSION_TYPE,
            extension_data: VLBytes::new(codec::encode(payload)?),
        })
    }

    /// Parse the data as `T`; the type must match and the data must parse
    /// exactly (V-2.1-11).
    pub fn payload<T: ExtensionPayload>(&self) -> Result<T, CodecError> {
        if self.extension_type != T::EXTENSION_TYPE {
            return Err(CodecError::InconsistentFields {
                what: "extension type differs from the requested payload type",
            });
        }
        parse_exact(self.extension_type, self.extension_data.as_slice())
    }
}

pub(crate) fn parse_exact<T: Decode>(t: ExtensionType, data: &[u8]) -> Result<T, CodecError> {
    parse_exact_in(t, Reader::with_limits(data, DecodeLimits::default())?)
}

/// Decode `T` from all of `r`; a failure is the extension's
/// `MalformedExtension` (V-2.1-11), except that a limit keeps its own error.
pub(crate) fn parse_exact_in<T: Decode>(
    t: ExtensionType,
    mut r: Reader<'_>,
) -> Result<T, CodecError> {
    let value = T::decode(&mut r).and_then(|v| r.finish().map(|()| v));
    value.map_err(|e| {
        if e.is_limit() {
            e
        } else {
            CodecError::MalformedExtension {
                extension_type: t.0,
            }
        }
    })
}

/// The first extension of type `t` in a list.
pub fn find_extension(extensions: &[Extension], t: ExtensionType) -> Option<&Extension> {
    extensions.iter().find(|e| e.extension_type == t)
}

/// The typed payload of the first extension of type `T::EXTENSION_TYPE` in a
/// list, if there is one.
pub fn find_payload<T: ExtensionPayload>(
    extensions: &[Extension],
) -> Result<Option<T>, CodecError> {
    find_extension(extensions, T::EXTENSION_TYPE)
        .map(Extension::payload)
        .transpose()
}

/// The struct carried in the data of a registered extension type.
pub trait ExtensionPayload: Decode + tls_codec::Serialize {
    /// The extension type whose data this is.
    const EXTENSION_TYPE: ExtensionType;
}
