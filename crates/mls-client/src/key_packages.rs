//! The client's KeyPackages (RFC 9420 §10, §16.8; GUIDANCE G-22 to G-25):
//! made with the client's identity, their private parts stored before the
//! public part is handed out, single-use ones deleted by the join that uses
//! them (in that join's write, see [`crate::Client::join`]), one
//! last-resort one kept and rotated, expired ones deleted.

use std::sync::atomic::Ordering;

use mls_codec::KeyPackage;
use mls_group::key_package::KeyPackageBuilder;
use mls_group::storage::KeyPackageRecord;

use crate::client::Client;
use crate::error::Result;

impl Client {
    /// Bring the stored KeyPackages to the policy
    /// ([`crate::KeyPackageSettings`]) and return the new public
    /// KeyPackages, which the application must upload to its Delivery
    /// Service (each is stored with its private keys before it is returned):
    ///
    /// 1. every KeyPackage whose lifetime is over is deleted (G-24);
    /// 2. if fewer than `low_water` single-use ones are left, new ones are
    ///    made up to `target` (G-23: replenish);
    /// 3. with `last_resort` on, a new last-resort KeyPackage is made when
    ///    there is none, when a join used the current one since it was
    ///    made, or when it is older than `last_resort_rotation`. The older
    ///    ones stay stored until they expire: the Delivery Service may
    ///    still hand them out (RFC 9420 §16.8).
    ///
    /// Returns an empty list when nothing is to be published. A crash after
    /// the call and before the upload leaves KeyPackages that no Welcome
    /// will name; they expire like the others. The "used" mark of the
    /// last-resort KeyPackage lives in memory: after a restart, one used
    /// before is rotated by age only.
    pub fn key_packages_to_publish(&self) -> Result<Vec<KeyPackage>> {
        let settings = self.core.key_packages;
        let now = self.core.config.clock.now();
        let store = &self.core.store;
        let mut ordinary = 0;
        let mut newest_last_resort: Option<u64> = None;
        for (reference, last_resort, created_at) in store.key_package_refs()? {
            if created_at.saturating_add(settings.lifetime) < now {
                store.delete_key_package(&reference)?;
            } else if last_resort {
                newest_last_resort = newest_last_resort.max(Some(created_at));
            } else {
                ordinary += 1;
            }
        }
        let mut published = Vec::new();
        if ordinary < settings.low_water {
            for _ in ordinary..settings.target {
                published.push(self.make_key_package(false, now)?);
            }
        }
        if settings.last_resort {
            let used = self.core.last_resort_used.load(Ordering::SeqCst);
            let due = newest_last_resort
                .is_none_or(|c| c.saturating_add(settings.last_resort_rotation) <= now);
            if used || due {
                published.push(self.make_key_package(true, now)?);
                self.core.last_resort_used.store(false, Ordering::SeqCst);
            }
        }
        Ok(published)
    }

    /// Make one more single-use KeyPackage, outside the policy (e.g. for a
    /// Delivery Service that asks for one), stored before it is returned.
    pub fn new_key_package(&self) -> Result<KeyPackage> {
        self.make_key_package(false, self.core.config.clock.now())
    }

    fn make_key_package(&self, last_resort: bool, now: u64) -> Result<KeyPackage> {
        // RFC 9420 §13: the application's own proposal and extension types
        // are listed in the capabilities, or no group may use them with us.
        let mut builder = KeyPackageBuilder::new()
            .clock(self.core.config.clock.clone())
            .validity_seconds(self.core.key_packages.lifetime)
            .advertise(&self.core.config.custom);
        if last_resort {
            builder = builder.last_resort();
        }
        let bundle = builder.build(
            self.core.cs.as_ref(),
            self.core.credential.clone(),
            self.core.signer.as_ref(),
        )?;
        // G-39: the pool after the KeyPackage's draws is stored before the
        // KeyPackage (crate::entropy: never behind a stored output).
        if let Some(pool) = &self.core.pool {
            pool.write(self.core.store.as_ref())?;
        }
        self.core.store.insert_key_package(KeyPackageRecord {
            reference: bundle.reference().as_bytes().to_vec(),
            bundle: bundle.to_bytes()?,
            last_resort,
            created_at: now,
        })?;
        Ok(bundle.key_package().clone())
    }
}
