//! The scenario names shared by the three libraries' drivers and the
//! xtask table (which lists them in this order).

/// One KeyPackage built and serialized (signature key pair given).
pub const KEY_PACKAGE: &str = "key_package";
/// One Commit adding N-1 members, no UpdatePath (KeyPackages decoded from
/// bytes and validated, Commit and Welcome serialized).
pub const ADD_NOPATH: &str = "add_nopath";
/// The same with an UpdatePath.
pub const ADD_PATH: &str = "add_path";
/// Joining from that Welcome (ratchet tree in the Welcome).
pub const JOIN: &str = "join";
/// Heap retained by one joined member's state (counting allocator).
pub const HEAP_MEMBER: &str = "heap_member";
/// A self-update Commit (empty, with UpdatePath) by the creator.
pub const SELF_UPDATE: &str = "self_update";
/// Its processing by the member at leaf 1, until the new epoch is current.
pub const PROCESS_UPDATE: &str = "process_update";
/// The same, then the new epoch written to the library's storage.
pub const PROCESS_UPDATE_PERSIST: &str = "process_update_persist";
/// Bytes of the values one member's full state occupies in storage.
pub const PERSISTED_VALUES: &str = "persisted_values";
/// Bytes of an SQLite file holding only that state.
pub const PERSISTED_FILE: &str = "persisted_sqlite_file";
/// A 1 KiB application message from the creator, decrypted by the member.
pub const APP_A_TO_B: &str = "app_1k_a_to_b";
/// The reverse direction.
pub const APP_B_TO_A: &str = "app_1k_b_to_a";
