//! mls-codec: work in progress.
#![forbid(unsafe_code)]
