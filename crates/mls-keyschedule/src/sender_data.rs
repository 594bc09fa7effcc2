//! The sender-data key and nonce (RFC 9420 §6.3.2).
//!
//! ```text
//! ciphertext_sample = ciphertext[0..KDF.Nh-1]   (the whole ciphertext if shorter)
//! sender_data_key   = ExpandWithLabel(sender_data_secret, "key",   ciphertext_sample, AEAD.Nk)
//! sender_data_nonce = ExpandWithLabel(sender_data_secret, "nonce", ciphertext_sample, AEAD.Nn)
//! ```

use mls_crypto::CipherSuiteProvider;
use mls_crypto::labeled::expand_with_label;

use crate::secrets::{nk, nn};
use crate::{AeadKey, AeadNonce, MessageKey, Result, SenderDataSecret};

impl SenderDataSecret {
    /// The key and nonce that protect a PrivateMessage's SenderData, from
    /// the message's content `ciphertext` (§6.3.2). A ciphertext shorter than
    /// `KDF.Nh` is used whole (V-6.3.2-05).
    pub fn key_nonce(&self, cs: &dyn CipherSuiteProvider, ciphertext: &[u8]) -> Result<MessageKey> {
        let sample = ciphertext
            .get(..cs.cipher_suite().hash_len())
            .unwrap_or(ciphertext);
        Ok(MessageKey {
            key: AeadKey::new(expand_with_label(
                cs,
                self.as_bytes(),
                b"key",
                sample,
                nk(cs),
            )?),
            nonce: AeadNonce::new(expand_with_label(
                cs,
                self.as_bytes(),
                b"nonce",
                sample,
                nn(cs),
            )?),
        })
    }
}
