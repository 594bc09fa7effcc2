//! The secret fields shared by the current-state record ([`super::state`])
//! and its pending Commit ([`super::pending`]): HPKE private keys by node
//! and an epoch's secrets, each checked for length when read.

use mls_codec::Reader;
use mls_crypto::{HpkePrivateKey, Secret};
use mls_keyschedule::{
    ConfirmationKey, EncryptionSecret, EpochAuthenticator, EpochSecrets, ExporterSecret,
    ExternalSecret, InitSecret, MembershipKey, ResumptionPsk, SenderDataSecret,
};
use mls_treekem::NodeIndex;

use super::encode::{ReadExt, Writer};
use crate::{Result, StateError};

pub(super) fn write_private_keys(
    w: &mut Writer,
    keys: &[(NodeIndex, &HpkePrivateKey)],
) -> Result<()> {
    w.vector(|w| {
        for (node, key) in keys {
            w.u32(node.get());
            w.opaque(key.0.as_bytes())?;
        }
        Ok(())
    })
}

pub(super) fn read_private_keys(r: &mut Reader<'_>) -> Result<Vec<(NodeIndex, HpkePrivateKey)>> {
    let mut v = r.vector_("private keys")?;
    let mut out = Vec::new();
    while !v.is_empty() {
        let node = NodeIndex::new(v.u32_("private key node")?);
        let key = HpkePrivateKey(Secret::from_slice(v.opaque_("private key")?));
        out.push((node, key));
    }
    Ok(out)
}

pub(super) fn write_secrets(w: &mut Writer, s: &EpochSecrets) -> Result<()> {
    for bytes in [
        s.sender_data_secret.as_bytes(),
        s.encryption_secret.as_bytes(),
        s.exporter_secret.as_bytes(),
        s.external_secret.as_bytes(),
        s.confirmation_key.as_bytes(),
        s.membership_key.as_bytes(),
        s.resumption_psk.as_bytes(),
        s.epoch_authenticator.as_bytes(),
        s.init_secret.as_bytes(),
    ] {
        w.opaque(bytes)?;
    }
    Ok(())
}

/// Read one secret of exactly `nh` bytes.
pub(super) fn secret(r: &mut Reader<'_>, nh: usize, what: &'static str) -> Result<Secret> {
    let bytes = r.opaque_(what)?;
    if bytes.len() != nh {
        return Err(StateError::Corrupt(what).into());
    }
    Ok(Secret::from_slice(bytes))
}

pub(super) fn read_secrets(r: &mut Reader<'_>, nh: usize) -> Result<EpochSecrets> {
    Ok(EpochSecrets {
        sender_data_secret: SenderDataSecret::new(secret(r, nh, "sender data secret")?),
        encryption_secret: EncryptionSecret::new(secret(r, nh, "encryption secret")?),
        exporter_secret: ExporterSecret::new(secret(r, nh, "exporter secret")?),
        external_secret: ExternalSecret::new(secret(r, nh, "external secret")?),
        confirmation_key: ConfirmationKey::new(secret(r, nh, "confirmation key")?),
        membership_key: MembershipKey::new(secret(r, nh, "membership key")?),
        resumption_psk: ResumptionPsk::new(secret(r, nh, "resumption psk")?),
        epoch_authenticator: EpochAuthenticator::new(secret(r, nh, "epoch authenticator")?),
        init_secret: InitSecret::new(secret(r, nh, "init secret")?),
    })
}
