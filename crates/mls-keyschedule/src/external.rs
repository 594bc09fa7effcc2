//! The external key pair and external initialization (RFC 9420 §8, §8.3).
//!
//! ```text
//! external_priv, external_pub = KEM.DeriveKeyPair(external_secret)
//! joiner:  kem_output, context = SetupBaseS(external_pub, "")
//! member:  context = SetupBaseR(kem_output, external_priv, "")
//! both:    init_secret = context.export("MLS 1.0 external init secret", KDF.Nh)
//! ```

use mls_crypto::{CipherSuiteProvider, HpkeKeyPair};

use crate::{ExternalSecret, InitSecret, Result};

/// The HPKE exporter context of external init (§8.3), used as written
/// (no further prefix).
pub const EXTERNAL_INIT_EXPORTER_CONTEXT: &[u8] = b"MLS 1.0 external init secret";

impl ExternalSecret {
    /// The group's external HPKE key pair, `KEM.DeriveKeyPair(external_secret)` (§8).
    pub fn key_pair(&self, cs: &dyn CipherSuiteProvider) -> Result<HpkeKeyPair> {
        Ok(cs.hpke_derive_key_pair(self.as_bytes())?)
    }

    /// `external_pub`, published in the GroupInfo's `external_pub` extension (§8, §12.4.3.2).
    pub fn external_pub(&self, cs: &dyn CipherSuiteProvider) -> Result<Vec<u8>> {
        Ok(self.key_pair(cs)?.public_key)
    }

    /// A member's side of external init (§8.3): the init secret carried by an
    /// ExternalInit proposal's `kem_output`. A malformed `kem_output` fails
    /// with the provider's HPKE error (V-8.3-02).
    pub fn external_init_secret(
        &self,
        cs: &dyn CipherSuiteProvider,
        kem_output: &[u8],
    ) -> Result<InitSecret> {
        let key_pair = self.key_pair(cs)?;
        let secret = cs.hpke_export_receiver(
            &key_pair.private_key,
            &key_pair.public_key,
            kem_output,
            &[],
            EXTERNAL_INIT_EXPORTER_CONTEXT,
            cs.cipher_suite().hash_len(),
        )?;
        Ok(InitSecret::new(secret))
    }
}

impl InitSecret {
    /// The joiner's side of external init (§8.3): encapsulate to the group's
    /// `external_pub` and export the init secret. Returns the `kem_output`
    /// for the ExternalInit proposal and the init secret for the key schedule.
    pub fn external_init(
        cs: &dyn CipherSuiteProvider,
        external_pub: &[u8],
    ) -> Result<(Vec<u8>, InitSecret)> {
        let (kem_output, secret) = cs.hpke_export_sender(
            external_pub,
            &[],
            EXTERNAL_INIT_EXPORTER_CONTEXT,
            cs.cipher_suite().hash_len(),
        )?;
        Ok((kem_output, InitSecret::new(secret)))
    }
}
