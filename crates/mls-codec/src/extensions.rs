//! Extensions (RFC 9420 §7.2, §13) and the payloads of the five extension
//! types RFC 9420 registers (§5.3.3, §12.4.3.3, §11.1, §12.4.3.2, §12.1.8.1).
//!
//! ```text
//! struct { ExtensionType extension_type; opaque extension_data<V>; } Extension;
//! ```
//!
//! An extension of any type is kept as its raw bytes and re-encodes
//! byte-exact (unknown and GREASE types included). When decoding, the data
//! of the five registered types must parse exactly as their struct
//! (V-2.1-11); the typed value is obtained with [`Extension::payload`].

use tls_codec::{TlsSerialize, TlsSize, VLBytes};

use crate::codec::{Decode, Reader, decode_struct, tls_deserialize_bytes};
use crate::credential::Credential;
use crate::error::CodecError;
use crate::extension::parse_exact_in;
pub use crate::extension::{Extension, ExtensionPayload, find_extension, find_payload};
use crate::limits::DecodeLimits;
use crate::primitives::{
    CredentialType, ExtensionType, HpkePublicKey, ProposalType, SignaturePublicKey,
};
use crate::tree::RatchetTree;

impl Extension {
    /// Check that the data of a registered extension type parses exactly as
    /// its struct (V-2.1-11). Other types always pass.
    pub fn check_known_payload(&self) -> Result<(), CodecError> {
        let data = self.extension_data.as_slice();
        match Reader::with_limits(data, DecodeLimits::default()) {
            Ok(r) => self.check_known_payload_in(&r),
            Err(e) => Err(e),
        }
    }

    /// [`Extension::check_known_payload`] under the limits and heap budget
    /// of the reader the extension came from.
    fn check_known_payload_in(&self, outer: &Reader<'_>) -> Result<(), CodecError> {
        let t = self.extension_type;
        let r = outer.nested(self.extension_data.as_slice());
        match t {
            ExtensionType::APPLICATION_ID => parse_exact_in::<ApplicationId>(t, r).map(drop),
            ExtensionType::RATCHET_TREE => parse_exact_in::<RatchetTreeExtension>(t, r).map(drop),
            ExtensionType::REQUIRED_CAPABILITIES => {
                parse_exact_in::<RequiredCapabilities>(t, r).map(drop)
            }
            ExtensionType::EXTERNAL_PUB => parse_exact_in::<ExternalPub>(t, r).map(drop),
            ExtensionType::EXTERNAL_SENDERS => parse_exact_in::<ExternalSenders>(t, r).map(drop),
            _ => Ok(()),
        }
    }
}

impl Decode for Extension {
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        let ext = Extension {
            extension_type: Decode::decode(r)?,
            extension_data: Decode::decode(r)?,
        };
        ext.check_known_payload_in(r)?;
        Ok(ext)
    }
}
tls_deserialize_bytes!(Extension);

/// `application_id` payload (RFC 9420 §5.3.3): `opaque application_id<V>`.
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct ApplicationId {
    /// The application-defined identifier.
    pub application_id: VLBytes,
}
decode_struct!(ApplicationId { application_id });

/// `ratchet_tree` payload (RFC 9420 §12.4.3.3): `optional<Node> ratchet_tree<V>`.
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct RatchetTreeExtension {
    /// The tree.
    pub ratchet_tree: RatchetTree,
}
decode_struct!(RatchetTreeExtension { ratchet_tree });

/// `required_capabilities` payload (RFC 9420 §11.1).
#[derive(Debug, Clone, PartialEq, Eq, Default, TlsSerialize, TlsSize)]
pub struct RequiredCapabilities {
    /// Extension types every member must support.
    pub extension_types: Vec<ExtensionType>,
    /// Proposal types every member must support.
    pub proposal_types: Vec<ProposalType>,
    /// Credential types every member must support.
    pub credential_types: Vec<CredentialType>,
}
decode_struct!(RequiredCapabilities {
    extension_types,
    proposal_types,
    credential_types
});

/// `external_pub` payload (RFC 9420 §12.4.3.2).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct ExternalPub {
    /// The HPKE public key for external commits.
    pub external_pub: HpkePublicKey,
}
decode_struct!(ExternalPub { external_pub });

/// `ExternalSender` (RFC 9420 §12.1.8.1).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct ExternalSender {
    /// The sender's signature key.
    pub signature_key: SignaturePublicKey,
    /// The sender's credential.
    pub credential: Credential,
}
decode_struct!(ExternalSender {
    signature_key,
    credential
});

/// `external_senders` payload (RFC 9420 §12.1.8.1): `ExternalSender external_senders<V>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, TlsSerialize, TlsSize)]
pub struct ExternalSenders(pub Vec<ExternalSender>);

impl Decode for ExternalSenders {
    fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
        Ok(ExternalSenders(Decode::decode(r)?))
    }
}
tls_deserialize_bytes!(ExternalSenders);

macro_rules! payload_type {
    ($($t:ty => $c:ident),* $(,)?) => {$(
        impl ExtensionPayload for $t {
            const EXTENSION_TYPE: ExtensionType = ExtensionType::$c;
        }
    )*};
}
payload_type!(
    ApplicationId => APPLICATION_ID,
    RatchetTreeExtension => RATCHET_TREE,
    RequiredCapabilities => REQUIRED_CAPABILITIES,
    ExternalPub => EXTERNAL_PUB,
    ExternalSenders => EXTERNAL_SENDERS,
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{decode, encode};

    fn ext(t: u16, data: &[u8]) -> Extension {
        Extension {
            extension_type: ExtensionType(t),
            extension_data: VLBytes::from(data),
        }
    }

    #[test]
    fn unknown_and_grease_kept() {
        for e in [
            ext(0x0a0a, &[1, 2, 3]),
            ext(0xff00, &[]),
            ext(0x1234, &[0xc0]),
        ] {
            let bytes = encode(&e).expect("encodes");
            let back = decode::<Extension>(&bytes).expect("decodes");
            assert_eq!(back, e);
            assert_eq!(encode(&back).expect("encodes"), bytes);
        }
    }

    #[test]
    fn typed_round_trip() {
        let rc = RequiredCapabilities {
            extension_types: vec![ExtensionType(0x0a0a)],
            proposal_types: vec![ProposalType::REMOVE],
            credential_types: vec![CredentialType::BASIC],
        };
        let e = Extension::from_payload(&rc).expect("encodes");
        assert_eq!(e.payload::<RequiredCapabilities>(), Ok(rc.clone()));
        assert_eq!(find_payload::<RequiredCapabilities>(&[e]), Ok(Some(rc)));
        let senders = ExternalSenders(vec![ExternalSender {
            signature_key: SignaturePublicKey::from(vec![1, 2]),
            credential: Credential::basic(b"ds".to_vec()),
        }]);
        let e = Extension::from_payload(&senders).expect("encodes");
        assert_eq!(e.payload::<ExternalSenders>(), Ok(senders));
    }

    #[test]
    fn rejects_extension_overrunning_its_list() {
        // V-2.1-08: the list holds 4 bytes; the extension's data claims 2 of
        // which only 1 is inside the list (the 6th input byte is outside).
        assert_eq!(
            crate::codec::decode_prefix::<Vec<Extension>>(&[4, 0x0a, 0x0a, 2, 1, 2]).map(|x| x.0),
            Err(CodecError::ElementOverrunsVector)
        );
        // Cut inside the 2-byte extension type.
        assert_eq!(
            decode::<Vec<Extension>>(&[1, 0x0a]),
            Err(CodecError::ElementOverrunsVector)
        );
    }

    #[test]
    fn rejects_malformed_known_payloads() {
        // V-2.1-11: required_capabilities with a 3-byte extension_types list,
        // external_senders with a trailing byte, application_id with a short body.
        for (t, data) in [
            (3u16, &[3u8, 0, 1, 0, 0, 0][..]),
            (3, &[0, 0, 0, 0]),
            (5, &[0, 0]),
            (1, &[5, 1]),
            (4, &[]),
            (2, &[2, 0x02, 0x00]),
        ] {
            let bytes = encode(&ext(t, data)).expect("encodes");
            assert_eq!(
                decode::<Extension>(&bytes),
                Err(CodecError::MalformedExtension { extension_type: t }),
                "type {t} data {data:02x?}"
            );
        }
    }
}
