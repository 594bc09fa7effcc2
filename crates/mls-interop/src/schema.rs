//! A description of every protobuf message, generated together with the
//! prost structs by [`crate::proto`]'s macro, so that tests can check the
//! hand-written definitions against `mls_client.proto` (names, field
//! numbers, labels and types) without protoc.

/// Whether a field is singular or `repeated`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    /// A proto3 singular field.
    Single,
    /// A `repeated` field (packed for scalar numbers, as proto3 does).
    Repeated,
}

/// One field of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSchema {
    /// The field number.
    pub number: u32,
    /// The field name as in the .proto file.
    pub name: &'static str,
    /// Singular or repeated.
    pub label: Label,
    /// The protobuf type: `bytes`, `string`, `uint32`, `uint64`, `bool` or a
    /// message name.
    pub ty: &'static str,
}

/// One message: its name, its fields and a decode-then-encode function
/// (used to check that the prost attributes match the schema on the wire).
#[derive(Clone, Copy, Debug)]
pub struct MessageSchema {
    /// The message name as in the .proto file.
    pub name: &'static str,
    /// Its fields, in declaration order.
    pub fields: &'static [FieldSchema],
    /// Decode bytes as this message and encode the result again.
    pub reencode: fn(&[u8]) -> Result<Vec<u8>, prost::DecodeError>,
}

/// Decode `bytes` as `M` and encode it again.
pub fn reencode<M: prost::Message + Default>(bytes: &[u8]) -> Result<Vec<u8>, prost::DecodeError> {
    M::decode(bytes).map(|m| m.encode_to_vec())
}
