//! Wire structs of MLS (RFC 9420) with TLS presentation encoding.
//!
//! Plain data for every struct and enum of RFC 9420 that travels on the wire
//! or is signed, MACed or hashed: §2.1 (presentation language, varint
//! lengths), §5.1 and §5.3 (keys, credentials), §6 (framing), §7 (leaf
//! nodes, parent nodes, UpdatePath), §8 (group context, transcript hash
//! inputs, PSK ids), §10 (key packages), §11-§12 (extensions, proposals,
//! commits, GroupInfo, Welcome) and §17 (registry values).
//!
//! Encoding uses `tls_codec` (`Serialize`, so [`encode`] accepts any
//! `tls_codec::Serialize` value, including structs other crates derive).
//! Decoding uses this crate's strict [`Decode`] trait (see [`codec`] for
//! why tls_codec's decoders are not used): minimal varints only, the `0b11`
//! prefix rejected, lengths checked against the input before anything is
//! allocated, elements confined to their vector, closed enums checked,
//! optional presence octets checked, known extension payloads parsed, and
//! trailing bytes rejected by [`decode`]. Every failure is a typed
//! [`CodecError`] naming its rule. Nothing else is validated and no
//! cryptography is done here. Every type also implements
//! `tls_codec::DeserializeBytes` through the same strict decoder.
//!
//! Memory: a decoded value takes at most a constant factor of its input
//! (the worst case is a ratchet tree of blank nodes, one `Option<Node>` per
//! input byte); [`decode_with_max_vector_len`] caps every vector.
//!
//! Unregistered credential and proposal types: the RFC leaves their body
//! layout open; like other implementations this crate reads the body as one
//! `opaque<V>` and re-encodes it byte-exact.
//!
//! ```
//! use mls_codec::{decode, encode, Credential, CodecError};
//!
//! let credential = Credential::basic(b"alice".to_vec());
//! let bytes = encode(&credential)?;
//! assert_eq!(bytes, [0, 1, 5, b'a', b'l', b'i', b'c', b'e']);
//! assert_eq!(decode::<Credential>(&bytes)?, credential);
//! assert!(matches!(
//!     decode::<Credential>(&[0, 1, 0, 0]),
//!     Err(CodecError::TrailingBytes { .. })
//! ));
//! # Ok::<(), CodecError>(())
//! ```
#![forbid(unsafe_code)]

pub mod codec;
pub mod commit;
pub mod credential;
pub mod error;
pub mod extension;
pub mod extensions;
pub mod framing;
pub mod group_context;
pub mod group_info;
pub mod key_package;
pub mod leaf_node;
pub mod limits;
pub mod message;
pub mod primitives;
pub mod proposals;
pub mod psk;
pub mod rule;
pub mod tree;
pub mod welcome;

pub use codec::{
    Decode, Reader, decode, decode_prefix, decode_with_limits, decode_with_max_vector_len, encode,
};
pub use commit::Commit;
pub use credential::{Certificate, Credential};
pub use error::CodecError;
pub use extensions::{
    ApplicationId, Extension, ExtensionPayload, ExternalPub, ExternalSender, ExternalSenders,
    RatchetTreeExtension, RequiredCapabilities, find_extension, find_payload,
};
pub use framing::{
    AuthenticatedContent, ContentEncoding, ContentType, FramedContent, FramedContentAuthData,
    FramedContentBody, PrivateContentAad, PrivateMessage, PrivateMessageContent, PublicMessage,
    Sender, SenderData, SenderDataAad, authenticated_content_tbm_bytes,
    confirmed_transcript_hash_input_bytes, framed_content_tbs_bytes,
    interim_transcript_hash_input_bytes,
};
pub use group_context::GroupContext;
pub use group_info::GroupInfo;
pub use key_package::KeyPackage;
pub use leaf_node::{Capabilities, LeafNode, LeafNodeSource, Lifetime};
pub use limits::DecodeLimits;
pub use message::{MlsMessage, MlsMessageBody};
pub use primitives::{
    CipherSuiteId, CredentialType, ExtensionContainer, ExtensionType, GREASE_VALUES,
    HpkeCiphertext, HpkePublicKey, MEDIA_TYPE, ProposalType, ProtocolVersion, SignaturePublicKey,
    WireFormat, is_grease, is_private_use,
};
pub use proposals::{
    Add, ExternalInit, GroupContextExtensions, PreSharedKeyProposal, Proposal, ProposalOrRef,
    ReInit, Remove, Update,
};
pub use psk::{PreSharedKeyId, Psk, PskLabel, ResumptionPskUsage};
pub use rule::Rule;
pub use tls_codec;
pub use tls_codec::VLBytes;
pub use tree::{Node, ParentNode, RatchetTree, UpdatePath, UpdatePathNode};
pub use welcome::{EncryptedGroupSecrets, GroupSecrets, PathSecret, Welcome};
