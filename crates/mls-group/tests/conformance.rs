//! The official test vectors owned by this crate (ARCHITECTURE.md table).

#[path = "conformance/welcome.rs"]
mod welcome;

#[test]
fn welcome_json() {
    mls_vectors::assert_file_passes("welcome.json", welcome::check);
}
