//! The MLS exporter (RFC 9420 §8.5).

use mls_crypto::labeled::{derive_secret, expand_with_label};
use mls_crypto::{CipherSuiteProvider, Secret};

use crate::{ExporterSecret, Result};

impl ExporterSecret {
    /// `MLS-Exporter(label, context, length) =
    /// ExpandWithLabel(DeriveSecret(exporter_secret, label), "exported",
    /// Hash(context), length)` (§8.5). The label gets the `"MLS 1.0 "` prefix
    /// inside DeriveSecret like every other label. Fails when `length`
    /// exceeds `255 * KDF.Nh`.
    pub fn export(
        &self,
        cs: &dyn CipherSuiteProvider,
        label: &[u8],
        context: &[u8],
        length: u16,
    ) -> Result<Secret> {
        let derived = derive_secret(cs, self.as_bytes(), label)?;
        Ok(expand_with_label(
            cs,
            derived.as_bytes(),
            b"exported",
            &cs.hash(context),
            length,
        )?)
    }
}
