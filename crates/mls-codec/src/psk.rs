//! Pre-shared key identifiers (RFC 9420 §8.4).
//!
//! ```text
//! enum { reserved(0), external(1), resumption(2), (255) } PSKType;
//! enum { reserved(0), application(1), reinit(2), branch(3), (255) } ResumptionPSKUsage;
//! struct {
//!   PSKType psktype;
//!   select (PreSharedKeyID.psktype) {
//!     case external:   opaque psk_id<V>;
//!     case resumption: ResumptionPSKUsage usage; opaque psk_group_id<V>; uint64 psk_epoch;
//!   };
//!   opaque psk_nonce<V>;
//! } PreSharedKeyID;
//! struct { PreSharedKeyID id; uint16 index; uint16 count; } PSKLabel;
//! ```
//!
//! `PSKType` and `ResumptionPSKUsage` are closed: 0 and out-of-range values
//! are rejected (V-2.1-10).

use std::io::Write;

use tls_codec::{Serialize, Size, TlsSerialize, TlsSize, VLBytes};

use crate::codec::{Decode, Reader, decode_struct, tls_deserialize_bytes};
use crate::error::CodecError;

/// `ResumptionPSKUsage` (RFC 9420 §8.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TlsSerialize, TlsSize)]
#[repr(u8)]
pub enum ResumptionPskUsage {
    /// `application` (1).
    Application = 1,
    /// `reinit` (2).
    Reinit = 2,
    /// `branch` (3).
    Branch = 3,
}

impl Decode for ResumptionPskUsage {
    const FIXED_SIZE: Option<usize> = Some(1);
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        match r.read_u8()? {
            1 => Ok(ResumptionPskUsage::Application),
            2 => Ok(ResumptionPskUsage::Reinit),
            3 => Ok(ResumptionPskUsage::Branch),
            value => Err(CodecError::InvalidEnumValue {
                what: "ResumptionPSKUsage",
                value: value.into(),
            }),
        }
    }
}
tls_deserialize_bytes!(ResumptionPskUsage);

/// The `PSKType` and its selected fields (RFC 9420 §8.4).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Psk {
    /// `external` (1).
    External {
        /// The application-chosen PSK id.
        psk_id: VLBytes,
    },
    /// `resumption` (2).
    Resumption {
        /// What the resumption PSK is used for.
        usage: ResumptionPskUsage,
        /// The group the PSK comes from.
        psk_group_id: VLBytes,
        /// The epoch the PSK comes from.
        psk_epoch: u64,
    },
}

impl Psk {
    /// The wire `PSKType` value.
    pub fn psk_type(&self) -> u8 {
        match self {
            Psk::External { .. } => 1,
            Psk::Resumption { .. } => 2,
        }
    }
}

impl Size for Psk {
    fn tls_serialized_len(&self) -> usize {
        1 + match self {
            Psk::External { psk_id } => psk_id.tls_serialized_len(),
            Psk::Resumption { psk_group_id, .. } => 1 + psk_group_id.tls_serialized_len() + 8,
        }
    }
}

impl Serialize for Psk {
    fn tls_serialize<W: Write>(&self, w: &mut W) -> Result<usize, tls_codec::Error> {
        let n = self.psk_type().tls_serialize(w)?;
        Ok(n + match self {
            Psk::External { psk_id } => psk_id.tls_serialize(w)?,
            Psk::Resumption {
                usage,
                psk_group_id,
                psk_epoch,
            } => {
                usage.tls_serialize(w)?
                    + psk_group_id.tls_serialize(w)?
                    + psk_epoch.tls_serialize(w)?
            }
        })
    }
}

impl Decode for Psk {
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        match r.read_u8()? {
            1 => Ok(Psk::External {
                psk_id: Decode::decode(r)?,
            }),
            2 => Ok(Psk::Resumption {
                usage: Decode::decode(r)?,
                psk_group_id: Decode::decode(r)?,
                psk_epoch: Decode::decode(r)?,
            }),
            value => Err(CodecError::InvalidEnumValue {
                what: "PSKType",
                value: value.into(),
            }),
        }
    }
}
tls_deserialize_bytes!(Psk);

/// `PreSharedKeyID` (RFC 9420 §8.4).
#[derive(Debug, Clone, PartialEq, Eq, Hash, TlsSerialize, TlsSize)]
pub struct PreSharedKeyId {
    /// The PSK type and its fields.
    pub psk: Psk,
    /// A fresh random nonce of length `KDF.Nh`.
    pub psk_nonce: VLBytes,
}
decode_struct!(PreSharedKeyId { psk, psk_nonce });

/// `PSKLabel` (RFC 9420 §8.4), the context of the per-PSK `ExpandWithLabel`.
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct PskLabel {
    /// The PSK id.
    pub id: PreSharedKeyId,
    /// Position of this PSK in the list.
    pub index: u16,
    /// Number of PSKs in the list.
    pub count: u16,
}
decode_struct!(PskLabel { id, index, count });

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{decode, encode};

    #[test]
    fn round_trips() {
        for psk in [
            Psk::External {
                psk_id: VLBytes::new(b"ext".to_vec()),
            },
            Psk::Resumption {
                usage: ResumptionPskUsage::Branch,
                psk_group_id: VLBytes::new(b"g".to_vec()),
                psk_epoch: 9,
            },
        ] {
            let id = PreSharedKeyId {
                psk,
                psk_nonce: VLBytes::new(vec![1; 32]),
            };
            let bytes = encode(&id).expect("encodes");
            assert_eq!(decode::<PreSharedKeyId>(&bytes), Ok(id));
        }
    }

    #[test]
    fn rejects_closed_enum_values() {
        for t in [0u8, 3] {
            assert_eq!(
                decode::<Psk>(&[t, 0]),
                Err(CodecError::InvalidEnumValue {
                    what: "PSKType",
                    value: t.into()
                })
            );
        }
        for u in [0u8, 4] {
            assert_eq!(
                decode::<Psk>(&[2, u, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
                Err(CodecError::InvalidEnumValue {
                    what: "ResumptionPSKUsage",
                    value: u.into()
                })
            );
        }
    }
}
