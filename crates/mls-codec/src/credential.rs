//! Credentials (RFC 9420 §5.3).
//!
//! ```text
//! struct { opaque cert_data<V>; } Certificate;
//! struct {
//!     CredentialType credential_type;
//!     select (Credential.credential_type) {
//!         case basic: opaque identity<V>;
//!         case x509:  Certificate certificates<V>;
//!     };
//! } Credential;
//! ```
//!
//! The RFC does not say how a credential of an unregistered type is laid out
//! on the wire. The convention used by the other implementations (and by
//! this crate) is that its body is one `opaque data<V>`; it is kept as those
//! bytes and re-encoded byte-exact. The reserved type 0 is rejected.

use std::io::Write;

use tls_codec::{Serialize, Size, TlsSerialize, TlsSize, VLBytes};

use crate::codec::{Decode, Reader, decode_struct, tls_deserialize_bytes};
use crate::error::CodecError;
use crate::primitives::CredentialType;

/// `Certificate` (RFC 9420 §5.3): one DER certificate.
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct Certificate {
    /// The DER encoding of the certificate.
    pub cert_data: VLBytes,
}
decode_struct!(Certificate { cert_data });

/// `Credential` (RFC 9420 §5.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// `basic` (1): an application-defined identity.
    Basic {
        /// The identity bytes.
        identity: VLBytes,
    },
    /// `x509` (2): a certificate chain, end-entity first.
    X509 {
        /// The chain.
        certificates: Vec<Certificate>,
    },
    /// Any other type: the body kept as `opaque data<V>` (see module docs).
    Unknown {
        /// The credential type on the wire.
        credential_type: u16,
        /// The body.
        data: VLBytes,
    },
}

impl Credential {
    /// The credential type of this credential.
    pub fn credential_type(&self) -> CredentialType {
        match self {
            Credential::Basic { .. } => CredentialType::BASIC,
            Credential::X509 { .. } => CredentialType::X509,
            Credential::Unknown {
                credential_type, ..
            } => CredentialType(*credential_type),
        }
    }

    /// A basic credential holding `identity`.
    pub fn basic(identity: impl Into<Vec<u8>>) -> Self {
        Credential::Basic {
            identity: VLBytes::new(identity.into()),
        }
    }
}

impl Size for Credential {
    fn tls_serialized_len(&self) -> usize {
        2 + match self {
            Credential::Basic { identity } => identity.tls_serialized_len(),
            Credential::X509 { certificates } => certificates.tls_serialized_len(),
            Credential::Unknown { data, .. } => data.tls_serialized_len(),
        }
    }
}

impl Serialize for Credential {
    fn tls_serialize<W: Write>(&self, w: &mut W) -> Result<usize, tls_codec::Error> {
        let n = self.credential_type().tls_serialize(w)?;
        Ok(n + match self {
            Credential::Basic { identity } => identity.tls_serialize(w)?,
            Credential::X509 { certificates } => certificates.tls_serialize(w)?,
            Credential::Unknown { data, .. } => data.tls_serialize(w)?,
        })
    }
}

impl Decode for Credential {
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        match u16::decode(r)? {
            0 => Err(CodecError::InvalidEnumValue {
                what: "CredentialType",
                value: 0,
            }),
            1 => Ok(Credential::Basic {
                identity: Decode::decode(r)?,
            }),
            2 => Ok(Credential::X509 {
                certificates: Decode::decode(r)?,
            }),
            credential_type => Ok(Credential::Unknown {
                credential_type,
                data: Decode::decode(r)?,
            }),
        }
    }
}
tls_deserialize_bytes!(Credential);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{decode, encode};

    #[test]
    fn round_trips() {
        for c in [
            Credential::basic(b"alice".to_vec()),
            Credential::X509 {
                certificates: vec![Certificate {
                    cert_data: VLBytes::new(vec![0x30, 0x00]),
                }],
            },
            Credential::Unknown {
                credential_type: 0xf000,
                data: VLBytes::new(vec![1, 2, 3]),
            },
        ] {
            let bytes = encode(&c).expect("encodes");
            assert_eq!(decode::<Credential>(&bytes), Ok(c));
        }
    }

    #[test]
    fn unknown_kept_byte_exact() {
        let bytes = [0x0a, 0x0a, 0x02, 0xde, 0xad];
        let c = decode::<Credential>(&bytes).expect("decodes");
        assert_eq!(c.credential_type(), CredentialType(0x0a0a));
        assert_eq!(encode(&c).expect("encodes"), bytes);
    }

    #[test]
    fn rejects_reserved_type() {
        assert_eq!(
            decode::<Credential>(&[0, 0, 0]),
            Err(CodecError::InvalidEnumValue {
                what: "CredentialType",
                value: 0
            })
        );
    }
}
