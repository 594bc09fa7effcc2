//! Message framing and protection (RFC 9420 §6).
