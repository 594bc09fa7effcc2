//! The official MLS test vectors owned by this crate.

#[path = "conformance/crypto_basics.rs"]
mod crypto_basics;

#[test]
fn crypto_basics_json() {
    mls_vectors::assert_file_passes("crypto-basics.json", crypto_basics::check)
}
