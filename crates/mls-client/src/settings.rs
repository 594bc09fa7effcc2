//! How many KeyPackages a client keeps published, and for how long
//! (RFC 9420 §10, §16.8; GUIDANCE G-22 to G-25).

use crate::error::{ClientError, Result};

/// A day, in seconds.
const DAY: u64 = 24 * 60 * 60;

/// The KeyPackage policy of a [`crate::Client`].
///
/// [`crate::Client::key_packages_to_publish`] keeps `target` unused
/// single-use KeyPackages: when fewer than `low_water` are left it makes
/// enough new ones to reach `target` again. With `last_resort` on, one
/// last-resort KeyPackage (RFC 9420 §16.8: usable by more than one Welcome,
/// for when the Delivery Service has run out of single-use ones) is kept
/// and replaced once it was used or is older than `last_resort_rotation`
/// (G-23). Every KeyPackage is valid for `lifetime` seconds and deleted
/// from the store once that is over (G-24).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPackageSettings {
    /// Unused single-use KeyPackages to keep published.
    pub target: usize,
    /// Replenish when fewer than this many are left (at most `target`).
    pub low_water: usize,
    /// Seconds a KeyPackage is valid (its lifetime's `not_after`).
    pub lifetime: u64,
    /// Keep a last-resort KeyPackage.
    pub last_resort: bool,
    /// Seconds after which the last-resort KeyPackage is replaced even if
    /// unused (at most `lifetime`).
    pub last_resort_rotation: u64,
}

impl Default for KeyPackageSettings {
    /// 10 single-use KeyPackages, replenished below 5, valid 28 days; a
    /// last-resort one rotated weekly.
    fn default() -> Self {
        KeyPackageSettings {
            target: 10,
            low_water: 5,
            lifetime: 28 * DAY,
            last_resort: true,
            last_resort_rotation: 7 * DAY,
        }
    }
}

impl KeyPackageSettings {
    /// Check the settings are consistent.
    pub(crate) fn check(&self) -> Result<()> {
        if self.low_water > self.target {
            return Err(ClientError::KeyPackageSettings(
                "low_water must not exceed target",
            ));
        }
        if self.lifetime == 0 {
            return Err(ClientError::KeyPackageSettings(
                "a KeyPackage lifetime of 0 seconds",
            ));
        }
        if self.last_resort && self.last_resort_rotation > self.lifetime {
            return Err(ClientError::KeyPackageSettings(
                "the last-resort KeyPackage would expire before it is rotated",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_consistent() {
        assert!(KeyPackageSettings::default().check().is_ok());
    }

    #[test]
    fn inconsistent_settings_are_refused() {
        let s = KeyPackageSettings {
            low_water: 11,
            ..KeyPackageSettings::default()
        };
        assert!(matches!(s.check(), Err(ClientError::KeyPackageSettings(_))));
        let s = KeyPackageSettings {
            lifetime: 0,
            ..KeyPackageSettings::default()
        };
        assert!(s.check().is_err());
        let s = KeyPackageSettings {
            last_resort_rotation: 30 * DAY,
            ..KeyPackageSettings::default()
        };
        assert!(s.check().is_err());
        let s = KeyPackageSettings {
            last_resort: false,
            last_resort_rotation: 30 * DAY,
            ..KeyPackageSettings::default()
        };
        assert!(s.check().is_ok());
    }
}
