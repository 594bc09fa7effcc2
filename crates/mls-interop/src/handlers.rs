//! One synchronous handler per RPC, mapping the interop interface onto the
//! engine. Handlers for features the engine does not have answer
//! [`InteropError::Unimplemented`] naming the feature.

use crate::error::InteropError;
use crate::proto::*;
use crate::server::InteropServer;

/// The implementation name answered by `Name`.
pub const NAME: &str = concat!("mls-rs9420 ", env!("CARGO_PKG_VERSION"));

/// What the server holds under an id.
#[derive(Debug)]
pub enum Held {}

type Answer<T> = Result<T, InteropError>;

/// `Name`.
pub fn name(_: &InteropServer, _: NameRequest) -> Answer<NameResponse> {
    Ok(NameResponse { name: NAME.into() })
}

/// `SupportedCiphersuites`: every suite of the RFC 9420 registry (§17.1).
pub fn supported_ciphersuites(
    _: &InteropServer,
    _: SupportedCiphersuitesRequest,
) -> Answer<SupportedCiphersuitesResponse> {
    Ok(SupportedCiphersuitesResponse {
        ciphersuites: mls_crypto::CipherSuite::ALL
            .iter()
            .map(|s| u32::from(s.id()))
            .collect(),
    })
}

macro_rules! unimplemented_rpcs {
    ($($(#[$doc:meta])* $name:ident($req:ty) -> $resp:ty = $feature:literal;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(_: &InteropServer, _: $req) -> Answer<$resp> {
                Err(InteropError::Unimplemented($feature))
            }
        )*
    };
}

unimplemented_rpcs! {
    /// `CreateGroup`.
    create_group(CreateGroupRequest) -> CreateGroupResponse = "group creation";
    /// `CreateKeyPackage`.
    create_key_package(CreateKeyPackageRequest) -> CreateKeyPackageResponse = "KeyPackages";
    /// `JoinGroup`.
    join_group(JoinGroupRequest) -> JoinGroupResponse = "Welcome processing";
    /// `ExternalJoin`.
    external_join(ExternalJoinRequest) -> ExternalJoinResponse = "external join (external Commit, RFC 9420 §12.4.3.2)";
    /// `GroupInfo`.
    group_info(GroupInfoRequest) -> GroupInfoResponse = "GroupInfo";
    /// `StateAuth`.
    state_auth(StateAuthRequest) -> StateAuthResponse = "epoch authenticator";
    /// `Export`.
    export(ExportRequest) -> ExportResponse = "exporter";
    /// `Protect`.
    protect(ProtectRequest) -> ProtectResponse = "application messages";
    /// `Unprotect`.
    unprotect(UnprotectRequest) -> UnprotectResponse = "application messages";
    /// `StorePSK`.
    store_psk(StorePSKRequest) -> StorePSKResponse = "external PSKs";
    /// `AddProposal`.
    add_proposal(AddProposalRequest) -> ProposalResponse = "Add proposals";
    /// `UpdateProposal`.
    update_proposal(UpdateProposalRequest) -> ProposalResponse = "Update proposals";
    /// `RemoveProposal`.
    remove_proposal(RemoveProposalRequest) -> ProposalResponse = "Remove proposals";
    /// `ExternalPSKProposal`.
    external_psk_proposal(ExternalPSKProposalRequest) -> ProposalResponse = "PreSharedKey proposals";
    /// `ResumptionPSKProposal`.
    resumption_psk_proposal(ResumptionPSKProposalRequest) -> ProposalResponse = "PreSharedKey proposals";
    /// `GroupContextExtensionsProposal`.
    group_context_extensions_proposal(GroupContextExtensionsProposalRequest) -> ProposalResponse = "GroupContextExtensions proposals";
    /// `Commit`.
    commit(CommitRequest) -> CommitResponse = "Commit";
    /// `HandleCommit`.
    handle_commit(HandleCommitRequest) -> HandleCommitResponse = "Commit processing";
    /// `HandlePendingCommit`.
    handle_pending_commit(HandlePendingCommitRequest) -> HandleCommitResponse = "Commit";
    /// `ReInitProposal`.
    re_init_proposal(ReInitProposalRequest) -> ProposalResponse = "ReInit (RFC 9420 §11.2)";
    /// `ReInitCommit`.
    re_init_commit(CommitRequest) -> CommitResponse = "ReInit (RFC 9420 §11.2)";
    /// `HandlePendingReInitCommit`.
    handle_pending_re_init_commit(HandlePendingCommitRequest) -> HandleReInitCommitResponse = "ReInit (RFC 9420 §11.2)";
    /// `HandleReInitCommit`.
    handle_re_init_commit(HandleCommitRequest) -> HandleReInitCommitResponse = "ReInit (RFC 9420 §11.2)";
    /// `ReInitWelcome`.
    re_init_welcome(ReInitWelcomeRequest) -> CreateSubgroupResponse = "ReInit (RFC 9420 §11.2)";
    /// `HandleReInitWelcome`.
    handle_re_init_welcome(HandleReInitWelcomeRequest) -> JoinGroupResponse = "ReInit (RFC 9420 §11.2)";
    /// `CreateBranch`.
    create_branch(CreateBranchRequest) -> CreateSubgroupResponse = "subgroup branching (RFC 9420 §11.3)";
    /// `HandleBranch`.
    handle_branch(HandleBranchRequest) -> HandleBranchResponse = "subgroup branching (RFC 9420 §11.3)";
    /// `NewMemberAddProposal`.
    new_member_add_proposal(NewMemberAddProposalRequest) -> NewMemberAddProposalResponse = "new-member proposals (RFC 9420 §12.1.8)";
    /// `CreateExternalSigner`.
    create_external_signer(CreateExternalSignerRequest) -> CreateExternalSignerResponse = "external senders (RFC 9420 §12.1.8.1)";
    /// `AddExternalSigner`.
    add_external_signer(AddExternalSignerRequest) -> ProposalResponse = "external senders (RFC 9420 §12.1.8.1)";
    /// `ExternalSignerProposal`.
    external_signer_proposal(ExternalSignerProposalRequest) -> ProposalResponse = "external senders (RFC 9420 §12.1.8.1)";
}

/// `Free`: drop a state, pending join or signer.
pub fn free(server: &InteropServer, req: FreeRequest) -> Answer<FreeResponse> {
    server.held.remove(req.state_id)?;
    Ok(FreeResponse {})
}
