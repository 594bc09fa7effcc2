//! mls-crypto-rustcrypto: work in progress.
#![forbid(unsafe_code)]
