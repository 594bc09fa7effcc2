//! The official vector files and the check function for each.
//!
//! A check function is compiled in from the owning crate's
//! `tests/conformance/<file>.rs` (the same source that crate's own tests use),
//! so `cargo xtask conformance` and `cargo test` can never disagree.
//!
//! To add a file's check (see docs/conformance.md):
//! 1. add one `#[path = "../../crates/<crate>/tests/conformance/<file>.rs"] mod <file>;`
//!    line below (keep them sorted),
//! 2. replace `None` by `Some(<file>::check)` in its [`FILES`] entry,
//! 3. add `<crate> = { workspace = true }` to xtask/Cargo.toml if it is not there yet.

use mls_vectors::{Case, CaseResult};

#[path = "../../crates/mls-crypto-rustcrypto/tests/conformance/crypto_basics.rs"]
mod crypto_basics;
#[path = "../../crates/mls-codec/tests/conformance/deserialization.rs"]
mod deserialization;
#[path = "../../crates/mls-keyschedule/tests/conformance/key_schedule.rs"]
mod key_schedule;
#[path = "../../crates/mls-group/tests/conformance/message_protection.rs"]
mod message_protection;
#[path = "../../crates/mls-codec/tests/conformance/messages.rs"]
mod messages;
#[path = "../../crates/mls-group/tests/conformance/passive_client_handling_commit.rs"]
mod passive_client_handling_commit;
#[path = "../../crates/mls-group/tests/conformance/passive_client_random.rs"]
mod passive_client_random;
#[path = "../../crates/mls-group/tests/conformance/passive_client_welcome.rs"]
mod passive_client_welcome;
#[path = "../../crates/mls-keyschedule/tests/conformance/psk_secret.rs"]
mod psk_secret;
#[path = "../../crates/mls-keyschedule/tests/conformance/secret_tree.rs"]
mod secret_tree;
#[path = "../../crates/mls-keyschedule/tests/conformance/transcript_hashes.rs"]
mod transcript_hashes;
#[path = "../../crates/mls-treemath/tests/conformance/tree_math.rs"]
mod tree_math;
#[path = "../../crates/mls-treekem/tests/conformance/tree_operations.rs"]
mod tree_operations;
#[path = "../../crates/mls-treekem/tests/conformance/tree_validation.rs"]
mod tree_validation;
#[path = "../../crates/mls-treekem/tests/conformance/treekem.rs"]
mod treekem;
#[path = "../../crates/mls-group/tests/conformance/welcome.rs"]
mod welcome;

/// A per-case check, as exposed by every `tests/conformance/<file>.rs`.
pub type CheckFn = fn(&Case<'_>) -> CaseResult;

/// One official vector file and, once written, its check.
#[derive(Debug, Clone, Copy)]
pub struct VectorFile {
    /// The file name in the vector directory.
    pub name: &'static str,
    /// The crate whose `tests/conformance/` holds (or will hold) the check.
    pub owner: &'static str,
    /// The check, or `None` while it is not implemented.
    pub check: Option<CheckFn>,
}

const fn file(name: &'static str, owner: &'static str, check: Option<CheckFn>) -> VectorFile {
    VectorFile { name, owner, check }
}

/// All sixteen official files (ARCHITECTURE.md, "Test vectors"), in the
/// order of the layers that pass them.
pub const FILES: &[VectorFile] = &[
    file("tree-math.json", "mls-treemath", Some(tree_math::check)),
    file(
        "crypto-basics.json",
        "mls-crypto-rustcrypto",
        Some(crypto_basics::check),
    ),
    file(
        "deserialization.json",
        "mls-codec",
        Some(deserialization::check),
    ),
    file(
        "secret-tree.json",
        "mls-keyschedule",
        Some(secret_tree::check),
    ),
    file(
        "key-schedule.json",
        "mls-keyschedule",
        Some(key_schedule::check),
    ),
    file(
        "psk_secret.json",
        "mls-keyschedule",
        Some(psk_secret::check),
    ),
    file(
        "transcript-hashes.json",
        "mls-keyschedule",
        Some(transcript_hashes::check),
    ),
    file(
        "tree-validation.json",
        "mls-treekem",
        Some(tree_validation::check),
    ),
    file(
        "tree-operations.json",
        "mls-treekem",
        Some(tree_operations::check),
    ),
    file("treekem.json", "mls-treekem", Some(treekem::check)),
    file(
        "message-protection.json",
        "mls-group",
        Some(message_protection::check),
    ),
    file("messages.json", "mls-codec", Some(messages::check)),
    file("welcome.json", "mls-group", Some(welcome::check)),
    file(
        "passive-client-welcome.json",
        "mls-group",
        Some(passive_client_welcome::check),
    ),
    file(
        "passive-client-handling-commit.json",
        "mls-group",
        Some(passive_client_handling_commit::check),
    ),
    file(
        "passive-client-random.json",
        "mls-group",
        Some(passive_client_random::check),
    ),
];

/// The entry for a file name; the `.json` suffix may be left out.
pub fn find(name: &str) -> Option<&'static VectorFile> {
    FILES
        .iter()
        .find(|f| f.name == name || f.name.strip_suffix(".json") == Some(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_distinct_files() {
        assert_eq!(FILES.len(), 16);
        for (i, a) in FILES.iter().enumerate() {
            assert!(a.name.ends_with(".json"));
            assert!(
                FILES[i + 1..].iter().all(|b| b.name != a.name),
                "{}",
                a.name
            );
        }
    }

    #[test]
    fn find_accepts_names_with_or_without_suffix() {
        assert_eq!(
            find("tree-math.json").map(|f| f.name),
            Some("tree-math.json")
        );
        assert_eq!(find("psk_secret").map(|f| f.name), Some("psk_secret.json"));
        assert!(find("tree-math.jso").is_none());
    }
}
