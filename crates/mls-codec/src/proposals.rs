//! Proposals (RFC 9420 §12.1) and proposal-or-reference (§12.4).
//!
//! ```text
//! struct {
//!     ProposalType proposal_type;
//!     select (Proposal.proposal_type) {
//!         case add:                      Add;
//!         case update:                   Update;
//!         case remove:                   Remove;
//!         case psk:                      PreSharedKey;
//!         case reinit:                   ReInit;
//!         case external_init:            ExternalInit;
//!         case group_context_extensions: GroupContextExtensions;
//!     };
//! } Proposal;
//! enum { reserved(0), proposal(1), reference(2), (255) } ProposalOrRefType;
//! struct { ProposalOrRefType type;
//!          select (ProposalOrRef.type) { case proposal: Proposal proposal;
//!                                        case reference: ProposalRef reference; }; } ProposalOrRef;
//! ```
//!
//! The RFC leaves the body layout of unregistered (custom) proposal types to
//! their specification; the convention of other implementations, followed
//! here, is a single `opaque data<V>`. Such a body is kept as those bytes and
//! re-encoded byte-exact. The reserved type 0 is rejected.

use std::io::Write;

use tls_codec::{Serialize, Size, TlsSerialize, TlsSize, VLBytes};

use crate::codec::{Decode, Reader, decode_struct, tls_deserialize_bytes};
use crate::error::CodecError;
use crate::extension::Extension;
use crate::key_package::KeyPackage;
use crate::leaf_node::LeafNode;
use crate::primitives::{CipherSuiteId, ProposalType, ProtocolVersion};
use crate::psk::PreSharedKeyId;

/// `Add` (RFC 9420 §12.1.1).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct Add {
    /// The new member's key package.
    pub key_package: KeyPackage,
}
decode_struct!(Add { key_package });

/// `Update` (RFC 9420 §12.1.2).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct Update {
    /// The sender's new leaf node (source `update`).
    pub leaf_node: LeafNode,
}
decode_struct!(Update { leaf_node });

/// `Remove` (RFC 9420 §12.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct Remove {
    /// The leaf index of the member to remove.
    pub removed: u32,
}
decode_struct!(Remove { removed });

/// `PreSharedKey` (RFC 9420 §12.1.4).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct PreSharedKeyProposal {
    /// The PSK to inject.
    pub psk: PreSharedKeyId,
}
decode_struct!(PreSharedKeyProposal { psk });

/// `ReInit` (RFC 9420 §12.1.5).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct ReInit {
    /// The id of the new group.
    pub group_id: VLBytes,
    /// The protocol version of the new group.
    pub version: ProtocolVersion,
    /// The cipher suite of the new group.
    pub cipher_suite: CipherSuiteId,
    /// The group context extensions of the new group.
    pub extensions: Vec<Extension>,
}
decode_struct!(ReInit {
    group_id,
    version,
    cipher_suite,
    extensions
});

/// `ExternalInit` (RFC 9420 §12.1.6).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct ExternalInit {
    /// The HPKE encapsulation to the group's external public key.
    pub kem_output: VLBytes,
}
decode_struct!(ExternalInit { kem_output });

/// `GroupContextExtensions` (RFC 9420 §12.1.7).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct GroupContextExtensions {
    /// The complete new list of group context extensions.
    pub extensions: Vec<Extension>,
}
decode_struct!(GroupContextExtensions { extensions });

/// `Proposal` (RFC 9420 §12.1).
///
/// The large bodies are boxed so that a proposal list costs a few words per
/// entry: a Commit of many 7-byte Removes must not take hundreds of bytes of
/// memory per Remove (G-34).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proposal {
    /// `add` (1).
    Add(Box<Add>),
    /// `update` (2).
    Update(Box<Update>),
    /// `remove` (3).
    Remove(Remove),
    /// `psk` (4).
    PreSharedKey(Box<PreSharedKeyProposal>),
    /// `reinit` (5).
    ReInit(Box<ReInit>),
    /// `external_init` (6).
    ExternalInit(ExternalInit),
    /// `group_context_extensions` (7).
    GroupContextExtensions(GroupContextExtensions),
    /// Any other type, body kept as `opaque data<V>` (see module docs).
    Unknown {
        /// The proposal type on the wire.
        proposal_type: u16,
        /// The body.
        data: VLBytes,
    },
}

impl Proposal {
    /// The proposal type.
    pub fn proposal_type(&self) -> ProposalType {
        match self {
            Proposal::Add(_) => ProposalType::ADD,
            Proposal::Update(_) => ProposalType::UPDATE,
            Proposal::Remove(_) => ProposalType::REMOVE,
            Proposal::PreSharedKey(_) => ProposalType::PSK,
            Proposal::ReInit(_) => ProposalType::REINIT,
            Proposal::ExternalInit(_) => ProposalType::EXTERNAL_INIT,
            Proposal::GroupContextExtensions(_) => ProposalType::GROUP_CONTEXT_EXTENSIONS,
            Proposal::Unknown { proposal_type, .. } => ProposalType(*proposal_type),
        }
    }

    fn body(&self) -> &dyn BodyCodec {
        match self {
            Proposal::Add(b) => b.as_ref(),
            Proposal::Update(b) => b.as_ref(),
            Proposal::Remove(b) => b,
            Proposal::PreSharedKey(b) => b.as_ref(),
            Proposal::ReInit(b) => b.as_ref(),
            Proposal::ExternalInit(b) => b,
            Proposal::GroupContextExtensions(b) => b,
            Proposal::Unknown { data, .. } => data,
        }
    }
}

/// Object-safe encoding of one proposal body.
trait BodyCodec {
    fn body_len(&self) -> usize;
    fn write(&self, w: &mut dyn Write) -> Result<usize, tls_codec::Error>;
}

impl<T: Serialize> BodyCodec for T {
    fn body_len(&self) -> usize {
        self.tls_serialized_len()
    }
    fn write(&self, mut w: &mut dyn Write) -> Result<usize, tls_codec::Error> {
        self.tls_serialize(&mut w)
    }
}

impl Size for Proposal {
    fn tls_serialized_len(&self) -> usize {
        2 + self.body().body_len()
    }
}

impl Serialize for Proposal {
    fn tls_serialize<W: Write>(&self, w: &mut W) -> Result<usize, tls_codec::Error> {
        let n = self.proposal_type().tls_serialize(w)?;
        Ok(n + self.body().write(w)?)
    }
}

impl Decode for Proposal {
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        Ok(match u16::decode(r)? {
            0 => {
                return Err(CodecError::InvalidEnumValue {
                    what: "ProposalType",
                    value: 0,
                });
            }
            1 => Proposal::Add(boxed(r)?),
            2 => Proposal::Update(boxed(r)?),
            3 => Proposal::Remove(Decode::decode(r)?),
            4 => Proposal::PreSharedKey(boxed(r)?),
            5 => Proposal::ReInit(boxed(r)?),
            6 => Proposal::ExternalInit(Decode::decode(r)?),
            7 => Proposal::GroupContextExtensions(Decode::decode(r)?),
            proposal_type => Proposal::Unknown {
                proposal_type,
                data: Decode::decode(r)?,
            },
        })
    }
}
tls_deserialize_bytes!(Proposal);

/// Decode a body and box it, charging the box to the heap budget (G-34).
fn boxed<T: Decode>(r: &mut Reader<'_>) -> Result<Box<T>, CodecError> {
    let value = T::decode(r)?;
    r.charge_heap(core::mem::size_of::<T>())?;
    Ok(Box::new(value))
}

impl From<Add> for Proposal {
    fn from(add: Add) -> Self {
        Proposal::Add(Box::new(add))
    }
}

impl From<Update> for Proposal {
    fn from(update: Update) -> Self {
        Proposal::Update(Box::new(update))
    }
}

impl From<Remove> for Proposal {
    fn from(remove: Remove) -> Self {
        Proposal::Remove(remove)
    }
}

impl From<PreSharedKeyProposal> for Proposal {
    fn from(psk: PreSharedKeyProposal) -> Self {
        Proposal::PreSharedKey(Box::new(psk))
    }
}

impl From<ReInit> for Proposal {
    fn from(reinit: ReInit) -> Self {
        Proposal::ReInit(Box::new(reinit))
    }
}

impl From<ExternalInit> for Proposal {
    fn from(init: ExternalInit) -> Self {
        Proposal::ExternalInit(init)
    }
}

impl From<GroupContextExtensions> for Proposal {
    fn from(gce: GroupContextExtensions) -> Self {
        Proposal::GroupContextExtensions(gce)
    }
}

/// `ProposalOrRef` (RFC 9420 §12.4). `ProposalOrRefType` is closed
/// (V-2.1-10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposalOrRef {
    /// `proposal` (1): the proposal by value.
    Proposal(Proposal),
    /// `reference` (2): a `ProposalRef` (RFC 9420 §5.2).
    Reference(VLBytes),
}

impl ProposalOrRef {
    /// The wire `ProposalOrRefType` value.
    pub fn or_ref_type(&self) -> u8 {
        match self {
            ProposalOrRef::Proposal(_) => 1,
            ProposalOrRef::Reference(_) => 2,
        }
    }
}

impl Size for ProposalOrRef {
    fn tls_serialized_len(&self) -> usize {
        1 + match self {
            ProposalOrRef::Proposal(p) => p.tls_serialized_len(),
            ProposalOrRef::Reference(r) => r.tls_serialized_len(),
        }
    }
}

impl Serialize for ProposalOrRef {
    fn tls_serialize<W: Write>(&self, w: &mut W) -> Result<usize, tls_codec::Error> {
        let n = self.or_ref_type().tls_serialize(w)?;
        Ok(n + match self {
            ProposalOrRef::Proposal(p) => p.tls_serialize(w)?,
            ProposalOrRef::Reference(r) => r.tls_serialize(w)?,
        })
    }
}

impl Decode for ProposalOrRef {
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        match r.read_u8()? {
            1 => Ok(ProposalOrRef::Proposal(Decode::decode(r)?)),
            2 => Ok(ProposalOrRef::Reference(Decode::decode(r)?)),
            value => Err(CodecError::InvalidEnumValue {
                what: "ProposalOrRefType",
                value: value.into(),
            }),
        }
    }
}
tls_deserialize_bytes!(ProposalOrRef);

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::codec::{decode, encode};
    use crate::key_package::tests::sample_key_package;
    use crate::leaf_node::LeafNodeSource;
    use crate::leaf_node::tests::sample_leaf;
    use crate::psk::Psk;

    pub(crate) fn sample_proposals() -> Vec<Proposal> {
        vec![
            Proposal::from(Add {
                key_package: sample_key_package(),
            }),
            Proposal::from(Update {
                leaf_node: sample_leaf(LeafNodeSource::Update),
            }),
            Proposal::Remove(Remove { removed: 5 }),
            Proposal::from(PreSharedKeyProposal {
                psk: PreSharedKeyId {
                    psk: Psk::External {
                        psk_id: VLBytes::new(b"id".to_vec()),
                    },
                    psk_nonce: VLBytes::new(vec![0; 32]),
                },
            }),
            Proposal::from(ReInit {
                group_id: VLBytes::new(b"new".to_vec()),
                version: ProtocolVersion::MLS10,
                cipher_suite: CipherSuiteId(3),
                extensions: vec![],
            }),
            Proposal::ExternalInit(ExternalInit {
                kem_output: VLBytes::new(vec![1; 32]),
            }),
            Proposal::GroupContextExtensions(GroupContextExtensions { extensions: vec![] }),
            Proposal::Unknown {
                proposal_type: 0x0a0a,
                data: VLBytes::new(vec![1, 2, 3]),
            },
        ]
    }

    #[test]
    fn round_trips() {
        for p in sample_proposals() {
            let bytes = encode(&p).expect("encodes");
            assert_eq!(&bytes[..2], &p.proposal_type().0.to_be_bytes());
            assert_eq!(decode::<Proposal>(&bytes), Ok(p.clone()));
            let por = ProposalOrRef::Proposal(p);
            let bytes = encode(&por).expect("encodes");
            assert_eq!(decode::<ProposalOrRef>(&bytes), Ok(por));
        }
    }

    #[test]
    fn rejects_bad_types() {
        assert_eq!(
            decode::<ProposalOrRef>(&[3, 0]),
            Err(CodecError::InvalidEnumValue {
                what: "ProposalOrRefType",
                value: 3
            })
        );
        assert_eq!(
            decode::<ProposalOrRef>(&[0, 0]),
            Err(CodecError::InvalidEnumValue {
                what: "ProposalOrRefType",
                value: 0
            })
        );
        assert_eq!(
            decode::<Proposal>(&[0, 0, 0]),
            Err(CodecError::InvalidEnumValue {
                what: "ProposalType",
                value: 0
            })
        );
    }
}
