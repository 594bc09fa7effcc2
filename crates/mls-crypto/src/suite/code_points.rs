//! The wire values of the post-quantum suites: a table the application
//! configures (draft-ietf-mls-pq-ciphersuites-06 §3.1 leaves them as
//! `TBD1` .. `TBD11`; RFC 9420 §17.1 reserves 0xF000-0xFFFF for private use).
//!
//! The default maps `TBDn` to `0xF100 + n`. Other implementations number
//! some of the same suites differently; where their algorithms are
//! identical to ours, a preset ([`CodePoints::openmls`]) or single entries
//! ([`CodePoints::with`]) give the same wire values, so that interoperating
//! with them is a matter of configuration. The table is process wide: it is
//! installed once ([`CodePoints::install`]) before the first MLS operation,
//! and fixed from the first lookup on, so that a group never sees its suite
//! change number.

use std::sync::OnceLock;

use thiserror::Error;

use super::is_grease;
use super::pq_suites::PqSuite;

/// Why a code point cannot be given to a post-quantum suite.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodePointError {
    /// RFC 9420 §17.1: 0x0000 is reserved.
    #[error("code point 0x0000 is reserved (RFC 9420 §17.1)")]
    Reserved,
    /// RFC 9420 §13.5: GREASE values never name a real suite.
    #[error("code point 0x{0:04x} is a GREASE value (RFC 9420 §13.5)")]
    Grease(u16),
    /// The value belongs to one of the seven RFC 9420 suites.
    #[error("code point 0x{0:04x} is an RFC 9420 cipher suite (RFC 9420 §17.1)")]
    Rfc9420Suite(u16),
    /// Two post-quantum suites cannot share a value.
    #[error("code point 0x{id:04x} is already given to {other:?}")]
    Duplicate {
        /// The value.
        id: u16,
        /// The suite that has it.
        other: PqSuite,
    },
    /// The process-wide table was installed or first used already.
    #[error("the code point table is already in use; install it before the first MLS operation")]
    AlreadyInstalled,
}

/// The wire value of each of the eleven post-quantum suites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodePoints {
    /// Indexed by `placeholder - 1`.
    ids: [u16; 11],
}

impl Default for CodePoints {
    fn default() -> Self {
        Self::draft_private_use()
    }
}

/// The installed table; set on install or on first use.
static INSTALLED: OnceLock<CodePoints> = OnceLock::new();

impl CodePoints {
    /// The base of the default private-use numbering: `TBDn` is `BASE + n`.
    pub const PRIVATE_USE_BASE: u16 = 0xF100;

    /// The default table: `TBDn` is `0xF100 + n` (0xF101 .. 0xF10B), in the
    /// RFC 9420 private-use range.
    pub const fn draft_private_use() -> Self {
        let mut ids = [0u16; 11];
        let mut i = 0;
        while i < ids.len() {
            ids[i] = Self::PRIVATE_USE_BASE + 1 + i as u16;
            i += 1;
        }
        CodePoints { ids }
    }

    /// OpenMLS's numbering (its `draft-ietf-mls-pq-ciphersuites` feature)
    /// for the five suites whose algorithms are identical to the draft's:
    /// TBD6 0xF042, TBD7 0x0050, TBD8 0x0042, TBD10 0x0051, TBD11 0x0907.
    /// Its X-Wing suites use HPKE KEM id 0x004D instead of the draft's
    /// 0x647a (a different HPKE `suite_id`, so different keys), and it has
    /// no ML-KEM + ECDH hybrids: those suites keep their default values.
    pub fn openmls() -> Self {
        let mut table = Self::draft_private_use();
        for (tbd, id) in [
            (6, 0xF042),
            (7, 0x0050),
            (8, 0x0042),
            (10, 0x0051),
            (11, 0x0907),
        ] {
            table.ids[tbd - 1] = id;
        }
        table
    }

    /// This table with `suite` on the wire as `id`. Fails when `id` is
    /// reserved, GREASE, an RFC 9420 suite, or another PQ suite's value.
    pub fn with(mut self, suite: PqSuite, id: u16) -> Result<Self, CodePointError> {
        check_available(id)?;
        if let Some(other) = self.suite(id).filter(|other| *other != suite) {
            return Err(CodePointError::Duplicate { id, other });
        }
        self.ids[usize::from(suite.placeholder()) - 1] = id;
        Ok(self)
    }

    /// The wire value of `suite`.
    pub fn id(&self, suite: PqSuite) -> u16 {
        self.ids[usize::from(suite.placeholder()) - 1]
    }

    /// The suite on the wire as `id`, if any.
    pub fn suite(&self, id: u16) -> Option<PqSuite> {
        PqSuite::ALL.into_iter().find(|s| self.id(*s) == id)
    }

    /// Make this the process-wide table. Fails with `AlreadyInstalled` once
    /// a table was installed or the default was used by a lookup.
    pub fn install(self) -> Result<(), CodePointError> {
        INSTALLED
            .set(self)
            .map_err(|_| CodePointError::AlreadyInstalled)
    }

    /// The process-wide table (the default when none was installed; from
    /// then on it is fixed).
    pub fn current() -> &'static CodePoints {
        INSTALLED.get_or_init(CodePoints::draft_private_use)
    }
}

/// A value a PQ suite may take: not 0, not GREASE, not suites 1-7.
fn check_available(id: u16) -> Result<(), CodePointError> {
    if id == 0 {
        return Err(CodePointError::Reserved);
    }
    if is_grease(id) {
        return Err(CodePointError::Grease(id));
    }
    if (1..=7).contains(&id) {
        return Err(CodePointError::Rfc9420Suite(id));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_table_is_private_use_and_distinct() {
        let t = CodePoints::default();
        for s in PqSuite::ALL {
            let id = t.id(s);
            assert_eq!(id, 0xF100 + u16::from(s.placeholder()));
            assert!(id >= 0xF000, "private use range");
            assert_eq!(t.suite(id), Some(s));
        }
        assert_eq!(t.suite(0xF100), None);
        assert_eq!(t.suite(0xF10C), None);
    }

    #[test]
    fn openmls_preset_renumbers_only_identical_suites() {
        let t = CodePoints::openmls();
        let tbd = |n| PqSuite::from_placeholder(n).expect("placeholder");
        assert_eq!(t.id(tbd(6)), 0xF042);
        assert_eq!(t.id(tbd(7)), 0x0050);
        assert_eq!(t.id(tbd(8)), 0x0042);
        assert_eq!(t.id(tbd(10)), 0x0051);
        assert_eq!(t.id(tbd(11)), 0x0907);
        for n in [1, 2, 3, 4, 5, 9] {
            assert_eq!(t.id(tbd(n)), 0xF100 + u16::from(n));
        }
        assert_eq!(t.suite(0x0907), Some(tbd(11)));
    }

    #[test]
    fn bad_values_are_refused() {
        let s = PqSuite::ALL[0];
        let t = CodePoints::default();
        assert_eq!(t.clone().with(s, 0), Err(CodePointError::Reserved));
        assert_eq!(
            t.clone().with(s, 0x3a3a),
            Err(CodePointError::Grease(0x3a3a))
        );
        assert_eq!(t.clone().with(s, 2), Err(CodePointError::Rfc9420Suite(2)));
        assert_eq!(
            t.clone().with(s, 0xF102),
            Err(CodePointError::Duplicate {
                id: 0xF102,
                other: PqSuite::ALL[1]
            })
        );
        // Giving a suite its own value again, or a fresh one, is fine.
        let t = t
            .with(s, 0xF101)
            .expect("same")
            .with(s, 0xF800)
            .expect("new");
        assert_eq!(t.suite(0xF800), Some(s));
        assert_eq!(t.suite(0xF101), None);
    }

    #[test]
    fn the_installed_table_is_fixed_after_first_use() {
        let first = CodePoints::current().clone();
        assert_eq!(
            CodePoints::openmls().install(),
            Err(CodePointError::AlreadyInstalled)
        );
        assert_eq!(CodePoints::current(), &first);
    }
}
