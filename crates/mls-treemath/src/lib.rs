//! mls-treemath: work in progress.
#![forbid(unsafe_code)]
