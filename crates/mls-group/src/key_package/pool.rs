//! Our own KeyPackages, kept by reference until used (RFC 9420 §10, §16.8;
//! GUIDANCE G-22 to G-25).

use std::collections::HashMap;

use mls_codec::{Credential, KeyPackage, LeafNodeSource};
use mls_crypto::{CipherSuiteProvider, Signer};

use super::{KeyPackageBuilder, KeyPackageBundle, KeyPackageRef};
use crate::{Misuse, Result};

/// An in-memory pool of our KeyPackage bundles.
///
/// Ordinary KeyPackages are single-use: [`KeyPackagePool::consume`] after a
/// join deletes the private keys, so a second Welcome to the same
/// KeyPackage finds nothing (V-12.4.3.1-23). One current last-resort
/// KeyPackage may be used any number of times; once used (or old) it
/// should be rotated ([`KeyPackagePool::rotate_last_resort`]), and the
/// member should update its leaf soon after joining with it (G-23). A
/// rotated last-resort KeyPackage stays usable until it expires or is
/// removed, since the Delivery Service may still hand it out.
///
/// The pool implements [`crate::welcome::KeyPackageLookup`], so it can be passed to
/// [`open_welcome`](crate::welcome::open_welcome) directly.
#[derive(Clone, Debug, Default)]
pub struct KeyPackagePool {
    ordinary: HashMap<KeyPackageRef, KeyPackageBundle>,
    last_resort: Option<KeyPackageBundle>,
    last_resort_used: bool,
    retired: HashMap<KeyPackageRef, KeyPackageBundle>,
}

impl KeyPackagePool {
    /// An empty pool.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a bundle. A last-resort bundle becomes the current last-resort
    /// KeyPackage; the previous one is retired (still found until it
    /// expires or is removed). A bundle whose `init_key` another held
    /// bundle already uses is refused (RFC 9420 §10, V-10-07: init keys
    /// are unique among our KeyPackages; this catches e.g. a repeated RNG
    /// seed).
    pub fn insert(&mut self, bundle: KeyPackageBundle) -> Result<()> {
        let init_key = &bundle.key_package().init_key;
        if self.iter().any(|b| &b.key_package().init_key == init_key) {
            return Err(Misuse::KeyPackageCreation(
                "init_key already used by another of our KeyPackages (V-10-07)",
            )
            .into());
        }
        if bundle.is_last_resort() {
            if let Some(old) = self.last_resort.replace(bundle) {
                self.retired.insert(old.reference().clone(), old);
            }
            self.last_resort_used = false;
        } else {
            self.ordinary.insert(bundle.reference().clone(), bundle);
        }
        Ok(())
    }

    /// Every bundle held.
    pub fn iter(&self) -> impl Iterator<Item = &KeyPackageBundle> {
        self.ordinary
            .values()
            .chain(self.last_resort.as_ref())
            .chain(self.retired.values())
    }

    /// The bundle with this reference, if we hold it.
    pub fn get(&self, reference: &KeyPackageRef) -> Option<&KeyPackageBundle> {
        self.ordinary
            .get(reference)
            .or_else(|| {
                self.last_resort
                    .as_ref()
                    .filter(|b| b.reference() == reference)
            })
            .or_else(|| self.retired.get(reference))
    }

    /// Mark the KeyPackage `reference` as used by a join and return its
    /// bundle: an ordinary one is removed from the pool (its private keys
    /// are dropped and zeroized with the returned value); the current
    /// last-resort one stays and is flagged for rotation.
    pub fn consume(&mut self, reference: &KeyPackageRef) -> Option<KeyPackageBundle> {
        if let Some(b) = self.ordinary.remove(reference) {
            return Some(b);
        }
        if let Some(b) = self
            .last_resort
            .as_ref()
            .filter(|b| b.reference() == reference)
        {
            self.last_resort_used = true;
            return Some(b.clone());
        }
        self.retired.get(reference).cloned()
    }

    /// Remove a bundle of any kind (e.g. withdrawn from the Delivery Service).
    pub fn remove(&mut self, reference: &KeyPackageRef) -> Option<KeyPackageBundle> {
        if let Some(b) = self.ordinary.remove(reference) {
            return Some(b);
        }
        if self
            .last_resort
            .as_ref()
            .is_some_and(|b| b.reference() == reference)
        {
            self.last_resort_used = false;
            return self.last_resort.take();
        }
        self.retired.remove(reference)
    }

    /// Drop every bundle whose lifetime ended before `now` (seconds since
    /// the Unix epoch; G-24: let initial keys expire). Returns how many.
    pub fn remove_expired(&mut self, now: u64) -> usize {
        let expired = |b: &KeyPackageBundle| not_after(b.key_package()) < now;
        let before = self.len();
        self.ordinary.retain(|_, b| !expired(b));
        self.retired.retain(|_, b| !expired(b));
        if self.last_resort.as_ref().is_some_and(expired) {
            self.last_resort = None;
            self.last_resort_used = false;
        }
        before - self.len()
    }

    /// The number of unused ordinary KeyPackages.
    pub fn ordinary_count(&self) -> usize {
        self.ordinary.len()
    }

    /// The number of bundles held (ordinary, current and retired last-resort).
    pub fn len(&self) -> usize {
        self.ordinary.len() + self.retired.len() + usize::from(self.last_resort.is_some())
    }

    /// Whether the pool holds no bundle.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The current last-resort bundle.
    pub fn last_resort(&self) -> Option<&KeyPackageBundle> {
        self.last_resort.as_ref()
    }

    /// Whether the current last-resort KeyPackage should be replaced: there
    /// is none, it was used, or it was created more than `max_age` seconds
    /// before `now` (its `not_before`; G-23).
    pub fn last_resort_needs_rotation(&self, now: u64, max_age: u64) -> bool {
        match &self.last_resort {
            None => true,
            Some(b) => {
                self.last_resort_used || not_before(b.key_package()).saturating_add(max_age) < now
            }
        }
    }

    /// Generate ordinary KeyPackages with `builder` until `target` unused
    /// ones are held (G-23: replenish). Returns the new public KeyPackages,
    /// to publish.
    pub fn replenish(
        &mut self,
        cs: &dyn CipherSuiteProvider,
        builder: &KeyPackageBuilder,
        credential: &Credential,
        signer: &dyn Signer,
        target: usize,
    ) -> Result<Vec<KeyPackage>> {
        let missing = target.saturating_sub(self.ordinary.len());
        let mut published = Vec::with_capacity(missing);
        for _ in 0..missing {
            let bundle = builder.build(cs, credential.clone(), signer)?;
            if bundle.is_last_resort() {
                return Err(Misuse::KeyPackageCreation(
                    "replenish needs a builder without the last-resort marker",
                )
                .into());
            }
            published.push(bundle.key_package().clone());
            self.insert(bundle)?;
        }
        Ok(published)
    }

    /// Create a new last-resort KeyPackage with `builder` (the last-resort
    /// marker is added with the draft extension type if the builder has
    /// none), make it current and retire the previous one. Returns the new
    /// public KeyPackage, to publish.
    pub fn rotate_last_resort(
        &mut self,
        cs: &dyn CipherSuiteProvider,
        builder: &KeyPackageBuilder,
        credential: &Credential,
        signer: &dyn Signer,
    ) -> Result<KeyPackage> {
        let bundle = builder
            .clone()
            .ensure_last_resort()
            .build(cs, credential.clone(), signer)?;
        let key_package = bundle.key_package().clone();
        self.insert(bundle)?;
        Ok(key_package)
    }
}

fn not_before(kp: &KeyPackage) -> u64 {
    match &kp.leaf_node.leaf_node_source {
        LeafNodeSource::KeyPackage(l) => l.not_before,
        _ => 0,
    }
}

fn not_after(kp: &KeyPackage) -> u64 {
    match &kp.leaf_node.leaf_node_source {
        LeafNodeSource::KeyPackage(l) => l.not_after,
        _ => 0,
    }
}
