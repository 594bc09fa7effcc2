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

#[path = "conformance/passive_client_welcome.rs"]
mod passive_client_welcome;

#[test]
fn passive_client_welcome_json() {
    mls_vectors::assert_file_passes("passive-client-welcome.json", passive_client_welcome::check);
}

#[path = "conformance/passive_client_handling_commit.rs"]
mod passive_client_handling_commit;

#[test]
fn passive_client_handling_commit_json() {
    mls_vectors::assert_file_passes(
        "passive-client-handling-commit.json",
        passive_client_handling_commit::check,
    );
}

#[path = "conformance/passive_client_random.rs"]
mod passive_client_random;

#[test]
fn passive_client_random_json() {
    mls_vectors::assert_file_passes("passive-client-random.json", passive_client_random::check);
}
