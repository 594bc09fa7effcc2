//! Check of the official `passive-client-random.json` (TEST-VECTORS.md §13):
//! the shared passive-client driver of `passive_client.rs`.

// The three passive-client files share one driver (each includes it).
#[allow(clippy::duplicate_mod)]
#[path = "passive_client.rs"]
mod passive_client;

/// Check one case of `passive-client-random.json`.
pub fn check(case: &mls_vectors::Case<'_>) -> mls_vectors::CaseResult {
    passive_client::run(case)
}
