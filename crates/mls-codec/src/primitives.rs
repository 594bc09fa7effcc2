//! Registry values and small building blocks (RFC 9420 §5.1, §5.3, §6, §13,
//! §17): protocol version, cipher suite id, extension / proposal / credential
//! type, wire format, HPKE and signature public keys, HPKE ciphertext, and
//! the GREASE values of §13.5.
//!
//! The registry types are open newtypes over their `uint16`: every value
//! decodes (unknown and GREASE values are kept); the constants name the
//! registered ones.

use tls_codec::{TlsSerialize, TlsSize, VLBytes};

use crate::codec::{Decode, Reader, decode_struct, tls_deserialize_bytes};
use crate::error::CodecError;

/// The GREASE values of RFC 9420 §13.5 (`0x0A0A`, `0x1A1A`, ..., `0xEAEA`),
/// reserved in every `uint16` registry.
pub const GREASE_VALUES: [u16; 15] = [
    0x0A0A, 0x1A1A, 0x2A2A, 0x3A3A, 0x4A4A, 0x5A5A, 0x6A6A, 0x7A7A, 0x8A8A, 0x9A9A, 0xAAAA, 0xBABA,
    0xCACA, 0xDADA, 0xEAEA,
];

/// Whether a `uint16` registry value is a GREASE value (RFC 9420 §13.5).
pub fn is_grease(value: u16) -> bool {
    let [hi, lo] = value.to_be_bytes();
    hi == lo && lo & 0x0f == 0x0a && hi != 0xfa
}

/// Whether a `uint16` registry value is in the private-use range
/// `0xF000..=0xFFFF` (RFC 9420 §17.1-§17.5).
pub fn is_private_use(value: u16) -> bool {
    value >= 0xF000
}

/// The media type of an MLSMessage (RFC 9420 §17.10).
pub const MEDIA_TYPE: &str = "message/mls";

macro_rules! registry_u16 {
    ($(#[$m:meta])* $name:ident { $($(#[$cm:meta])* $c:ident = $v:expr;)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, TlsSerialize, TlsSize)]
        pub struct $name(pub u16);

        impl $name {
            $($(#[$cm])* pub const $c: $name = $name($v);)*

            /// Whether this is a GREASE value (RFC 9420 §13.5).
            pub fn is_grease(self) -> bool {
                is_grease(self.0)
            }

            /// Whether this value is reserved for private use (RFC 9420 §17).
            pub fn is_private_use(self) -> bool {
                is_private_use(self.0)
            }
        }

        impl From<u16> for $name {
            fn from(v: u16) -> Self {
                $name(v)
            }
        }

        impl From<$name> for u16 {
            fn from(v: $name) -> u16 {
                v.0
            }
        }

        impl Decode for $name {
            const FIXED_SIZE: Option<usize> = Some(2);
            fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
                Ok($name(u16::decode(r)?))
            }
        }
        tls_deserialize_bytes!($name);
    };
}

registry_u16!(
    /// `ProtocolVersion` (RFC 9420 §6, §17.1): `uint16`, `mls10` = 1.
    ProtocolVersion {
        /// `mls10` (1).
        MLS10 = 1;
    }
);

registry_u16!(
    /// `CipherSuite` (RFC 9420 §5.1, §17.1) as its raw `uint16` id; the
    /// algorithms behind an id live in `mls-crypto`.
    CipherSuiteId {
        /// `MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519` (1).
        MLS_128_DHKEMX25519_AES128GCM_SHA256_ED25519 = 1;
        /// `MLS_128_DHKEMP256_AES128GCM_SHA256_P256` (2).
        MLS_128_DHKEMP256_AES128GCM_SHA256_P256 = 2;
        /// `MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519` (3).
        MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_ED25519 = 3;
        /// `MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448` (4).
        MLS_256_DHKEMX448_AES256GCM_SHA512_ED448 = 4;
        /// `MLS_256_DHKEMP521_AES256GCM_SHA512_P521` (5).
        MLS_256_DHKEMP521_AES256GCM_SHA512_P521 = 5;
        /// `MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448` (6).
        MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_ED448 = 6;
        /// `MLS_256_DHKEMP384_AES256GCM_SHA384_P384` (7).
        MLS_256_DHKEMP384_AES256GCM_SHA384_P384 = 7;
    }
);

registry_u16!(
    /// `ExtensionType` (RFC 9420 §13.3, §17.3).
    ExtensionType {
        /// `application_id` (1), LeafNode.
        APPLICATION_ID = 1;
        /// `ratchet_tree` (2), GroupInfo.
        RATCHET_TREE = 2;
        /// `required_capabilities` (3), GroupContext.
        REQUIRED_CAPABILITIES = 3;
        /// `external_pub` (4), GroupInfo.
        EXTERNAL_PUB = 4;
        /// `external_senders` (5), GroupContext.
        EXTERNAL_SENDERS = 5;
    }
);

registry_u16!(
    /// `ProposalType` (RFC 9420 §12.1, §17.4).
    ProposalType {
        /// `add` (1).
        ADD = 1;
        /// `update` (2).
        UPDATE = 2;
        /// `remove` (3).
        REMOVE = 3;
        /// `psk` (4).
        PSK = 4;
        /// `reinit` (5).
        REINIT = 5;
        /// `external_init` (6).
        EXTERNAL_INIT = 6;
        /// `group_context_extensions` (7).
        GROUP_CONTEXT_EXTENSIONS = 7;
    }
);

registry_u16!(
    /// `CredentialType` (RFC 9420 §5.3, §17.5).
    CredentialType {
        /// `basic` (1).
        BASIC = 1;
        /// `x509` (2).
        X509 = 2;
    }
);

registry_u16!(
    /// `WireFormat` (RFC 9420 §6, §17.2).
    WireFormat {
        /// `mls_public_message` (1).
        PUBLIC_MESSAGE = 1;
        /// `mls_private_message` (2).
        PRIVATE_MESSAGE = 2;
        /// `mls_welcome` (3).
        WELCOME = 3;
        /// `mls_group_info` (4).
        GROUP_INFO = 4;
        /// `mls_key_package` (5).
        KEY_PACKAGE = 5;
    }
);

/// The objects an extension can appear in: the "Message(s)" column of the
/// extension types registry (RFC 9420 §17.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExtensionContainer {
    /// `KP`: `KeyPackage.extensions`.
    KeyPackage,
    /// `LN`: `LeafNode.extensions`.
    LeafNode,
    /// `GC`: `GroupContext.extensions`.
    GroupContext,
    /// `GI`: `GroupInfo.extensions`.
    GroupInfo,
}

impl ExtensionType {
    /// The registry's "Message(s)" column (RFC 9420 §17.3): the containers
    /// this type may appear in, or `None` for a type the RFC does not
    /// register (GREASE values are registered for KP, GI and LN).
    pub fn allowed_containers(self) -> Option<&'static [ExtensionContainer]> {
        use ExtensionContainer::*;
        match self {
            ExtensionType::APPLICATION_ID => Some(&[LeafNode]),
            ExtensionType::RATCHET_TREE | ExtensionType::EXTERNAL_PUB => Some(&[GroupInfo]),
            ExtensionType::REQUIRED_CAPABILITIES | ExtensionType::EXTERNAL_SENDERS => {
                Some(&[GroupContext])
            }
            t if t.is_grease() => Some(&[KeyPackage, GroupInfo, LeafNode]),
            _ => None,
        }
    }

    /// Whether this is one of the five extension types RFC 9420 defines
    /// (the "default" extensions of §7.2 need not be listed in capabilities).
    pub fn is_default(self) -> bool {
        (1..=5).contains(&self.0)
    }
}

impl ProposalType {
    /// Whether this is one of the seven proposal types RFC 9420 defines
    /// (the "default" proposals of §7.2 need not be listed in capabilities).
    pub fn is_default(self) -> bool {
        (1..=7).contains(&self.0)
    }

    /// The registry's "External" column (RFC 9420 §17.4): whether an
    /// `external` sender may send this type; `None` for unregistered types.
    pub fn external_sender_allowed(self) -> Option<bool> {
        match self.0 {
            1 | 3 | 4 | 5 | 7 => Some(true),
            2 | 6 => Some(false),
            _ => None,
        }
    }

    /// The registry's "Path Required" column (RFC 9420 §17.4, §12.4): whether
    /// a Commit covering this type must carry a path; `None` for
    /// unregistered types.
    pub fn path_required(self) -> Option<bool> {
        match self.0 {
            2 | 3 | 6 | 7 => Some(true),
            1 | 4 | 5 => Some(false),
            _ => None,
        }
    }
}

/// `HPKEPublicKey` (RFC 9420 §5.1.1): `opaque HPKEPublicKey<V>`, the raw
/// serialized KEM public key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, TlsSerialize, TlsSize)]
pub struct HpkePublicKey(pub VLBytes);

/// `SignaturePublicKey` (RFC 9420 §5.1.1): `opaque SignaturePublicKey<V>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, TlsSerialize, TlsSize)]
pub struct SignaturePublicKey(pub VLBytes);

macro_rules! key_newtype {
    ($($name:ident),*) => {$(
        impl $name {
            /// The raw key bytes.
            pub fn as_slice(&self) -> &[u8] {
                self.0.as_slice()
            }
        }

        impl From<Vec<u8>> for $name {
            fn from(v: Vec<u8>) -> Self {
                $name(VLBytes::new(v))
            }
        }

        impl From<&[u8]> for $name {
            fn from(v: &[u8]) -> Self {
                $name(VLBytes::from(v))
            }
        }

        impl AsRef<[u8]> for $name {
            fn as_ref(&self) -> &[u8] {
                self.0.as_slice()
            }
        }

        impl Decode for $name {
            fn decode(r: &mut Reader<'_>) -> Result<Self, CodecError> {
                Ok($name(VLBytes::decode(r)?))
            }
        }
        tls_deserialize_bytes!($name);
    )*};
}
key_newtype!(HpkePublicKey, SignaturePublicKey);

/// `HPKECiphertext` (RFC 9420 §7.6): `opaque kem_output<V>; opaque ciphertext<V>;`.
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct HpkeCiphertext {
    /// The HPKE encapsulated key.
    pub kem_output: VLBytes,
    /// The AEAD ciphertext.
    pub ciphertext: VLBytes,
}
decode_struct!(HpkeCiphertext {
    kem_output,
    ciphertext
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{decode, encode};

    #[test]
    fn grease_values() {
        for v in GREASE_VALUES {
            assert!(is_grease(v), "{v:#06x}");
        }
        let count = (0..=u16::MAX).filter(|v| is_grease(*v)).count();
        assert_eq!(count, GREASE_VALUES.len());
        assert!(!is_grease(0x0001));
        assert!(ExtensionType(0x3a3a).is_grease());
    }

    #[test]
    fn registry_columns() {
        // RFC 9420 §17.4 table: (type, External, Path Required).
        for (t, ext, path) in [
            (ProposalType::ADD, true, false),
            (ProposalType::UPDATE, false, true),
            (ProposalType::REMOVE, true, true),
            (ProposalType::PSK, true, false),
            (ProposalType::REINIT, true, false),
            (ProposalType::EXTERNAL_INIT, false, true),
            (ProposalType::GROUP_CONTEXT_EXTENSIONS, true, true),
        ] {
            assert_eq!(t.external_sender_allowed(), Some(ext), "{t:?}");
            assert_eq!(t.path_required(), Some(path), "{t:?}");
            assert!(t.is_default());
        }
        assert_eq!(ProposalType(0x0a0a).path_required(), None);
        assert_eq!(
            ExtensionType::EXTERNAL_SENDERS.allowed_containers(),
            Some(&[ExtensionContainer::GroupContext][..])
        );
        assert_eq!(ExtensionType(0x1234).allowed_containers(), None);
        assert!(ExtensionType(0xf000).is_private_use());
        assert!(!ExtensionType(0xeaea).is_private_use());
    }

    #[test]
    fn newtypes_round_trip() {
        let v = vec![CipherSuiteId(1), CipherSuiteId(0x0a0a)];
        let bytes = encode(&v).expect("encodes");
        assert_eq!(bytes, [4, 0, 1, 0x0a, 0x0a]);
        assert_eq!(decode::<Vec<CipherSuiteId>>(&bytes), Ok(v));
        assert_eq!(
            decode::<Vec<CipherSuiteId>>(&[3, 0, 1, 0]),
            Err(CodecError::VectorLengthNotMultiple {
                len: 3,
                element_size: 2
            })
        );
    }
}
