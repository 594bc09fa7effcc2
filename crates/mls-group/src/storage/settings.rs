//! The data settings of a [`GroupConfig`] inside a group's state record
//! (format version 3 on): everything but the trait objects (clock,
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
//! ```

use mls_codec::{DecodeLimits, Reader};
use mls_keyschedule::SecretTreeConfig;

use super::encode::{ReadExt, Writer, corrupt};
use crate::framing::PaddingMode;
use crate::{GroupConfig, GroupError, Result, StateError};

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
        Ok(())
    })
}

/// A stored `usize` that must fit this platform.
fn size(r: &mut Reader<'_>, what: &'static str) -> Result<usize> {
    usize::try_from(r.u64_(what)?).map_err(|_| GroupError::State(StateError::Corrupt(what)))
}

/// Read the `settings<V>` vector into `config` (its trait objects are left
/// as they are).
pub(crate) fn read_settings(r: &mut Reader<'_>, config: &mut GroupConfig) -> Result<()> {
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
        read_settings(&mut r, &mut out).unwrap_or_else(|e| panic!("{e}"));
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
            .build();
        let out = round_trip(&config);
        assert_eq!(format!("{out:?}"), format!("{config:?}"));
        assert_eq!(out.decode_limits, config.decode_limits);
    }

    #[test]
    fn unknown_padding_and_trailing_bytes_are_corrupt() {
        let mut w = Writer::default();
        write_settings(&mut w, &GroupConfig::default()).unwrap_or_else(|e| panic!("{e}"));
        let mut bad = w.buf.to_vec();
        bad[1] = 9; // the padding mode, after the one-byte vector length
        let mut out = GroupConfig::default();
        assert!(matches!(
            read_settings(&mut Reader::new(&bad), &mut out),
            Err(GroupError::State(StateError::Corrupt("padding")))
        ));
        // The same body with one byte more inside the vector.
        let mut body = w.buf[1..].to_vec();
        body.push(0);
        let mut longer = Writer::default();
        longer.opaque(&body).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            read_settings(&mut Reader::new(&longer.buf), &mut out),
            Err(GroupError::State(StateError::Corrupt(
                "settings trailing bytes"
            )))
        ));
    }
}
