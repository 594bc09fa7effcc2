//! Confirmation tags (RFC 9420 §6.1, §8, §8.2) and membership tags (§6.2).
//!
//! Verification recomputes the MAC and compares it in constant time after
//! checking the length first (GUIDANCE G-40, VALIDATION X-04).

use mls_crypto::CipherSuiteProvider;
use mls_crypto::labeled::verify_mac;

use crate::{ConfirmationKey, KeyScheduleError, MembershipKey, Result};

impl ConfirmationKey {
    /// `confirmation_tag = MAC(confirmation_key, confirmed_transcript_hash)`
    /// (§6.1, §8.2). The tag is public (it travels in Commits and GroupInfo).
    pub fn tag(&self, cs: &dyn CipherSuiteProvider, confirmed_transcript_hash: &[u8]) -> Vec<u8> {
        cs.mac(self.as_bytes(), confirmed_transcript_hash)
    }

    /// Check a received confirmation tag (§6.1, §12.4.2, §12.4.3.1):
    /// [`KeyScheduleError::InvalidConfirmationTag`] unless it equals
    /// [`ConfirmationKey::tag`] (same length, constant-time comparison).
    pub fn verify(
        &self,
        cs: &dyn CipherSuiteProvider,
        confirmed_transcript_hash: &[u8],
        tag: &[u8],
    ) -> Result<()> {
        verify_mac(cs, self.as_bytes(), confirmed_transcript_hash, tag)
            .map_err(|_| KeyScheduleError::InvalidConfirmationTag)
    }
}

impl MembershipKey {
    /// `membership_tag = MAC(membership_key, AuthenticatedContentTBM)` over
    /// the serialized AuthenticatedContentTBM (§6.2).
    pub fn tag(&self, cs: &dyn CipherSuiteProvider, authenticated_content_tbm: &[u8]) -> Vec<u8> {
        cs.mac(self.as_bytes(), authenticated_content_tbm)
    }

    /// Check a received membership tag (§6.2):
    /// [`KeyScheduleError::InvalidMembershipTag`] unless it matches
    /// (same length, constant-time comparison).
    pub fn verify(
        &self,
        cs: &dyn CipherSuiteProvider,
        authenticated_content_tbm: &[u8],
        tag: &[u8],
    ) -> Result<()> {
        verify_mac(cs, self.as_bytes(), authenticated_content_tbm, tag)
            .map_err(|_| KeyScheduleError::InvalidMembershipTag)
    }
}
