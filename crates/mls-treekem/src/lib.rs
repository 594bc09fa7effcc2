//! mls-treekem: work in progress.
#![forbid(unsafe_code)]
