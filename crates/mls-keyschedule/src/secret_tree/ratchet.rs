//! One sender ratchet (RFC 9420 §9.1) with its out-of-order window (§15.3)
//! and deletion schedule (§9.2).
//!
//! ```text
//! ratchet_secret_[j] --> DeriveTreeSecret(., "nonce", j, AEAD.Nn) = nonce_[j]
//!                    --> DeriveTreeSecret(., "key", j, AEAD.Nk)   = key_[j]
//!                    --> DeriveTreeSecret(., "secret", j, KDF.Nh) = ratchet_secret_[j+1]
//! ```
//!
//! The ratchet holds the secret of its next unused generation and, for
//! out-of-order delivery, the keys of at most `out_of_order_tolerance`
//! skipped generations just below the newest one received. Every other key
//! and ratchet secret is deleted as soon as it is consumed or falls out of
//! the window.

use std::collections::BTreeMap;

use mls_crypto::CipherSuiteProvider;
use mls_crypto::labeled::derive_tree_secret;

use super::SecretTreeConfig;
use super::bytes::{Reader, Writer};
use crate::secrets::{nh, nk, nn};
use crate::{AeadKey, AeadNonce, KeyScheduleError, MessageKey, Result, TreeSecret};

/// The handshake or application ratchet of one leaf (§9.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SenderRatchet {
    /// The generation of `secret`: the lowest generation never handed out
    /// by advancing the ratchet.
    next_generation: u32,
    /// `ratchet_secret_[next_generation]`; `None` once generation 2^32-1
    /// has been used (generations never wrap, V-9.1-06).
    secret: Option<TreeSecret>,
    /// Keys of skipped generations (all below `next_generation` and at or
    /// above `retained_from`), kept for out-of-order messages.
    skipped: BTreeMap<u32, MessageKey>,
    /// Generations below this were deleted without being used ("too old").
    retained_from: u32,
}

/// What the ratchet looked like when a change was planned; a change is only
/// applied to a ratchet that still looks the same. Every change alters it:
/// taking a skipped key shrinks `skipped`, advancing raises
/// `next_generation` or clears the secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RatchetMarker {
    next_generation: u32,
    skipped: usize,
    exhausted: bool,
}

/// A planned change of one ratchet: the state change that consuming one
/// generation's key makes (§9.2).
#[derive(Debug)]
pub(crate) enum RatchetChange {
    /// Delete the retained key of a skipped generation.
    TakeSkipped {
        before: RatchetMarker,
        generation: u32,
    },
    /// Move past `generation`: keep the keys of the skipped generations in
    /// the window, delete everything older.
    Advance {
        before: RatchetMarker,
        generation: u32,
        new_secret: Option<TreeSecret>,
        retained: Vec<(u32, MessageKey)>,
    },
}

/// `DeriveTreeSecret` key and nonce of generation `g` (§9.1).
fn message_key(cs: &dyn CipherSuiteProvider, secret: &TreeSecret, g: u32) -> Result<MessageKey> {
    Ok(MessageKey {
        key: AeadKey::new(derive_tree_secret(
            cs,
            secret.as_bytes(),
            b"key",
            g,
            nk(cs),
        )?),
        nonce: AeadNonce::new(derive_tree_secret(
            cs,
            secret.as_bytes(),
            b"nonce",
            g,
            nn(cs),
        )?),
    })
}

/// `ratchet_secret_[g+1] = DeriveTreeSecret(ratchet_secret_[g], "secret", g, KDF.Nh)`.
fn next_secret(cs: &dyn CipherSuiteProvider, secret: &TreeSecret, g: u32) -> Result<TreeSecret> {
    Ok(TreeSecret::new(derive_tree_secret(
        cs,
        secret.as_bytes(),
        b"secret",
        g,
        nh(cs),
    )?))
}

impl SenderRatchet {
    /// A ratchet at generation 0 from its root secret (§9).
    pub(crate) fn new(root: TreeSecret) -> Self {
        SenderRatchet {
            next_generation: 0,
            secret: Some(root),
            skipped: BTreeMap::new(),
            retained_from: 0,
        }
    }

    /// The next generation the ratchet would derive by advancing (the next
    /// generation to send with, for one's own leaf).
    pub fn next_generation(&self) -> u32 {
        self.next_generation
    }

    /// Whether every generation up to 2^32-1 has been used.
    pub fn is_exhausted(&self) -> bool {
        self.secret.is_none()
    }

    /// The skipped generations whose keys are still retained.
    pub fn retained_generations(&self) -> impl Iterator<Item = u32> + '_ {
        self.skipped.keys().copied()
    }

    /// Generations below this one can no longer be decrypted (deleted unused).
    pub fn retained_from(&self) -> u32 {
        self.retained_from
    }

    /// The smallest encoding of a ratchet (no secret, no skipped keys).
    pub(super) const MIN_ENCODED_LEN: usize = 4 + 4 + 1 + 4;

    /// Append this ratchet to a stored state (see `persist`).
    pub(super) fn encode(&self, w: &mut Writer) {
        w.u32(self.next_generation);
        w.u32(self.retained_from);
        match &self.secret {
            Some(s) => {
                w.u8(1);
                w.secret(s.as_bytes());
            }
            None => w.u8(0),
        }
        w.count(self.skipped.len());
        for (g, key) in &self.skipped {
            w.u32(*g);
            w.secret(key.key.as_bytes());
            w.secret(key.nonce.as_bytes());
        }
    }

    /// Read a ratchet from a stored state, checking its invariants.
    pub(super) fn decode(r: &mut Reader<'_>) -> Result<Self> {
        let malformed = KeyScheduleError::MalformedState;
        let next_generation = r.u32()?;
        let retained_from = r.u32()?;
        let secret = match r.u8()? {
            0 => None,
            1 => Some(r.secret()?),
            _ => return Err(malformed("invalid secret presence flag")),
        };
        if secret.is_none() && next_generation != u32::MAX {
            return Err(malformed("exhausted ratchet below generation 2^32-1"));
        }
        let mut skipped = BTreeMap::new();
        let mut last = None;
        for _ in 0..r.count(6)? {
            let g = r.u32()?;
            if last.is_some_and(|l| l >= g) {
                return Err(malformed("skipped generations not ascending"));
            }
            last = Some(g);
            // A retained skipped key lies in [retained_from, next_generation).
            if g < retained_from || g >= next_generation {
                return Err(malformed("skipped generation outside the window"));
            }
            let key = AeadKey::new(r.secret()?.into_secret());
            let nonce = AeadNonce::new(r.secret()?.into_secret());
            skipped.insert(g, MessageKey { key, nonce });
        }
        Ok(SenderRatchet {
            next_generation,
            secret,
            skipped,
            retained_from,
        })
    }

    pub(crate) fn marker(&self) -> RatchetMarker {
        RatchetMarker {
            next_generation: self.next_generation,
            skipped: self.skipped.len(),
            exhausted: self.secret.is_none(),
        }
    }

    /// Plan the consumption of `generation` without changing anything:
    /// the key and nonce, and the change that [`SenderRatchet::apply`] makes.
    /// Rejections cost constant work (no ratchet step is taken before the
    /// distance check, V-9.1-03).
    pub(crate) fn lookup(
        &self,
        cs: &dyn CipherSuiteProvider,
        generation: u32,
        config: &SecretTreeConfig,
    ) -> Result<(MessageKey, RatchetChange)> {
        let before = self.marker();
        if let Some(key) = self.skipped.get(&generation) {
            return Ok((
                key.clone(),
                RatchetChange::TakeSkipped { before, generation },
            ));
        }
        let secret = match &self.secret {
            Some(secret) if generation >= self.next_generation => secret,
            _ if generation < self.retained_from => {
                return Err(KeyScheduleError::GenerationTooOld(generation));
            }
            _ => return Err(KeyScheduleError::GenerationAlreadyUsed(generation)),
        };
        if generation - self.next_generation > config.max_forward_distance {
            return Err(KeyScheduleError::GenerationTooFarAhead {
                generation,
                next_generation: self.next_generation,
                max_forward_distance: config.max_forward_distance,
            });
        }
        // Only the skipped generations inside the out-of-order window get a
        // key; the others are stepped over and deleted at once.
        let keep_from = generation
            .saturating_sub(config.out_of_order_tolerance)
            .max(self.next_generation);
        let mut retained = Vec::new();
        let mut current = secret.clone();
        for g in self.next_generation..generation {
            if g >= keep_from {
                retained.push((g, message_key(cs, &current, g)?));
            }
            current = next_secret(cs, &current, g)?;
        }
        let key = message_key(cs, &current, generation)?;
        let new_secret = if generation == u32::MAX {
            None
        } else {
            Some(next_secret(cs, &current, generation)?)
        };
        Ok((
            key,
            RatchetChange::Advance {
                before,
                generation,
                new_secret,
                retained,
            },
        ))
    }

    /// Apply a planned change. Fails with [`KeyScheduleError::StaleToken`],
    /// changing nothing, unless the ratchet is still as it was planned on.
    pub(crate) fn apply(&mut self, change: RatchetChange, config: &SecretTreeConfig) -> Result<()> {
        match change {
            RatchetChange::TakeSkipped { before, generation } => {
                if before != self.marker() || !self.skipped.contains_key(&generation) {
                    return Err(KeyScheduleError::StaleToken);
                }
                self.skipped.remove(&generation);
            }
            RatchetChange::Advance {
                before,
                generation,
                new_secret,
                retained,
            } => {
                if before != self.marker() || generation < self.next_generation {
                    return Err(KeyScheduleError::StaleToken);
                }
                self.next_generation = generation.saturating_add(1);
                self.secret = new_secret;
                self.skipped.extend(retained);
                self.retained_from = self
                    .retained_from
                    .max(generation.saturating_sub(config.out_of_order_tolerance));
                let kept = self.skipped.split_off(&self.retained_from);
                self.skipped = kept;
            }
        }
        Ok(())
    }

    /// The key of the next generation for sending, advancing the ratchet at
    /// once (the key is the caller's to use exactly once, §9.1).
    pub(crate) fn next_for_sending(
        &mut self,
        cs: &dyn CipherSuiteProvider,
    ) -> Result<(u32, MessageKey)> {
        let secret = self
            .secret
            .as_ref()
            .ok_or(KeyScheduleError::RatchetExhausted)?;
        let generation = self.next_generation;
        let key = message_key(cs, secret, generation)?;
        let new_secret = if generation == u32::MAX {
            None
        } else {
            Some(next_secret(cs, secret, generation)?)
        };
        self.secret = new_secret;
        self.next_generation = generation.saturating_add(1);
        self.retained_from = self.next_generation;
        self.skipped.clear();
        Ok((generation, key))
    }
}

#[cfg(test)]
mod tests {
    use mls_crypto::{CipherSuite, CryptoProvider};
    use mls_crypto_rustcrypto::RustCryptoProvider;

    use super::*;

    /// A ratchet positioned just below the end of the generation space.
    fn near_end(cs: &dyn CipherSuiteProvider) -> SenderRatchet {
        SenderRatchet {
            next_generation: u32::MAX - 1,
            secret: Some(TreeSecret::from_slice(&vec![
                1;
                cs.cipher_suite().hash_len()
            ])),
            skipped: BTreeMap::new(),
            retained_from: 0,
        }
    }

    #[test]
    fn generations_never_wrap() {
        // V-9.1-06.
        let provider = RustCryptoProvider::new();
        let cs = provider
            .cipher_suite_provider(CipherSuite::ALL[0])
            .expect("suite 1");
        let cs = cs.as_ref();
        let config = SecretTreeConfig::default();

        let mut sender = near_end(cs);
        assert_eq!(
            sender.next_for_sending(cs).map(|(g, _)| g),
            Ok(u32::MAX - 1)
        );
        assert_eq!(sender.next_for_sending(cs).map(|(g, _)| g), Ok(u32::MAX));
        assert!(sender.is_exhausted());
        assert_eq!(
            sender.next_for_sending(cs).map(|(g, _)| g),
            Err(KeyScheduleError::RatchetExhausted)
        );

        let mut receiver = near_end(cs);
        let (_, change) = receiver
            .lookup(cs, u32::MAX, &config)
            .expect("last generation");
        receiver.apply(change, &config).expect("apply");
        assert!(receiver.is_exhausted());
        assert_eq!(
            receiver.retained_generations().collect::<Vec<_>>(),
            [u32::MAX - 1]
        );
        let before = receiver.clone();
        assert_eq!(
            receiver.lookup(cs, u32::MAX, &config).map(|_| ()),
            Err(KeyScheduleError::GenerationAlreadyUsed(u32::MAX))
        );
        assert_eq!(receiver, before);
        // The skipped key below the end is still usable once.
        let (_, change) = receiver.lookup(cs, u32::MAX - 1, &config).expect("skipped");
        receiver.apply(change, &config).expect("apply");
        assert_eq!(receiver.retained_generations().count(), 0);
    }

    #[test]
    fn keys_match_the_rfc_derivation() {
        // RFC 9420 §9.1: key_[1] = DeriveTreeSecret(DeriveTreeSecret(s, "secret", 0), "key", 1).
        let provider = RustCryptoProvider::new();
        let cs = provider
            .cipher_suite_provider(CipherSuite::ALL[0])
            .expect("suite 1");
        let cs = cs.as_ref();
        let root = TreeSecret::from_slice(&[3; 32]);
        let s1 = derive_tree_secret(cs, root.as_bytes(), b"secret", 0, 32).expect("derive");
        let k1 = derive_tree_secret(cs, s1.as_bytes(), b"key", 1, 16).expect("derive");
        let n1 = derive_tree_secret(cs, s1.as_bytes(), b"nonce", 1, 12).expect("derive");
        let r = SenderRatchet::new(root);
        let (key, _) = r
            .lookup(cs, 1, &SecretTreeConfig::default())
            .expect("lookup");
        assert_eq!(key.key.as_bytes(), k1.as_bytes());
        assert_eq!(key.nonce.as_bytes(), n1.as_bytes());
    }
}
