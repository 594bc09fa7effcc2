//! Check of the official `key-schedule.json` (RFC 9420 §8, §8.1, §8.3, §8.5,
//! §8.7): the epoch chain, every derived secret, `external_pub` and the
//! exporter, over five consecutive epochs per suite.

use mls_codec::{CipherSuiteId, GroupContext, ProtocolVersion, VLBytes};
use mls_crypto::{CipherSuite, CryptoProvider};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_keyschedule::{CommitSecret, EpochKeys, InitSecret, PskSecret};
use mls_vectors::{Case, CaseError, CaseResult, ensure_bytes_eq};

/// Check one case of `key-schedule.json`.
pub fn check(case: &Case<'_>) -> CaseResult {
    let suite_id = case.cipher_suite()?;
    let suite = CipherSuite::from_id(suite_id)
        .map_err(|_| CaseError::UnsupportedSuite(u64::from(suite_id)))?;
    let provider = RustCryptoProvider::new();
    let cs = provider
        .cipher_suite_provider(suite)
        .ok_or(CaseError::UnsupportedSuite(u64::from(suite_id)))?;
    let cs = cs.as_ref();

    let group_id = case.bytes("group_id")?;
    let mut init_secret = InitSecret::from_slice(&case.bytes("initial_init_secret")?);
    for (epoch, e) in (0u64..).zip(case.array("epochs")?) {
        let what = |field: &str| format!("epoch {epoch}: {field}");
        // RFC 9420 §8.1: GroupContext_[epoch].
        let group_context = mls_codec::encode(&GroupContext {
            version: ProtocolVersion::MLS10,
            cipher_suite: CipherSuiteId(suite_id),
            group_id: VLBytes::new(group_id.clone()),
            epoch,
            tree_hash: VLBytes::new(e.bytes("tree_hash")?),
            confirmed_transcript_hash: VLBytes::new(e.bytes("confirmed_transcript_hash")?),
            extensions: Vec::new(),
        })?;
        ensure_bytes_eq(
            &what("group_context"),
            &group_context,
            &e.bytes("group_context")?,
        )?;

        let keys = EpochKeys::derive(
            cs,
            init_secret,
            CommitSecret::from_slice(&e.bytes("commit_secret")?),
            PskSecret::from_slice(&e.bytes("psk_secret")?),
            &group_context,
        )?;
        let s = &keys.secrets;
        let expected: [(&str, &[u8]); 11] = [
            ("joiner_secret", keys.joiner_secret.as_bytes()),
            ("welcome_secret", keys.welcome_secret.as_bytes()),
            ("init_secret", s.init_secret.as_bytes()),
            ("sender_data_secret", s.sender_data_secret.as_bytes()),
            ("encryption_secret", s.encryption_secret.as_bytes()),
            ("exporter_secret", s.exporter_secret.as_bytes()),
            ("epoch_authenticator", s.epoch_authenticator.as_bytes()),
            ("external_secret", s.external_secret.as_bytes()),
            ("confirmation_key", s.confirmation_key.as_bytes()),
            ("membership_key", s.membership_key.as_bytes()),
            ("resumption_psk", s.resumption_psk.as_bytes()),
        ];
        for (field, got) in expected {
            ensure_bytes_eq(&what(field), got, &e.bytes(field)?)?;
        }
        ensure_bytes_eq(
            &what("external_pub"),
            &s.external_secret.external_pub(cs)?,
            &e.bytes("external_pub")?,
        )?;

        // RFC 9420 §8.5. The vector's label is used as the literal text of
        // the JSON string (TEST-VECTORS.md §5 quirk); the context is hex.
        let exporter = e.object("exporter")?;
        let length = exporter.u16("length")?;
        let exported = s.exporter_secret.export(
            cs,
            exporter.str("label")?.as_bytes(),
            &exporter.bytes("context")?,
            length,
        )?;
        ensure_bytes_eq(
            &what("exporter.secret"),
            exported.as_bytes(),
            &exporter.bytes("secret")?,
        )?;

        init_secret = keys.secrets.init_secret.clone();
    }
    Ok(())
}
