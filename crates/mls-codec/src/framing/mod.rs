//! Message framing (RFC 9420 §6): content, senders, authentication data,
//! `PublicMessage`, `PrivateMessage` and its plaintext parts, and the byte
//! strings that are signed, MACed or hashed over framed content (§6.1, §6.2,
//! §8.2).

pub mod auth;
pub mod content;
pub mod content_encoding;
pub mod private;
pub mod public;
pub mod tbs;

pub use auth::{AuthenticatedContent, FramedContentAuthData};
pub use content::{ContentType, FramedContent, FramedContentBody, Sender};
pub use content_encoding::ContentEncoding;
pub use private::{
    PrivateContentAad, PrivateMessage, PrivateMessageContent, SenderData, SenderDataAad,
};
pub use public::PublicMessage;
pub use tbs::{
    authenticated_content_tbm_bytes, confirmed_transcript_hash_input_bytes,
    framed_content_tbs_bytes, interim_transcript_hash_input_bytes,
};
