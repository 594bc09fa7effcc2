//! KeyPackages (RFC 9420 §10).
