//! The protobuf messages of `mls_client.proto` (package `mls_client`),
//! written by hand as prost structs: wire-compatible with the official file,
//! no protoc needed. The macro below emits each struct and its
//! [`MessageSchema`] from one definition; `tests/proto_compat.rs` checks
//! both against the official .proto when it is available.

use crate::schema::{FieldSchema, Label, MessageSchema, reencode};

macro_rules! field_schema {
    ($tag:literal $field:ident $label:ident $ty:expr) => {
        FieldSchema {
            number: $tag,
            name: stringify!($field),
            label: Label::$label,
            ty: $ty,
        }
    };
}

macro_rules! message {
    (@acc [$($doc:tt)*] $name:ident [$($f:tt)*] [$($s:tt)*]) => {
        $($doc)*
        #[derive(Clone, PartialEq, ::prost::Message)]
        pub struct $name { $($f)* }

        impl $name {
            /// The fields of this message (name, number, label, type).
            pub const FIELDS: &'static [FieldSchema] = &[$($s)*];
        }
    };
    (@acc $d:tt $name:ident [$($f:tt)*] [$($s:tt)*]
        $(#[$m:meta])* $tag:literal $field:ident : bytes; $($rest:tt)*) => {
        message!(@acc $d $name
            [$($f)* $(#[$m])* #[prost(bytes = "vec", tag = $tag)] pub $field: Vec<u8>,]
            [$($s)* field_schema!($tag $field Single "bytes"),] $($rest)*);
    };
    (@acc $d:tt $name:ident [$($f:tt)*] [$($s:tt)*]
        $(#[$m:meta])* $tag:literal $field:ident : string; $($rest:tt)*) => {
        message!(@acc $d $name
            [$($f)* $(#[$m])* #[prost(string, tag = $tag)] pub $field: String,]
            [$($s)* field_schema!($tag $field Single "string"),] $($rest)*);
    };
    (@acc $d:tt $name:ident [$($f:tt)*] [$($s:tt)*]
        $(#[$m:meta])* $tag:literal $field:ident : uint32; $($rest:tt)*) => {
        message!(@acc $d $name
            [$($f)* $(#[$m])* #[prost(uint32, tag = $tag)] pub $field: u32,]
            [$($s)* field_schema!($tag $field Single "uint32"),] $($rest)*);
    };
    (@acc $d:tt $name:ident [$($f:tt)*] [$($s:tt)*]
        $(#[$m:meta])* $tag:literal $field:ident : uint64; $($rest:tt)*) => {
        message!(@acc $d $name
            [$($f)* $(#[$m])* #[prost(uint64, tag = $tag)] pub $field: u64,]
            [$($s)* field_schema!($tag $field Single "uint64"),] $($rest)*);
    };
    (@acc $d:tt $name:ident [$($f:tt)*] [$($s:tt)*]
        $(#[$m:meta])* $tag:literal $field:ident : bool; $($rest:tt)*) => {
        message!(@acc $d $name
            [$($f)* $(#[$m])* #[prost(bool, tag = $tag)] pub $field: bool,]
            [$($s)* field_schema!($tag $field Single "bool"),] $($rest)*);
    };
    (@acc $d:tt $name:ident [$($f:tt)*] [$($s:tt)*]
        $(#[$m:meta])* $tag:literal $field:ident : repeated bytes; $($rest:tt)*) => {
        message!(@acc $d $name
            [$($f)* $(#[$m])* #[prost(bytes = "vec", repeated, tag = $tag)] pub $field: Vec<Vec<u8>>,]
            [$($s)* field_schema!($tag $field Repeated "bytes"),] $($rest)*);
    };
    (@acc $d:tt $name:ident [$($f:tt)*] [$($s:tt)*]
        $(#[$m:meta])* $tag:literal $field:ident : repeated uint32; $($rest:tt)*) => {
        message!(@acc $d $name
            [$($f)* $(#[$m])* #[prost(uint32, repeated, tag = $tag)] pub $field: Vec<u32>,]
            [$($s)* field_schema!($tag $field Repeated "uint32"),] $($rest)*);
    };
    (@acc $d:tt $name:ident [$($f:tt)*] [$($s:tt)*]
        $(#[$m:meta])* $tag:literal $field:ident : repeated $ty:ident; $($rest:tt)*) => {
        message!(@acc $d $name
            [$($f)* $(#[$m])* #[prost(message, repeated, tag = $tag)] pub $field: Vec<$ty>,]
            [$($s)* field_schema!($tag $field Repeated stringify!($ty)),] $($rest)*);
    };
    (@acc $d:tt $name:ident [$($f:tt)*] [$($s:tt)*]
        $(#[$m:meta])* $tag:literal $field:ident : $ty:ident; $($rest:tt)*) => {
        message!(@acc $d $name
            [$($f)* $(#[$m])* #[prost(message, optional, tag = $tag)] pub $field: Option<$ty>,]
            [$($s)* field_schema!($tag $field Single stringify!($ty)),] $($rest)*);
    };
}

macro_rules! messages {
    ($( $(#[$doc:meta])* message $name:ident { $($body:tt)* } )*) => {
        $( message!(@acc [$(#[$doc])*] $name [] [] $($body)*); )*

        /// Every message of `mls_client.proto`, in file order.
        pub const SCHEMA: &[MessageSchema] = &[
            $( MessageSchema { name: stringify!($name), fields: $name::FIELDS, reencode: reencode::<$name> }, )*
        ];
    };
}

messages! {
    /// `Name` request.
    message NameRequest {}
    /// `Name` response.
    message NameResponse {
        /// Human-readable implementation name.
        1 name: string;
    }
    /// `SupportedCiphersuites` request.
    message SupportedCiphersuitesRequest {}
    /// `SupportedCiphersuites` response.
    message SupportedCiphersuitesResponse {
        /// The uint16 suite ids.
        1 ciphersuites: repeated uint32;
    }
    /// `CreateGroup` request (basic credentials).
    message CreateGroupRequest {
        /// The new group's id.
        1 group_id: bytes;
        /// The uint16 suite id.
        2 cipher_suite: uint32;
        /// Send handshake messages as PrivateMessage.
        3 encrypt_handshake: bool;
        /// The creator's identity.
        4 identity: bytes;
    }
    /// `CreateGroup` response.
    message CreateGroupResponse {
        /// The new state.
        1 state_id: uint32;
    }
    /// `CreateKeyPackage` request.
    message CreateKeyPackageRequest {
        /// The uint16 suite id.
        1 cipher_suite: uint32;
        /// The identity.
        2 identity: bytes;
    }
    /// `CreateKeyPackage` response.
    message CreateKeyPackageResponse {
        /// The pending join.
        1 transaction_id: uint32;
        /// The KeyPackage as an MLSMessage.
        2 key_package: bytes;
        /// The init private key.
        3 init_priv: bytes;
        /// The leaf encryption private key.
        4 encryption_priv: bytes;
        /// The signature private key.
        5 signature_priv: bytes;
    }
    /// `JoinGroup` request.
    message JoinGroupRequest {
        /// The pending join.
        1 transaction_id: uint32;
        /// The Welcome as an MLSMessage.
        2 welcome: bytes;
        /// Send handshake messages as PrivateMessage.
        3 encrypt_handshake: bool;
        /// The joiner's identity.
        4 identity: bytes;
        /// The ratchet tree when sent out of band, else empty.
        5 ratchet_tree: bytes;
    }
    /// `JoinGroup` / `HandleReInitWelcome` response.
    message JoinGroupResponse {
        /// The new state.
        1 state_id: uint32;
        /// The epoch authenticator.
        2 epoch_authenticator: bytes;
    }
    /// A PSK given to `ExternalJoin`.
    message PreSharedKey {
        /// The PSK id.
        1 psk_id: bytes;
        /// The PSK secret.
        2 psk_secret: bytes;
    }
    /// `ExternalJoin` request.
    message ExternalJoinRequest {
        /// The GroupInfo as an MLSMessage.
        1 group_info: bytes;
        /// The ratchet tree when sent out of band, else empty.
        2 ratchet_tree: bytes;
        /// Send handshake messages as PrivateMessage.
        3 encrypt_handshake: bool;
        /// The joiner's identity.
        4 identity: bytes;
        /// Also remove the joiner's prior leaf.
        5 remove_prior: bool;
        /// External PSKs to include.
        6 psks: repeated PreSharedKey;
    }
    /// `ExternalJoin` response.
    message ExternalJoinResponse {
        /// The new state.
        1 state_id: uint32;
        /// The external Commit.
        2 commit: bytes;
        /// The epoch authenticator.
        3 epoch_authenticator: bytes;
    }
    /// `GroupInfo` request.
    message GroupInfoRequest {
        /// The state.
        1 state_id: uint32;
        /// Return the tree separately instead of in the GroupInfo.
        2 external_tree: bool;
    }
    /// `GroupInfo` response.
    message GroupInfoResponse {
        /// The GroupInfo as an MLSMessage.
        1 group_info: bytes;
        /// The ratchet tree when requested out of band.
        2 ratchet_tree: bytes;
    }
    /// `StateAuth` request.
    message StateAuthRequest {
        /// The state.
        1 state_id: uint32;
    }
    /// `StateAuth` response.
    message StateAuthResponse {
        /// The epoch authenticator.
        1 state_auth_secret: bytes;
    }
    /// `Export` request.
    message ExportRequest {
        /// The state.
        1 state_id: uint32;
        /// The exporter label.
        2 label: string;
        /// The exporter context.
        3 context: bytes;
        /// The wanted length.
        4 key_length: uint32;
    }
    /// `Export` response.
    message ExportResponse {
        /// The exported secret.
        1 exported_secret: bytes;
    }
    /// `Protect` request.
    message ProtectRequest {
        /// The state.
        1 state_id: uint32;
        /// The authenticated data.
        2 authenticated_data: bytes;
        /// The plaintext.
        3 plaintext: bytes;
    }
    /// `Protect` response.
    message ProtectResponse {
        /// The PrivateMessage as an MLSMessage.
        1 ciphertext: bytes;
    }
    /// `Unprotect` request.
    message UnprotectRequest {
        /// The state.
        1 state_id: uint32;
        /// The PrivateMessage as an MLSMessage.
        2 ciphertext: bytes;
    }
    /// `Unprotect` response.
    message UnprotectResponse {
        /// The authenticated data.
        1 authenticated_data: bytes;
        /// The plaintext.
        2 plaintext: bytes;
    }
    /// `StorePSK` request.
    message StorePSKRequest {
        /// A state or a pending join.
        1 state_or_transaction_id: uint32;
        /// The PSK id.
        2 psk_id: bytes;
        /// The PSK secret.
        3 psk_secret: bytes;
    }
    /// `StorePSK` response.
    message StorePSKResponse {}
    /// `AddProposal` request.
    message AddProposalRequest {
        /// The state.
        1 state_id: uint32;
        /// The KeyPackage as an MLSMessage.
        2 key_package: bytes;
    }
    /// Response of every proposal RPC.
    message ProposalResponse {
        /// The proposal as an MLSMessage.
        1 proposal: bytes;
    }
    /// `UpdateProposal` request.
    message UpdateProposalRequest {
        /// The state.
        1 state_id: uint32;
    }
    /// `RemoveProposal` request.
    message RemoveProposalRequest {
        /// The state.
        1 state_id: uint32;
        /// The identity of the member to remove.
        2 removed_id: bytes;
    }
    /// `ExternalPSKProposal` request.
    message ExternalPSKProposalRequest {
        /// The state.
        1 state_id: uint32;
        /// The PSK id.
        2 psk_id: bytes;
    }
    /// `ResumptionPSKProposal` request.
    message ResumptionPSKProposalRequest {
        /// The state.
        1 state_id: uint32;
        /// The epoch whose resumption PSK is used.
        2 epoch_id: uint64;
    }
    /// A GroupContext extension.
    message Extension {
        /// The uint16 extension type.
        1 extension_type: uint32;
        /// The extension data.
        2 extension_data: bytes;
    }
    /// `GroupContextExtensionsProposal` request.
    message GroupContextExtensionsProposalRequest {
        /// The state.
        1 state_id: uint32;
        /// The new extensions.
        2 extensions: repeated Extension;
    }
    /// A proposal given by value to `Commit` (`proposal_type` is `add`,
    /// `remove`, `externalPSK`, `resumptionPSK`, `groupContextExtensions` or
    /// `reinit`).
    message ProposalDescription {
        /// The proposal type name.
        1 proposal_type: bytes;
        /// For `add`.
        2 key_package: bytes;
        /// For `remove`: the member's identity.
        3 removed_id: bytes;
        /// For `externalPSK`.
        4 psk_id: bytes;
        /// For `resumptionPSK`.
        5 epoch_id: uint64;
        /// For `groupContextExtensions` and `reinit`.
        6 extensions: repeated Extension;
        /// For `reinit`.
        7 group_id: bytes;
        /// For `reinit`.
        8 cipher_suite: uint32;
    }
    /// `Commit` / `ReInitCommit` request.
    message CommitRequest {
        /// The state.
        1 state_id: uint32;
        /// Proposals (MLSMessages) to commit by reference.
        2 by_reference: repeated bytes;
        /// Proposals to commit by value.
        3 by_value: repeated ProposalDescription;
        /// Always include an UpdatePath.
        4 force_path: bool;
        /// Send the tree out of band.
        5 external_tree: bool;
    }
    /// `Commit` / `ReInitCommit` response.
    message CommitResponse {
        /// The Commit as an MLSMessage.
        1 commit: bytes;
        /// The Welcome, if members were added.
        2 welcome: bytes;
        /// The ratchet tree when `external_tree`.
        3 ratchet_tree: bytes;
    }
    /// `HandleCommit` / `HandleReInitCommit` request.
    message HandleCommitRequest {
        /// The state.
        1 state_id: uint32;
        /// Proposals (MLSMessages) to process first.
        2 proposal: repeated bytes;
        /// The Commit.
        3 commit: bytes;
    }
    /// `HandleCommit` / `HandlePendingCommit` response.
    message HandleCommitResponse {
        /// The new state.
        1 state_id: uint32;
        /// The epoch authenticator.
        2 epoch_authenticator: bytes;
    }
    /// `HandlePendingCommit` / `HandlePendingReInitCommit` request.
    message HandlePendingCommitRequest {
        /// The state.
        1 state_id: uint32;
    }
    /// `ReInitProposal` request.
    message ReInitProposalRequest {
        /// The state.
        1 state_id: uint32;
        /// The new suite.
        2 cipher_suite: uint32;
        /// The new group id.
        3 group_id: bytes;
        /// The new extensions.
        4 extensions: repeated Extension;
    }
    /// `HandlePendingReInitCommit` / `HandleReInitCommit` response.
    message HandleReInitCommitResponse {
        /// The pending ReInit.
        1 reinit_id: uint32;
        /// A KeyPackage for the new group.
        2 key_package: bytes;
        /// The epoch authenticator.
        3 epoch_authenticator: bytes;
    }
    /// `ReInitWelcome` request.
    message ReInitWelcomeRequest {
        /// The pending ReInit.
        1 reinit_id: uint32;
        /// The members' KeyPackages.
        2 key_package: repeated bytes;
        /// Always include an UpdatePath.
        3 force_path: bool;
        /// Send the tree out of band.
        4 external_tree: bool;
    }
    /// `ReInitWelcome` / `CreateBranch` response.
    message CreateSubgroupResponse {
        /// The new state.
        1 state_id: uint32;
        /// The Welcome.
        2 welcome: bytes;
        /// The ratchet tree when `external_tree`.
        3 ratchet_tree: bytes;
        /// The epoch authenticator.
        4 epoch_authenticator: bytes;
    }
    /// `HandleReInitWelcome` request.
    message HandleReInitWelcomeRequest {
        /// The pending ReInit.
        1 reinit_id: uint32;
        /// The Welcome.
        2 welcome: bytes;
        /// The ratchet tree when sent out of band.
        3 ratchet_tree: bytes;
    }
    /// `CreateBranch` request.
    message CreateBranchRequest {
        /// The state.
        1 state_id: uint32;
        /// The new group id.
        2 group_id: bytes;
        /// The new extensions.
        3 extensions: repeated Extension;
        /// The members' KeyPackages.
        4 key_packages: repeated bytes;
        /// Always include an UpdatePath.
        5 force_path: bool;
        /// Send the tree out of band.
        6 external_tree: bool;
    }
    /// `HandleBranch` request.
    message HandleBranchRequest {
        /// The state.
        1 state_id: uint32;
        /// The pending join.
        2 transaction_id: uint32;
        /// The Welcome.
        3 welcome: bytes;
        /// The ratchet tree when sent out of band.
        4 ratchet_tree: bytes;
    }
    /// `HandleBranch` response.
    message HandleBranchResponse {
        /// The new state.
        1 state_id: uint32;
        /// The epoch authenticator.
        2 epoch_authenticator: bytes;
    }
    /// `NewMemberAddProposal` request.
    message NewMemberAddProposalRequest {
        /// The GroupInfo.
        1 group_info: bytes;
        /// The joiner's identity.
        2 identity: bytes;
    }
    /// `NewMemberAddProposal` response.
    message NewMemberAddProposalResponse {
        /// The pending join.
        1 transaction_id: uint32;
        /// The proposal.
        2 proposal: bytes;
        /// The init private key.
        3 init_priv: bytes;
        /// The leaf encryption private key.
        4 encryption_priv: bytes;
        /// The signature private key.
        5 signature_priv: bytes;
    }
    /// `CreateExternalSigner` request.
    message CreateExternalSignerRequest {
        /// The uint16 suite id.
        1 cipher_suite: uint32;
        /// The signer's identity.
        2 identity: bytes;
    }
    /// `CreateExternalSigner` response.
    message CreateExternalSignerResponse {
        /// The signer.
        1 signer_id: uint32;
        /// The serialized ExternalSender.
        2 external_sender: bytes;
    }
    /// `AddExternalSigner` request.
    message AddExternalSignerRequest {
        /// The state.
        1 state_id: uint32;
        /// The serialized ExternalSender.
        2 external_sender: bytes;
    }
    /// Declared in the .proto but used by no RPC.
    message AddExternalSignerResponse {
        /// The proposal.
        1 proposal: bytes;
        /// The signer's index.
        2 signer_index: uint32;
    }
    /// `ExternalSignerProposal` request.
    message ExternalSignerProposalRequest {
        /// The signer.
        1 signer_id: uint32;
        /// The signer's index in external_senders.
        2 signer_index: uint32;
        /// The GroupInfo.
        3 group_info: bytes;
        /// The ratchet tree.
        4 ratchet_tree: bytes;
        /// What to propose.
        5 description: ProposalDescription;
    }
    /// `Free` request.
    message FreeRequest {
        /// The state.
        1 state_id: uint32;
    }
    /// `Free` response.
    message FreeResponse {}
}
