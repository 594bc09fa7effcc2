//! The data settings of a [`GroupConfig`] inside a group's state record
//! (format version 4 on): everything but the trait objects (clock,
//! credential validator, proposal policy), so that a group loads with the
//! settings it was saved with and [`crate::Group::load`] needs no
//! configuration.
//!
//! ```text
//! settings<V> = padding:u8 padding_multiple:u32
//!               out_of_order_tolerance:u32 max_forward_distance:u32
//!               max_past_epochs:u32
//!               encrypt_handshake:u8 require_encrypted_handshake:u8
//!               ratchet_tree_extension:u8 force_path:u8 lifetime_checks:u8
//!               allow_external_commits:u8
//!               max_message_len:u64 max_vector_len:u64 max_depth:u32
//!               max_group_size:u32 heap_ratio:u64
//!               grease:u8 joined_tree_lifetime_checks:u8   (version 6 on)
//! ```
//!
//! Versions 4 and 5 end after `heap_ratio`: a group saved by them loads
//! with the default `grease` (on) and `joined_tree_lifetime_checks` (off),
//! or those of [`crate::storage::LoadOptions`]'s base configuration.

use mls_codec::{DecodeLimits, Reader};
use mls_keyschedule::SecretTreeConfig;

use super::encode::{ReadExt, Writer, corrupt};
use crate::framing::PaddingMode;
use crate::{GroupConfig, GroupError, Result, StateError};

/// The first state version whose settings hold `grease` and
/// `joined_tree_lifetime_checks`.
pub(crate) const GREASE_SETTINGS_VERSION: u16 = 6;

const PADDING_NONE: u8 = 0;
const PADDING_MULTIPLE: u8 = 1;
const PADDING_PADME: u8 = 2;

/// Write the data settings of `config` as one `settings<V>` vector.
pub(crate) fn write_settings(w: &mut Writer, config: &GroupConfig) -> Result<()> {
    w.vector(|w| {
        let (mode, multiple) = match config.padding {
            PaddingMode::None => (PADDING_NONE, 0),
            PaddingMode::Multiple(n) => (PADDING_MULTIPLE, n),
            PaddingMode::Padme => (PADDING_PADME, 0),
        };
        w.u8(mode);
        w.u32(multiple);
        w.u32(config.secret_tree.out_of_order_tolerance);
        w.u32(config.secret_tree.max_forward_distance);
        w.u32(u32::try_from(config.max_past_epochs).unwrap_or(u32::MAX));
        for flag in [
            config.encrypt_handshake,
            config.require_encrypted_handshake,
            config.ratchet_tree_extension,
            config.force_path,
            config.lifetime_checks,
            config.allow_external_commits,
        ] {
            w.bool(flag);
        }
        let limits = &config.decode_limits;
        w.u64(limits.max_message_len as u64);
        w.u64(limits.max_vector_len as u64);
        w.u32(limits.max_depth);
        w.u32(limits.max_group_size);
        w.u64(limits.heap_ratio as u64);
        w.bool(config.grease);
        w.bool(config.joined_tree_lifetime_checks);
        Ok(())
    })
}

/// A stored `usize` that must fit this platform.
fn size(r: &mut Reader<'_>, what: &'static str) -> Result<usize> {
    usize::try_from(r.u64_(what)?).map_err(|_| GroupError::State(StateError::Corrupt(what)))
}

/// Read the `settings<V>` vector of a state record of format `version`
/// into `config` (its trait objects, and the settings `version` did not
/// store, are left as they are).
pub(crate) fn read_settings(
    r: &mut Reader<'_>,
    version: u16,
    config: &mut GroupConfig,
) -> Result<()> {
    let mut s = r.vector_("settings")?;
    let mode = s.u8_("padding")?;
    let multiple = s.u32_("padding multiple")?;
    config.padding = match mode {
        PADDING_NONE => PaddingMode::None,
        PADDING_MULTIPLE => PaddingMode::Multiple(multiple),
        PADDING_PADME => PaddingMode::Padme,
        _ => return Err(StateError::Corrupt("padding").into()),
    };
    config.secret_tree = SecretTreeConfig {
        out_of_order_tolerance: s.u32_("out-of-order tolerance")?,
        max_forward_distance: s.u32_("max forward distance")?,
    };
    config.max_past_epochs = s.u32_("max past epochs")? as usize;
    config.encrypt_handshake = s.bool_("encrypt handshake")?;
    config.require_encrypted_handshake = s.bool_("require encrypted handshake")?;
    config.ratchet_tree_extension = s.bool_("ratchet tree extension")?;
    config.force_path = s.bool_("force path")?;
    config.lifetime_checks = s.bool_("lifetime checks")?;
    config.allow_external_commits = s.bool_("allow external commits")?;
    config.decode_limits = DecodeLimits {
        max_message_len: size(&mut s, "max message length")?,
        max_vector_len: size(&mut s, "max vector length")?,
        max_depth: s.u32_("max depth")?,
        max_group_size: s.u32_("max group size")?,
        heap_ratio: size(&mut s, "heap ratio")?,
    };
    if version >= GREASE_SETTINGS_VERSION {
        config.grease = s.bool_("grease")?;
        config.joined_tree_lifetime_checks = s.bool_("joined tree lifetime checks")?;
    }
    s.finish().map_err(corrupt("settings trailing bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(config: &GroupConfig) -> GroupConfig {
        let mut w = Writer::default();
        write_settings(&mut w, config).unwrap_or_else(|e| panic!("{e}"));
        let mut r = Reader::new(&w.buf);
        let mut out = GroupConfig::default();
        read_settings(&mut r, GREASE_SETTINGS_VERSION, &mut out).unwrap_or_else(|e| panic!("{e}"));
        assert!(r.is_empty());
        out
    }

    #[test]
    fn every_data_setting_survives() {
        let config = GroupConfig::builder()
            .padding(PaddingMode::Multiple(32))
            .secret_tree(SecretTreeConfig {
                out_of_order_tolerance: 9,
                max_forward_distance: 77,
            })
            .max_past_epochs(7)
            .encrypt_handshake(true)
            .require_encrypted_handshake(true)
            .ratchet_tree_extension(false)
            .force_path(true)
            .lifetime_checks(false)
            .allow_external_commits(false)
            .max_group_size(123)
            .max_message_len(4567)
            .grease(false)
            .joined_tree_lifetime_checks(true)
            .build();
        let out = round_trip(&config);
        assert_eq!(format!("{out:?}"), format!("{config:?}"));
        assert_eq!(out.decode_limits, config.decode_limits);
        assert!(!out.grease && out.joined_tree_lifetime_checks);
    }

    /// Settings of version 5 (without the two trailing flags) read with the
    /// base configuration's `grease` and `joined_tree_lifetime_checks`;
    /// the same bytes read as version 6 lack them and are corrupt.
    #[test]
    fn version_5_settings_keep_the_base_flags() {
        let config = GroupConfig::builder()
            .grease(false)
            .joined_tree_lifetime_checks(true)
            .encrypt_handshake(true)
            .build();
        let mut w = Writer::default();
        write_settings(&mut w, &config).unwrap_or_else(|e| panic!("{e}"));
        let body = &w.buf[1..w.buf.len() - 2];
        let mut v5 = Writer::default();
        v5.opaque(body).unwrap_or_else(|e| panic!("{e}"));
        let mut out = GroupConfig::default();
        read_settings(&mut Reader::new(&v5.buf), 5, &mut out).unwrap_or_else(|e| panic!("{e}"));
        assert!(out.encrypt_handshake);
        assert!(
            out.grease && !out.joined_tree_lifetime_checks,
            "the defaults"
        );
        assert!(matches!(
            read_settings(&mut Reader::new(&v5.buf), GREASE_SETTINGS_VERSION, &mut out),
            Err(GroupError::State(StateError::Corrupt("grease")))
        ));
        // A flag byte other than 0 or 1 is corrupt.
        let mut bad = w.buf.to_vec();
        let last = bad.len() - 1;
        bad[last] = 2;
        assert!(read_settings(&mut Reader::new(&bad), GREASE_SETTINGS_VERSION, &mut out).is_err());
    }

    #[test]
    fn unknown_padding_and_trailing_bytes_are_corrupt() {
        let mut w = Writer::default();
        write_settings(&mut w, &GroupConfig::default()).unwrap_or_else(|e| panic!("{e}"));
        let mut bad = w.buf.to_vec();
        bad[1] = 9; // the padding mode, after the one-byte vector length
        let mut out = GroupConfig::default();
        assert!(matches!(
            read_settings(&mut Reader::new(&bad), GREASE_SETTINGS_VERSION, &mut out),
            Err(GroupError::State(StateError::Corrupt("padding")))
        ));
        // The same body with one byte more inside the vector.
        let mut body = w.buf[1..].to_vec();
        body.push(0);
        let mut longer = Writer::default();
        longer.opaque(&body).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            read_settings(
                &mut Reader::new(&longer.buf),
                GREASE_SETTINGS_VERSION,
                &mut out
            ),
            Err(GroupError::State(StateError::Corrupt(
                "settings trailing bytes"
            )))
        ));
    }
}
