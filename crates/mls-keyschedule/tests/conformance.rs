//! The official test vectors owned by this layer (ARCHITECTURE.md table).

#[path = "conformance/key_schedule.rs"]
mod key_schedule;
#[path = "conformance/psk_secret.rs"]
mod psk_secret;
#[path = "conformance/secret_tree.rs"]
mod secret_tree;
#[path = "conformance/transcript_hashes.rs"]
mod transcript_hashes;

#[test]
fn key_schedule_json() {
    mls_vectors::assert_file_passes("key-schedule.json", key_schedule::check);
}

#[test]
fn psk_secret_json() {
    mls_vectors::assert_file_passes("psk_secret.json", psk_secret::check);
}

#[test]
fn secret_tree_json() {
    mls_vectors::assert_file_passes("secret-tree.json", secret_tree::check);
}

#[test]
fn transcript_hashes_json() {
    mls_vectors::assert_file_passes("transcript-hashes.json", transcript_hashes::check);
}
