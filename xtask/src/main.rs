//! Developer tasks for the MLS workspace.

fn main() {}
