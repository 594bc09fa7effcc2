//! One type per secret of the key schedule (RFC 9420 §8, §8.3-§8.7, §9,
//! §12.4.3.1), so that a function needing, say, the sender-data secret cannot
//! be handed the exporter secret.
//!
//! Every type wraps a [`Secret`]: it zeroizes on drop, its `Debug` shows only
//! the length, and equality is constant time.

use mls_crypto::{CipherSuiteProvider, Secret};
use zeroize::ZeroizeOnDrop;

/// Defines a newtype around [`Secret`] with the shared constructors and
/// accessors.
macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name(Secret);

        impl $name {
            /// Wrap secret bytes (e.g. restored from storage or received).
            pub fn new(secret: Secret) -> Self {
                $name(secret)
            }

            /// Copy secret bytes from a slice.
            pub fn from_slice(bytes: &[u8]) -> Self {
                $name(Secret::from_slice(bytes))
            }

            /// The secret bytes.
            pub fn as_bytes(&self) -> &[u8] {
                self.0.as_bytes()
            }

            /// The secret as a [`Secret`].
            pub fn as_secret(&self) -> &Secret {
                &self.0
            }

            /// Give up the type and keep the bytes (still zeroizing).
            pub fn into_secret(self) -> Secret {
                self.0
            }

            /// Length in bytes.
            pub fn len(&self) -> usize {
                self.0.len()
            }

            /// Whether the secret is empty.
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl From<Secret> for $name {
            fn from(secret: Secret) -> Self {
                $name(secret)
            }
        }

        // The only field is a `Secret`, which zeroizes itself on drop.
        impl ZeroizeOnDrop for $name {}
    };
}

secret_type!(
    /// `init_secret`: carried from one epoch to the next (§8), or set by
    /// external init (§8.3).
    InitSecret
);
secret_type!(
    /// `commit_secret`: the TreeKEM output of a Commit with a path, else
    /// all-zero (§8, §12.4.2).
    CommitSecret
);
secret_type!(
    /// `psk_secret`: all PSKs of a Commit chained together (§8.4); all-zero
    /// when there are none.
    PskSecret
);
secret_type!(
    /// `joiner_secret`: sent to new members in `GroupSecrets` (§8, §12.4.3.1).
    JoinerSecret
);
secret_type!(
    /// `KDF.Extract(joiner_secret, psk_secret)`: the unnamed node of the §8
    /// diagram from which `welcome_secret` and `epoch_secret` are derived.
    MemberSecret
);
secret_type!(
    /// `welcome_secret`: keys the encrypted GroupInfo of a Welcome (§8, §12.4.3.1).
    WelcomeSecret
);
secret_type!(
    /// `epoch_secret`: the root of an epoch's derived secrets (§8).
    EpochSecret
);
secret_type!(
    /// `sender_data_secret`: keys the SenderData of PrivateMessages (§6.3.2).
    SenderDataSecret
);
secret_type!(
    /// `encryption_secret`: the root of the secret tree (§9).
    EncryptionSecret
);
secret_type!(
    /// `exporter_secret`: input of MLS-Exporter (§8.5).
    ExporterSecret
);
secret_type!(
    /// `external_secret`: seeds the group's external HPKE key pair (§8, §8.3).
    ExternalSecret
);
secret_type!(
    /// `confirmation_key`: keys the confirmation tag of Commits and GroupInfo (§6.1, §8).
    ConfirmationKey
);
secret_type!(
    /// `membership_key`: keys the membership tag of PublicMessages (§6.2, §8).
    MembershipKey
);
secret_type!(
    /// `resumption_psk`: this epoch's PSK for later resumption (§8.6).
    ResumptionPsk
);
secret_type!(
    /// `epoch_authenticator`: lets members compare their view of the group (§8.7).
    EpochAuthenticator
);
secret_type!(
    /// A per-leaf tree or ratchet secret of the secret tree (§9).
    TreeSecret
);
secret_type!(
    /// An AEAD key (`AEAD.Nk` bytes): ratchet key (§9.1), sender-data key
    /// (§6.3.2) or welcome key (§12.4.3.1).
    AeadKey
);
secret_type!(
    /// An AEAD nonce (`AEAD.Nn` bytes), deleted with its key (§9.2).
    AeadNonce
);

impl AeadNonce {
    /// The nonce with the first four bytes XORed with a `reuse_guard`
    /// (RFC 9420 §6.3.1). A nonce shorter than 4 bytes (never the case for a
    /// registered suite) is returned with only its bytes XORed.
    pub fn with_reuse_guard(&self, reuse_guard: [u8; 4]) -> AeadNonce {
        let mut bytes = self.0.clone().into_zeroizing();
        for (b, g) in bytes.iter_mut().zip(reuse_guard) {
            *b ^= g;
        }
        AeadNonce(Secret::from(bytes))
    }
}

/// The AEAD key and nonce for one message (a generation of a sender ratchet,
/// §9.1) or for the sender data (§6.3.2) or the Welcome GroupInfo (§12.4.3.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageKey {
    /// The AEAD key.
    pub key: AeadKey,
    /// The AEAD nonce, before any reuse guard is applied.
    pub nonce: AeadNonce,
}

impl ZeroizeOnDrop for MessageKey {}

/// `KDF.Nh` of the suite as the `uint16` length of a KDFLabel.
pub(crate) fn nh(cs: &dyn CipherSuiteProvider) -> u16 {
    // Nh is 32, 48 or 64 for every registered suite (RFC 9420 §17.1).
    u16::try_from(cs.cipher_suite().hash_len()).unwrap_or(u16::MAX)
}

/// `AEAD.Nk` of the suite as a `uint16` length.
pub(crate) fn nk(cs: &dyn CipherSuiteProvider) -> u16 {
    u16::try_from(cs.cipher_suite().aead_key_len()).unwrap_or(u16::MAX)
}

/// `AEAD.Nn` of the suite as a `uint16` length.
pub(crate) fn nn(cs: &dyn CipherSuiteProvider) -> u16 {
    u16::try_from(cs.cipher_suite().aead_nonce_len()).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_zeroize_on_drop<T: ZeroizeOnDrop>() {}

    #[test]
    fn every_secret_type_zeroizes_on_drop() {
        assert_zeroize_on_drop::<InitSecret>();
        assert_zeroize_on_drop::<CommitSecret>();
        assert_zeroize_on_drop::<PskSecret>();
        assert_zeroize_on_drop::<JoinerSecret>();
        assert_zeroize_on_drop::<MemberSecret>();
        assert_zeroize_on_drop::<WelcomeSecret>();
        assert_zeroize_on_drop::<EpochSecret>();
        assert_zeroize_on_drop::<SenderDataSecret>();
        assert_zeroize_on_drop::<EncryptionSecret>();
        assert_zeroize_on_drop::<ExporterSecret>();
        assert_zeroize_on_drop::<ExternalSecret>();
        assert_zeroize_on_drop::<ConfirmationKey>();
        assert_zeroize_on_drop::<MembershipKey>();
        assert_zeroize_on_drop::<ResumptionPsk>();
        assert_zeroize_on_drop::<EpochAuthenticator>();
        assert_zeroize_on_drop::<TreeSecret>();
        assert_zeroize_on_drop::<AeadKey>();
        assert_zeroize_on_drop::<AeadNonce>();
        assert_zeroize_on_drop::<MessageKey>();
        assert_zeroize_on_drop::<Secret>();
    }

    #[test]
    fn debug_is_redacted() {
        let s = EpochSecret::from_slice(&[0xab; 32]);
        let shown = format!("{s:?}");
        assert!(!shown.contains("ab") && !shown.contains("171"), "{shown}");
        assert!(shown.contains("EpochSecret"));
    }

    #[test]
    fn reuse_guard_xors_first_four_bytes() {
        let n = AeadNonce::from_slice(&[0xff; 12]);
        let g = n.with_reuse_guard([0x0f, 0xf0, 0x00, 0xff]);
        let mut want = vec![0xf0, 0x0f, 0xff, 0x00];
        want.extend_from_slice(&[0xff; 8]);
        assert_eq!(g.as_bytes(), &want[..]);
        // The original is untouched.
        assert_eq!(n.as_bytes(), &[0xff; 12]);
    }
}
