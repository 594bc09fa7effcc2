//! The envelope of every stored group record (format version
//! [`STATE_VERSION`]): magic, version, suite, body and the suite's hash of
//! it as a corruption check. Shared by the current-state record
//! (`state.rs`) and the past-epoch records (`past.rs`), so neither imports
//! the other.

use std::sync::Arc;

use mls_codec::Reader;
use mls_crypto::{CipherSuite, CryptoProvider};
use mls_keyschedule::SecretTree;
use zeroize::Zeroizing;

use super::encode::{ReadExt, Writer, corrupt};
use crate::{GroupError, Misuse, Result, StateError};

/// The snapshot format version written by this build.
pub const STATE_VERSION: u16 = 7;
/// The oldest format version this build reads: version 2, whose cached
/// proposals name their sender by leaf index only.
const OLDEST_STATE_VERSION: u16 = 2;
/// The first version whose cached proposals store their RFC 9420 Sender.
pub(super) const SENDER_VERSION: u16 = 3;
/// The first version with `settings<V>` and `optional<signer<V>>`.
pub(super) const SETTINGS_VERSION: u16 = 4;
/// The first version whose tree is stored as parts beside the state.
pub(super) const PARTS_VERSION: u16 = 5;
pub(super) const MAGIC: &[u8; 4] = b"MLSG";
pub(super) const PAST_MAGIC: &[u8; 4] = b"MLSE";
pub(super) const WHOLE_MAGIC: &[u8; 4] = b"MLSS";

/// Append the suite's hash of everything written so far.
pub(super) fn seal(cs: &dyn mls_crypto::CipherSuiteProvider, mut w: Writer) -> Zeroizing<Vec<u8>> {
    let digest = cs.hash(&w.buf);
    w.buf.extend_from_slice(&digest);
    w.buf
}

/// Check a record's or snapshot's `magic` and format version, and return
/// the version: a newer version is its own error
/// ([`StateError::Version`](crate::StateError::Version)), anything else that is not ours is
/// corrupt.
pub(super) fn read_header(
    r: &mut Reader<'_>,
    magic: &[u8; 4],
    not_ours: &'static str,
    unknown_version: &'static str,
) -> Result<u16> {
    if r.read_array::<4>().map_err(corrupt("magic"))? != *magic {
        return Err(StateError::Corrupt(not_ours).into());
    }
    let version = r.u16_("version")?;
    if version > STATE_VERSION {
        return Err(StateError::Version {
            found: version,
            supported: STATE_VERSION,
        }
        .into());
    }
    if version < OLDEST_STATE_VERSION {
        return Err(StateError::Corrupt(unknown_version).into());
    }
    Ok(version)
}

/// A record's suite provider, format version and a reader over its body.
pub(super) type OpenRecord<'a> = (Arc<dyn mls_crypto::CipherSuiteProvider>, u16, Reader<'a>);

/// Check a record's header (`magic`, version, suite) and trailing digest;
/// returns the suite provider, the version and a reader over the body
/// after the header.
pub(super) fn open_record<'a>(
    bytes: &'a [u8],
    magic: &[u8; 4],
    provider: &dyn CryptoProvider,
) -> Result<OpenRecord<'a>> {
    let mut r = Reader::new(bytes);
    let version = read_header(
        &mut r,
        magic,
        "not a group record",
        "unknown record version",
    )?;
    let suite_id = r.u16_("cipher suite")?;
    let suite =
        CipherSuite::from_id(suite_id).map_err(|_| Misuse::UnsupportedCipherSuite(suite_id))?;
    let cs = provider
        .cipher_suite_provider(suite)
        .ok_or(Misuse::UnsupportedCipherSuite(suite_id))?;
    let nh = suite.hash_len();
    let body_len = bytes
        .len()
        .checked_sub(nh)
        .filter(|&l| l >= 8)
        .ok_or(StateError::Corrupt("truncated record"))?;
    let (body, digest) = bytes.split_at(body_len);
    if cs.hash(body) != digest {
        return Err(StateError::Corrupt("record digest mismatch").into());
    }
    let mut r = Reader::new(body);
    r.read_array::<8>().map_err(corrupt("header"))?;
    Ok((cs, version, r))
}

pub(super) fn read_secret_tree(r: &mut Reader<'_>) -> Result<SecretTree> {
    SecretTree::from_bytes(r.opaque_("secret tree")?)
        .map_err(|_| GroupError::State(StateError::Corrupt("secret tree")))
}
