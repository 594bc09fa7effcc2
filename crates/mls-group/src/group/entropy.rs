//! The group's contribution to the client's entropy pool (GUIDANCE G-39,
//! `docs/entropy-pool.md`): a per-member value of the current epoch, from
//! the exporter (RFC 9420 §8.5) because the epoch secret itself is deleted
//! once the epoch's secrets are derived (G-08).

use mls_crypto::entropy_pool::{EntropyPool, GROUP_ABSORB_LABEL};
use mls_crypto::{CryptoError, Secret};

use super::Group;

impl Group {
    /// `MLS-Exporter("internal_update", own leaf index (4 bytes, big-endian),
    /// Nh)` of the current epoch: different for every member of the epoch.
    pub fn entropy_contribution(&self) -> crate::Result<Secret> {
        let nh = u16::try_from(self.cs.cipher_suite().hash_len())
            .map_err(|_| CryptoError::EncodingFailed)?;
        let context = self.own_leaf().get().to_be_bytes();
        self.export_secret(GROUP_ABSORB_LABEL, &context, nh)
    }

    /// Absorb [`Group::entropy_contribution`] into `pool`. Call it after
    /// joining from a Welcome and after merging a Commit of another member
    /// (`CommitInfo::own_commit` false); own Commits add nothing the pool
    /// does not already know.
    pub fn absorb_epoch_entropy(&self, pool: &EntropyPool) -> crate::Result<()> {
        let value = self.entropy_contribution()?;
        pool.absorb(value.as_bytes())?;
        Ok(())
    }
}
