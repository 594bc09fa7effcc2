//! The official test vectors owned by this crate (ARCHITECTURE.md table).

#[path = "conformance/message_protection.rs"]
mod message_protection;

#[test]
fn message_protection_json() {
    mls_vectors::assert_file_passes("message-protection.json", message_protection::check);
}

#[path = "conformance/welcome.rs"]
mod welcome;

#[test]
fn welcome_json() {
    mls_vectors::assert_file_passes("welcome.json", welcome::check);
}
