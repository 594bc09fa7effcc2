//! Welcome and its secrets (RFC 9420 §12.4.3.1).
//!
//! ```text
//! struct { opaque path_secret<V>; } PathSecret;
//! struct { opaque joiner_secret<V>; optional<PathSecret> path_secret;
//!          PreSharedKeyID psks<V>; } GroupSecrets;
//! struct { KeyPackageRef new_member; HPKECiphertext encrypted_group_secrets; } EncryptedGroupSecrets;
//! struct { CipherSuite cipher_suite; EncryptedGroupSecrets secrets<V>;
//!          opaque encrypted_group_info<V>; } Welcome;
//! ```
//!
//! `PathSecret` and `GroupSecrets` hold secrets: they zeroize on drop and
//! their `Debug` output is redacted.

use std::fmt;

use tls_codec::{TlsSerialize, TlsSize, VLBytes};
use zeroize::Zeroize;

use crate::codec::decode_struct;
use crate::primitives::{CipherSuiteId, HpkeCiphertext};
use crate::psk::PreSharedKeyId;

/// `PathSecret` (RFC 9420 §12.4.3.1). Zeroized on drop; redacted `Debug`.
#[derive(Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct PathSecret {
    /// The path secret for the common ancestor of sender and joiner.
    pub path_secret: VLBytes,
}
decode_struct!(PathSecret { path_secret });

impl Drop for PathSecret {
    fn drop(&mut self) {
        self.path_secret.zeroize();
    }
}

impl fmt::Debug for PathSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PathSecret")
            .field("path_secret", &"<redacted>")
            .finish()
    }
}

/// `GroupSecrets` (RFC 9420 §12.4.3.1). Zeroized on drop; redacted `Debug`.
#[derive(Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct GroupSecrets {
    /// The joiner secret of the new epoch.
    pub joiner_secret: VLBytes,
    /// The path secret, when the commit had a path covering the joiner.
    pub path_secret: Option<PathSecret>,
    /// The PSKs injected in the new epoch.
    pub psks: Vec<PreSharedKeyId>,
}
decode_struct!(GroupSecrets {
    joiner_secret,
    path_secret,
    psks
});

impl Drop for GroupSecrets {
    fn drop(&mut self) {
        self.joiner_secret.zeroize();
    }
}

impl fmt::Debug for GroupSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GroupSecrets")
            .field("joiner_secret", &"<redacted>")
            .field("path_secret", &self.path_secret)
            .field("psks", &self.psks)
            .finish()
    }
}

/// `EncryptedGroupSecrets` (RFC 9420 §12.4.3.1).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct EncryptedGroupSecrets {
    /// The `KeyPackageRef` of the joiner's key package.
    pub new_member: VLBytes,
    /// `EncryptWithLabel(init_key, "Welcome", encrypted_group_info, GroupSecrets)`.
    pub encrypted_group_secrets: HpkeCiphertext,
}
decode_struct!(EncryptedGroupSecrets {
    new_member,
    encrypted_group_secrets
});

/// `Welcome` (RFC 9420 §12.4.3.1).
#[derive(Debug, Clone, PartialEq, Eq, TlsSerialize, TlsSize)]
pub struct Welcome {
    /// The group's cipher suite.
    pub cipher_suite: CipherSuiteId,
    /// One entry per joiner.
    pub secrets: Vec<EncryptedGroupSecrets>,
    /// The GroupInfo, encrypted with the welcome key and nonce.
    pub encrypted_group_info: VLBytes,
}
decode_struct!(Welcome {
    cipher_suite,
    secrets,
    encrypted_group_info
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{decode, encode};

    #[test]
    fn secrets_round_trip_and_redacted() {
        let gs = GroupSecrets {
            joiner_secret: VLBytes::new(vec![0x42; 32]),
            path_secret: Some(PathSecret {
                path_secret: VLBytes::new(vec![0x43; 32]),
            }),
            psks: vec![],
        };
        let bytes = encode(&gs).expect("encodes");
        assert_eq!(decode::<GroupSecrets>(&bytes), Ok(gs.clone()));
        let dbg = format!("{gs:?}");
        assert!(!dbg.contains("42") && !dbg.contains("43"), "{dbg}");
        assert_eq!(
            decode::<GroupSecrets>(&[1, 0, 2]),
            Err(crate::CodecError::InvalidOptionalPresence(2))
        );
    }

    #[test]
    fn welcome_round_trip() {
        let w = Welcome {
            cipher_suite: CipherSuiteId(1),
            secrets: vec![EncryptedGroupSecrets {
                new_member: VLBytes::new(vec![1; 32]),
                encrypted_group_secrets: HpkeCiphertext {
                    kem_output: VLBytes::new(vec![2; 32]),
                    ciphertext: VLBytes::new(vec![3; 80]),
                },
            }],
            encrypted_group_info: VLBytes::new(vec![4; 500]),
        };
        let bytes = encode(&w).expect("encodes");
        assert_eq!(decode::<Welcome>(&bytes), Ok(w));
    }
}
