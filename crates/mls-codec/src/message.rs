//! The top-level message (RFC 9420 §6).
//!
//! ```text
//! struct {
//!     ProtocolVersion version = mls10;
//!     WireFormat wire_format;
//!     select (MLSMessage.wire_format) {
//!         case mls_public_message:  PublicMessage public_message;
//!         case mls_private_message: PrivateMessage private_message;
//!         case mls_welcome:         Welcome welcome;
//!         case mls_group_info:      GroupInfo group_info;
//!         case mls_key_package:     KeyPackage key_package;
//!     };
//! } MLSMessage;
//! ```
//!
//! Decoding rejects a version other than mls10 (V-6-02) and a wire format
//! other than the five above (V-6-03).

use std::io::Write;

use tls_codec::{Serialize, Size};

use crate::codec::{Decode, Reader, tls_deserialize_bytes};
use crate::error::CodecError;
use crate::framing::{ContentType, PrivateMessage, PublicMessage};
use crate::group_info::GroupInfo;
use crate::key_package::KeyPackage;
use crate::primitives::{ProtocolVersion, WireFormat};
use crate::welcome::Welcome;

/// `MLSMessage` (RFC 9420 §6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MlsMessage {
    /// The protocol version (mls10).
    pub version: ProtocolVersion,
    /// The message, selected by its wire format.
    pub body: MlsMessageBody,
}

impl MlsMessage {
    /// An mls10 message with this body.
    pub fn new(body: MlsMessageBody) -> Self {
        MlsMessage {
            version: ProtocolVersion::MLS10,
            body,
        }
    }

    /// The wire format of the body.
    pub fn wire_format(&self) -> WireFormat {
        self.body.wire_format()
    }

    /// The group the message belongs to, where it is visible without
    /// decryption (PublicMessage, PrivateMessage, GroupInfo): what a
    /// delivery service routes on (RFC 9420 §6).
    pub fn group_id(&self) -> Option<&[u8]> {
        match &self.body {
            MlsMessageBody::PublicMessage(m) => Some(m.content.group_id.as_slice()),
            MlsMessageBody::PrivateMessage(m) => Some(m.group_id.as_slice()),
            MlsMessageBody::GroupInfo(m) => Some(m.group_context.group_id.as_slice()),
            MlsMessageBody::Welcome(_) | MlsMessageBody::KeyPackage(_) => None,
        }
    }

    /// The epoch the message was sent in, where it is visible without
    /// decryption (PublicMessage, PrivateMessage, GroupInfo).
    pub fn epoch(&self) -> Option<u64> {
        match &self.body {
            MlsMessageBody::PublicMessage(m) => Some(m.content.epoch),
            MlsMessageBody::PrivateMessage(m) => Some(m.epoch),
            MlsMessageBody::GroupInfo(m) => Some(m.group_context.epoch),
            MlsMessageBody::Welcome(_) | MlsMessageBody::KeyPackage(_) => None,
        }
    }

    /// The content type of a PublicMessage or PrivateMessage (both carry it
    /// in the clear, RFC 9420 §6.2, §6.3).
    pub fn content_type(&self) -> Option<ContentType> {
        match &self.body {
            MlsMessageBody::PublicMessage(m) => Some(m.content.content_type()),
            MlsMessageBody::PrivateMessage(m) => Some(m.content_type),
            _ => None,
        }
    }
}

/// The wire-format-selected body of an [`MlsMessage`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MlsMessageBody {
    /// `mls_public_message` (1).
    PublicMessage(PublicMessage),
    /// `mls_private_message` (2).
    PrivateMessage(PrivateMessage),
    /// `mls_welcome` (3).
    Welcome(Welcome),
    /// `mls_group_info` (4).
    GroupInfo(GroupInfo),
    /// `mls_key_package` (5).
    KeyPackage(KeyPackage),
}

impl MlsMessageBody {
    /// The wire format of this body.
    pub fn wire_format(&self) -> WireFormat {
        match self {
            MlsMessageBody::PublicMessage(_) => WireFormat::PUBLIC_MESSAGE,
            MlsMessageBody::PrivateMessage(_) => WireFormat::PRIVATE_MESSAGE,
            MlsMessageBody::Welcome(_) => WireFormat::WELCOME,
            MlsMessageBody::GroupInfo(_) => WireFormat::GROUP_INFO,
            MlsMessageBody::KeyPackage(_) => WireFormat::KEY_PACKAGE,
        }
    }
}

macro_rules! body_conversions {
    ($($variant:ident => $into:ident, $as:ident;)*) => {
        impl MlsMessage {
            $(
                #[doc = concat!("The body if it is a `", stringify!($variant), "`.")]
                pub fn $as(&self) -> Option<&$variant> {
                    match &self.body {
                        MlsMessageBody::$variant(m) => Some(m),
                        _ => None,
                    }
                }

                #[doc = concat!("The body if it is a `", stringify!($variant), "`.")]
                pub fn $into(self) -> Option<$variant> {
                    match self.body {
                        MlsMessageBody::$variant(m) => Some(m),
                        _ => None,
                    }
                }
            )*
        }

        $(
            impl From<$variant> for MlsMessageBody {
                fn from(m: $variant) -> Self {
                    MlsMessageBody::$variant(m)
                }
            }

            impl From<$variant> for MlsMessage {
                fn from(m: $variant) -> Self {
                    MlsMessage::new(MlsMessageBody::$variant(m))
                }
            }
        )*
    };
}

body_conversions! {
    PublicMessage => into_public_message, as_public_message;
    PrivateMessage => into_private_message, as_private_message;
    Welcome => into_welcome, as_welcome;
    GroupInfo => into_group_info, as_group_info;
    KeyPackage => into_key_package, as_key_package;
}

impl Size for MlsMessage {
    fn tls_serialized_len(&self) -> usize {
        4 + match &self.body {
            MlsMessageBody::PublicMessage(m) => m.tls_serialized_len(),
            MlsMessageBody::PrivateMessage(m) => m.tls_serialized_len(),
            MlsMessageBody::Welcome(m) => m.tls_serialized_len(),
            MlsMessageBody::GroupInfo(m) => m.tls_serialized_len(),
            MlsMessageBody::KeyPackage(m) => m.tls_serialized_len(),
        }
    }
}

impl Serialize for MlsMessage {
    fn tls_serialize<W: Write>(&self, w: &mut W) -> Result<usize, tls_codec::Error> {
        let n = self.version.tls_serialize(w)? + self.wire_format().tls_serialize(w)?;
        Ok(n + match &self.body {
            MlsMessageBody::PublicMessage(m) => m.tls_serialize(w)?,
            MlsMessageBody::PrivateMessage(m) => m.tls_serialize(w)?,
            MlsMessageBody::Welcome(m) => m.tls_serialize(w)?,
            MlsMessageBody::GroupInfo(m) => m.tls_serialize(w)?,
            MlsMessageBody::KeyPackage(m) => m.tls_serialize(w)?,
        })
    }
}

impl Decode for MlsMessage {
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        let version = ProtocolVersion::decode(r)?;
        if version != ProtocolVersion::MLS10 {
            return Err(CodecError::UnsupportedVersion(version.0));
        }
        let body = match WireFormat::decode(r)? {
            WireFormat::PUBLIC_MESSAGE => MlsMessageBody::PublicMessage(Decode::decode(r)?),
            WireFormat::PRIVATE_MESSAGE => MlsMessageBody::PrivateMessage(Decode::decode(r)?),
            WireFormat::WELCOME => MlsMessageBody::Welcome(Decode::decode(r)?),
            WireFormat::GROUP_INFO => MlsMessageBody::GroupInfo(Decode::decode(r)?),
            WireFormat::KEY_PACKAGE => MlsMessageBody::KeyPackage(Decode::decode(r)?),
            WireFormat(value) => {
                return Err(CodecError::InvalidEnumValue {
                    what: "WireFormat",
                    value: value.into(),
                });
            }
        };
        Ok(MlsMessage { version, body })
    }
}
tls_deserialize_bytes!(MlsMessage);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{decode, encode};
    use crate::group_info::tests::sample_group_info;
    use crate::key_package::tests::sample_key_package;

    #[test]
    fn round_trips() {
        for body in [
            MlsMessageBody::KeyPackage(sample_key_package()),
            MlsMessageBody::GroupInfo(sample_group_info()),
        ] {
            let m = MlsMessage::new(body);
            let bytes = encode(&m).expect("encodes");
            assert_eq!(decode::<MlsMessage>(&bytes), Ok(m));
        }
        let m = MlsMessage::from(sample_key_package());
        assert!(m.as_key_package().is_some() && m.as_welcome().is_none());
        assert_eq!(
            (m.group_id(), m.epoch(), m.content_type()),
            (None, None, None)
        );
        let info = MlsMessage::from(sample_group_info());
        let context = &sample_group_info().group_context;
        assert_eq!(info.group_id(), Some(context.group_id.as_slice()));
        assert_eq!(info.epoch(), Some(context.epoch));
        assert_eq!(info.content_type(), None);
        assert_eq!(m.clone().into_group_info(), None);
        assert_eq!(m.into_key_package(), Some(sample_key_package()));
    }

    #[test]
    fn rejects_version_and_wire_format() {
        // V-6-02
        for v in [0u16, 2] {
            let mut bytes = v.to_be_bytes().to_vec();
            bytes.extend([0, 5]);
            assert_eq!(
                decode::<MlsMessage>(&bytes),
                Err(CodecError::UnsupportedVersion(v))
            );
        }
        // V-6-03
        for wf in [0u16, 6, 0x0a0a] {
            let mut bytes = vec![0, 1];
            bytes.extend(wf.to_be_bytes());
            assert_eq!(
                decode::<MlsMessage>(&bytes),
                Err(CodecError::InvalidEnumValue {
                    what: "WireFormat",
                    value: wf.into()
                })
            );
        }
    }

    #[test]
    fn rejects_trailing_bytes() {
        let mut bytes = encode(&MlsMessage::new(MlsMessageBody::KeyPackage(
            sample_key_package(),
        )))
        .expect("encodes");
        bytes.push(0);
        assert_eq!(
            decode::<MlsMessage>(&bytes),
            Err(CodecError::TrailingBytes { remaining: 1 })
        );
    }
}
