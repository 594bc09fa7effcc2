//! A check value over a row's columns, so that a flipped byte in a column
//! SQLite does not check itself (an epoch, a generation, an id) is reported
//! as damage instead of read as a different state. Large record blobs carry
//! their own digest (`mls_group::Group::from_records`): the row check covers
//! their length only. This detects damage, not an attacker who can rewrite
//! the file (the store is trusted, GUIDANCE G-07).

/// FNV-1a (64 bit) over the columns, each framed by its length.
#[derive(Clone, Copy)]
pub(crate) struct RowCheck(u64);

impl RowCheck {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    /// A check value for a row of `table` (the name keeps a row from
    /// matching in another table).
    pub(crate) fn new(table: &str) -> Self {
        Self(Self::OFFSET).bytes(table.as_bytes())
    }

    /// Add a byte column.
    pub(crate) fn bytes(self, column: &[u8]) -> Self {
        let framed = self.raw(&(column.len() as u64).to_le_bytes());
        framed.raw(column)
    }

    /// Add an integer column.
    pub(crate) fn int(self, column: i64) -> Self {
        self.raw(&column.to_le_bytes())
    }

    fn raw(self, data: &[u8]) -> Self {
        Self(
            data.iter()
                .fold(self.0, |h, &b| (h ^ u64::from(b)).wrapping_mul(Self::PRIME)),
        )
    }

    /// The value stored in the row's `row_check` column.
    pub(crate) fn value(self) -> i64 {
        i64::from_le_bytes(self.0.to_le_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::RowCheck;

    #[test]
    fn every_column_and_its_framing_counts() {
        let a = RowCheck::new("t").bytes(b"ab").bytes(b"c").value();
        assert_ne!(a, RowCheck::new("t").bytes(b"a").bytes(b"bc").value());
        assert_ne!(a, RowCheck::new("u").bytes(b"ab").bytes(b"c").value());
        assert_ne!(
            RowCheck::new("t").int(1).value(),
            RowCheck::new("t").int(2).value()
        );
        assert_eq!(a, RowCheck::new("t").bytes(b"ab").bytes(b"c").value());
    }

    #[test]
    fn fnv1a_reference_value() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c; frame it by hand.
        let h = RowCheck(RowCheck::OFFSET).raw(b"a").value();
        assert_eq!(
            h,
            i64::from_le_bytes(0xaf63_dc4c_8601_ec8c_u64.to_le_bytes())
        );
    }
}
