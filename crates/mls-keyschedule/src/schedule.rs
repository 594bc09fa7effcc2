//! The epoch key schedule (RFC 9420 §8) and the Welcome key (§12.4.3.1).
//!
//! ```text
//!                     init_secret_[n-1]
//!                           |            (salt)
//!     commit_secret --> KDF.Extract
//!                           |
//!                   ExpandWithLabel(., "joiner", GroupContext_[n], KDF.Nh)
//!                           |
//!                      joiner_secret
//!                           |            (salt)
//! psk_secret (or 0) --> KDF.Extract                 = MemberSecret
//!                           +--> DeriveSecret(., "welcome") = welcome_secret
//!                   ExpandWithLabel(., "epoch", GroupContext_[n], KDF.Nh)
//!                           |
//!                      epoch_secret
//!                           +--> DeriveSecret(., <label>) = <secret>
//!                     DeriveSecret(., "init") = init_secret_[n]
//! ```
//!
//! Each step consumes its input by value where the RFC's deletion schedule
//! (§9.2) says the input is consumed, so the old secret is dropped (and
//! zeroized) as soon as the next one exists.

use mls_crypto::labeled::{derive_secret, expand_with_label};
use mls_crypto::{CipherSuiteProvider, Secret};

use crate::secrets::{nh, nk, nn};
use crate::{
    AeadKey, AeadNonce, CommitSecret, ConfirmationKey, EncryptionSecret, EpochAuthenticator,
    EpochSecret, ExporterSecret, ExternalSecret, InitSecret, JoinerSecret, MemberSecret,
    MembershipKey, MessageKey, PskSecret, Result, ResumptionPsk, SenderDataSecret, WelcomeSecret,
};

impl CommitSecret {
    /// The all-zero commit secret of a Commit without a path (§8: "0" of
    /// length `KDF.Nh`).
    pub fn zero(cs: &dyn CipherSuiteProvider) -> Self {
        CommitSecret::new(Secret::zero(cs.cipher_suite().hash_len()))
    }
}

impl PskSecret {
    /// The all-zero PSK secret used when no PSK is injected (§8.4).
    pub fn zero(cs: &dyn CipherSuiteProvider) -> Self {
        PskSecret::new(Secret::zero(cs.cipher_suite().hash_len()))
    }
}

impl InitSecret {
    /// A fresh random init secret of `KDF.Nh` bytes.
    pub fn random(cs: &dyn CipherSuiteProvider) -> Result<Self> {
        Ok(InitSecret::new(Secret::new(
            cs.random_bytes(cs.cipher_suite().hash_len())?,
        )))
    }
}

impl JoinerSecret {
    /// `ExpandWithLabel(KDF.Extract(init_secret, commit_secret), "joiner",
    /// GroupContext_[n], KDF.Nh)` (§8). `group_context` is the serialized
    /// GroupContext of the new epoch.
    pub fn derive(
        cs: &dyn CipherSuiteProvider,
        init_secret: &InitSecret,
        commit_secret: &CommitSecret,
        group_context: &[u8],
    ) -> Result<Self> {
        let extracted = cs.kdf_extract(init_secret.as_bytes(), commit_secret.as_bytes());
        Ok(JoinerSecret::new(expand_with_label(
            cs,
            extracted.as_bytes(),
            b"joiner",
            group_context,
            nh(cs),
        )?))
    }

    /// `KDF.Extract(joiner_secret, psk_secret)` (§8).
    pub fn member_secret(&self, cs: &dyn CipherSuiteProvider, psk: &PskSecret) -> MemberSecret {
        MemberSecret::new(cs.kdf_extract(self.as_bytes(), psk.as_bytes()))
    }
}

impl MemberSecret {
    /// `welcome_secret = DeriveSecret(member, "welcome")` (§8).
    pub fn welcome_secret(&self, cs: &dyn CipherSuiteProvider) -> Result<WelcomeSecret> {
        Ok(WelcomeSecret::new(derive_secret(
            cs,
            self.as_bytes(),
            b"welcome",
        )?))
    }

    /// `epoch_secret = ExpandWithLabel(member, "epoch", GroupContext_[n],
    /// KDF.Nh)` (§8).
    pub fn epoch_secret(
        &self,
        cs: &dyn CipherSuiteProvider,
        group_context: &[u8],
    ) -> Result<EpochSecret> {
        Ok(EpochSecret::new(expand_with_label(
            cs,
            self.as_bytes(),
            b"epoch",
            group_context,
            nh(cs),
        )?))
    }
}

impl WelcomeSecret {
    /// The key and nonce that encrypt the GroupInfo of a Welcome (§12.4.3.1):
    /// `ExpandWithLabel(welcome_secret, "key", "", AEAD.Nk)` and
    /// `ExpandWithLabel(welcome_secret, "nonce", "", AEAD.Nn)`.
    pub fn key_nonce(&self, cs: &dyn CipherSuiteProvider) -> Result<MessageKey> {
        Ok(MessageKey {
            key: AeadKey::new(expand_with_label(cs, self.as_bytes(), b"key", &[], nk(cs))?),
            nonce: AeadNonce::new(expand_with_label(
                cs,
                self.as_bytes(),
                b"nonce",
                &[],
                nn(cs),
            )?),
        })
    }
}

/// The secrets derived from one epoch secret (§8, table "Epoch-Derived
/// Secrets"), plus the init secret of the next epoch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochSecrets {
    /// `DeriveSecret(epoch_secret, "sender data")`.
    pub sender_data_secret: SenderDataSecret,
    /// `DeriveSecret(epoch_secret, "encryption")`: the secret-tree root.
    pub encryption_secret: EncryptionSecret,
    /// `DeriveSecret(epoch_secret, "exporter")`.
    pub exporter_secret: ExporterSecret,
    /// `DeriveSecret(epoch_secret, "external")`.
    pub external_secret: ExternalSecret,
    /// `DeriveSecret(epoch_secret, "confirm")`.
    pub confirmation_key: ConfirmationKey,
    /// `DeriveSecret(epoch_secret, "membership")`.
    pub membership_key: MembershipKey,
    /// `DeriveSecret(epoch_secret, "resumption")`.
    pub resumption_psk: ResumptionPsk,
    /// `DeriveSecret(epoch_secret, "authentication")`.
    pub epoch_authenticator: EpochAuthenticator,
    /// `DeriveSecret(epoch_secret, "init")`: the next epoch's init secret.
    pub init_secret: InitSecret,
}

impl EpochSecret {
    /// A fresh random epoch secret of `KDF.Nh` bytes, for the first epoch of
    /// a new group (§11).
    pub fn random(cs: &dyn CipherSuiteProvider) -> Result<Self> {
        Ok(EpochSecret::new(Secret::new(
            cs.random_bytes(cs.cipher_suite().hash_len())?,
        )))
    }

    /// Derive every epoch secret (§8). Consumes the epoch secret: once they
    /// exist it must be deleted (§9.2).
    pub fn derive_secrets(self, cs: &dyn CipherSuiteProvider) -> Result<EpochSecrets> {
        let d = |label: &[u8]| derive_secret(cs, self.as_bytes(), label);
        Ok(EpochSecrets {
            sender_data_secret: SenderDataSecret::new(d(b"sender data")?),
            encryption_secret: EncryptionSecret::new(d(b"encryption")?),
            exporter_secret: ExporterSecret::new(d(b"exporter")?),
            external_secret: ExternalSecret::new(d(b"external")?),
            confirmation_key: ConfirmationKey::new(d(b"confirm")?),
            membership_key: MembershipKey::new(d(b"membership")?),
            resumption_psk: ResumptionPsk::new(d(b"resumption")?),
            epoch_authenticator: EpochAuthenticator::new(d(b"authentication")?),
            init_secret: InitSecret::new(d(b"init")?),
        })
    }
}

/// Everything one run of the key schedule produces for a new epoch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochKeys {
    /// The joiner secret (sent to new members in the Welcome's GroupSecrets).
    pub joiner_secret: JoinerSecret,
    /// The welcome secret (keys the Welcome's encrypted GroupInfo).
    pub welcome_secret: WelcomeSecret,
    /// The epoch-derived secrets and the next init secret.
    pub secrets: EpochSecrets,
}

impl EpochKeys {
    /// The full key schedule of a member moving to a new epoch (§8): from the
    /// previous epoch's init secret, this Commit's commit secret and PSK
    /// secret, and the serialized GroupContext of the new epoch.
    ///
    /// The three input secrets are consumed and dropped (zeroized) here,
    /// as the deletion schedule requires (§9.2).
    pub fn derive(
        cs: &dyn CipherSuiteProvider,
        init_secret: InitSecret,
        commit_secret: CommitSecret,
        psk_secret: PskSecret,
        group_context: &[u8],
    ) -> Result<Self> {
        let joiner_secret = JoinerSecret::derive(cs, &init_secret, &commit_secret, group_context)?;
        drop(init_secret);
        drop(commit_secret);
        Self::from_joiner(cs, joiner_secret, psk_secret, group_context)
    }

    /// The key schedule of a new member joining by Welcome (§8, §12.4.3.1):
    /// from the joiner secret of the GroupSecrets, the PSK secret and the
    /// serialized GroupContext of the GroupInfo. (A joiner who still has to
    /// decrypt the GroupInfo first uses [`JoinerSecret::member_secret`] and
    /// [`MemberSecret::welcome_secret`].)
    pub fn from_joiner(
        cs: &dyn CipherSuiteProvider,
        joiner_secret: JoinerSecret,
        psk_secret: PskSecret,
        group_context: &[u8],
    ) -> Result<Self> {
        let member = joiner_secret.member_secret(cs, &psk_secret);
        drop(psk_secret);
        let welcome_secret = member.welcome_secret(cs)?;
        let epoch_secret = member.epoch_secret(cs, group_context)?;
        drop(member);
        Ok(EpochKeys {
            joiner_secret,
            welcome_secret,
            secrets: epoch_secret.derive_secrets(cs)?,
        })
    }
}
