// Shared by build.rs (which generates the tonic service from it) and the
// crate (which tests it against mls_client.proto), so it is plain data.

/// Every RPC of `mls_client.MLSClient`, in the order of `mls_client.proto`:
/// (route name, request message, response message).
pub const RPCS: &[(&str, &str, &str)] = &[
    ("Name", "NameRequest", "NameResponse"),
    ("SupportedCiphersuites", "SupportedCiphersuitesRequest", "SupportedCiphersuitesResponse"),
    ("CreateGroup", "CreateGroupRequest", "CreateGroupResponse"),
    ("CreateKeyPackage", "CreateKeyPackageRequest", "CreateKeyPackageResponse"),
    ("JoinGroup", "JoinGroupRequest", "JoinGroupResponse"),
    ("ExternalJoin", "ExternalJoinRequest", "ExternalJoinResponse"),
    ("GroupInfo", "GroupInfoRequest", "GroupInfoResponse"),
    ("StateAuth", "StateAuthRequest", "StateAuthResponse"),
    ("Export", "ExportRequest", "ExportResponse"),
    ("Protect", "ProtectRequest", "ProtectResponse"),
    ("Unprotect", "UnprotectRequest", "UnprotectResponse"),
    ("StorePSK", "StorePSKRequest", "StorePSKResponse"),
    ("AddProposal", "AddProposalRequest", "ProposalResponse"),
    ("UpdateProposal", "UpdateProposalRequest", "ProposalResponse"),
    ("RemoveProposal", "RemoveProposalRequest", "ProposalResponse"),
    ("ExternalPSKProposal", "ExternalPSKProposalRequest", "ProposalResponse"),
    ("ResumptionPSKProposal", "ResumptionPSKProposalRequest", "ProposalResponse"),
    ("GroupContextExtensionsProposal", "GroupContextExtensionsProposalRequest", "ProposalResponse"),
    ("Commit", "CommitRequest", "CommitResponse"),
    ("HandleCommit", "HandleCommitRequest", "HandleCommitResponse"),
    ("HandlePendingCommit", "HandlePendingCommitRequest", "HandleCommitResponse"),
    ("ReInitProposal", "ReInitProposalRequest", "ProposalResponse"),
    ("ReInitCommit", "CommitRequest", "CommitResponse"),
    ("HandlePendingReInitCommit", "HandlePendingCommitRequest", "HandleReInitCommitResponse"),
    ("HandleReInitCommit", "HandleCommitRequest", "HandleReInitCommitResponse"),
    ("ReInitWelcome", "ReInitWelcomeRequest", "CreateSubgroupResponse"),
    ("HandleReInitWelcome", "HandleReInitWelcomeRequest", "JoinGroupResponse"),
    ("CreateBranch", "CreateBranchRequest", "CreateSubgroupResponse"),
    ("HandleBranch", "HandleBranchRequest", "HandleBranchResponse"),
    ("NewMemberAddProposal", "NewMemberAddProposalRequest", "NewMemberAddProposalResponse"),
    ("CreateExternalSigner", "CreateExternalSignerRequest", "CreateExternalSignerResponse"),
    ("AddExternalSigner", "AddExternalSignerRequest", "ProposalResponse"),
    ("ExternalSignerProposal", "ExternalSignerProposalRequest", "ProposalResponse"),
    ("Free", "FreeRequest", "FreeResponse"),
];

/// The Rust method name of an RPC route name (`StorePSK` -> `store_psk`,
/// `ReInitProposal` -> `re_init_proposal`).
pub fn rust_method_name(route: &str) -> String {
    let chars: Vec<char> = route.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev_lower = chars[i - 1].is_ascii_lowercase();
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev_lower || (chars[i - 1].is_ascii_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}
