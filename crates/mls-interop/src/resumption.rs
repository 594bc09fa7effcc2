//! The resumption RPCs (RFC 9420 §11.2 reinitialization, §11.3 branching):
//! `ReInitProposal`, `ReInitCommit`, `HandlePendingReInitCommit`,
//! `HandleReInitCommit`, `ReInitWelcome`, `HandleReInitWelcome`,
//! `CreateBranch` and `HandleBranch`.
//!
//! Once a member has merged the ReInit Commit, its group state moves under a
//! `reinit_id` ([`Held::ReInit`]) together with a fresh KeyPackage of its
//! identity in the successor's suite; `ReInitWelcome` creates the successor
//! from there, `HandleReInitWelcome` joins it. Every handler leaves held
//! states unchanged when it fails.

use mls::codec::MlsMessageBody;
use mls::codec::ProtocolVersion;
use mls::group::{ResumptionOptions, ResumptionOutput};
use mls::{
    CipherSuite, CryptoProvider, Group, InMemoryPskStore, JoinOptions, KeyPackageBuilder,
    LoadOptions,
};

use crate::error::InteropError;
use crate::handlers::{commit, handle_commit, handle_pending_commit, wire_extensions};
use crate::proto::*;
use crate::server_state::InteropServer;
use crate::state::{
    GroupState, Held, PendingReInit, config, decode_message, encode_message, engine,
};

type Answer<T> = Result<T, InteropError>;

/// The ratchet tree given out of band, if any.
fn out_of_band_tree(bytes: &[u8]) -> Answer<Option<mls::RatchetTree>> {
    if bytes.is_empty() {
        return Ok(None);
    }
    mls::codec::decode::<mls::RatchetTree>(bytes)
        .map(Some)
        .map_err(|e| InteropError::InvalidArgument(format!("the ratchet tree does not parse: {e}")))
}

/// KeyPackages in MLSMessages.
fn key_packages(list: &[Vec<u8>]) -> Answer<Vec<mls::codec::KeyPackage>> {
    list.iter()
        .map(|bytes| match decode_message("a key package", bytes)?.body {
            MlsMessageBody::KeyPackage(kp) => Ok(kp),
            _ => Err(InteropError::InvalidArgument(
                "a key package is not a KeyPackage".into(),
            )),
        })
        .collect()
}

/// A suite by its wire id.
fn suite_of(id: u32) -> Answer<CipherSuite> {
    u16::try_from(id)
        .ok()
        .and_then(|s| CipherSuite::from_id(s).ok())
        .ok_or(InteropError::UnsupportedSuite(id))
}

/// The new group's response: held under a fresh `state_id`.
fn subgroup_response(
    server: &InteropServer,
    mut group: Group,
    out: ResumptionOutput,
    external_tree: bool,
) -> Answer<CreateSubgroupResponse> {
    let welcome = match &out.welcome {
        Some(w) => encode_message(w)?,
        None => Vec::new(),
    };
    let ratchet_tree = match (&out.ratchet_tree, external_tree) {
        (Some(tree), true) => mls::codec::encode(tree).map_err(engine)?,
        _ => Vec::new(),
    };
    let epoch_authenticator = group.epoch_authenticator().to_vec();
    // Later Welcomes of the new group carry the tree again.
    group.set_ratchet_tree_extension(true);
    let state_id = server.held.insert(Held::Group(Box::new(GroupState::new(
        group,
        InMemoryPskStore::new(),
    ))));
    Ok(CreateSubgroupResponse {
        state_id,
        welcome,
        ratchet_tree,
        epoch_authenticator,
    })
}

/// `ReInitProposal` (RFC 9420 §12.1.5): a ReInit to the given suite, group
/// id and extensions, protocol mls10.
pub fn re_init_proposal(
    server: &InteropServer,
    req: ReInitProposalRequest,
) -> Answer<ProposalResponse> {
    let suite = suite_of(req.cipher_suite)?;
    let extensions = wire_extensions(&req.extensions)?;
    server.with_group(req.state_id, |st, _| {
        let message = st
            .group
            .propose()
            .reinit(req.group_id, ProtocolVersion::MLS10, suite, extensions)
            .map_err(engine)?;
        Ok(ProposalResponse {
            proposal: st.sent_proposal(&message)?,
        })
    })
}

/// `ReInitCommit` (RFC 9420 §11.2 step 2): a `Commit` that must cover a
/// ReInit (and, by §12.2, nothing else).
pub fn re_init_commit(server: &InteropServer, req: CommitRequest) -> Answer<CommitResponse> {
    let state_id = req.state_id;
    let (before, settings, own) = server.with_group(state_id, |st, _| {
        Ok((
            st.group.to_bytes().map_err(engine)?,
            st.group.config().clone(),
            st.own_proposals.clone(),
        ))
    })?;
    let response = commit(server, req)?;
    server.with_group(state_id, |st, provider| {
        if st.group.pending_commit().and_then(|i| i.reinit()).is_some() {
            return Ok(());
        }
        // Not a ReInit Commit: the state goes back to what it was.
        st.group = Group::from_bytes_with_options(
            &before,
            provider,
            LoadOptions::default().with_runtime_of(&settings),
        )
        .map_err(engine)?;
        st.own_proposals = own;
        Err(InteropError::InvalidArgument(
            "the Commit covers no ReInit proposal".into(),
        ))
    })?;
    Ok(response)
}

/// Move the reinitialized group `state_id` under a new `reinit_id` with a
/// KeyPackage of our identity in the successor's suite.
fn into_reinit(
    server: &InteropServer,
    state_id: u32,
    epoch_authenticator: Vec<u8>,
) -> Answer<HandleReInitCommitResponse> {
    let (suite, credential) = server.with_group(state_id, |st, _| {
        let reinit = st.group.pending_reinit().ok_or_else(|| {
            InteropError::InvalidArgument("the Commit held no ReInit proposal".into())
        })?;
        let own = st
            .group
            .member(st.group.own_leaf())
            .ok_or_else(|| engine("our leaf is blank"))?;
        Ok((u32::from(reinit.cipher_suite.0), own.credential))
    })?;
    let cs = server.suite(suite)?;
    let signer = cs.signature_generate_key_pair().map_err(engine)?;
    let bundle = KeyPackageBuilder::new()
        .build(cs.as_ref(), credential, &signer)
        .map_err(engine)?;
    let key_package = encode_message(&mls::MlsMessage::new(MlsMessageBody::KeyPackage(
        bundle.key_package().clone(),
    )))?;
    let Held::Group(state) = server.held.remove(state_id)? else {
        return Err(engine("the group state changed kind"));
    };
    let reinit_id = server.held.insert(Held::ReInit(Box::new(PendingReInit {
        state: *state,
        bundle,
    })));
    Ok(HandleReInitCommitResponse {
        reinit_id,
        key_package,
        epoch_authenticator,
    })
}

/// `HandlePendingReInitCommit`: merge our own ReInit Commit (RFC 9420 §14,
/// §11.2); the group state becomes a pending ReInit.
pub fn handle_pending_re_init_commit(
    server: &InteropServer,
    req: HandlePendingCommitRequest,
) -> Answer<HandleReInitCommitResponse> {
    let state_id = req.state_id;
    let merged = handle_pending_commit(server, req)?;
    into_reinit(server, state_id, merged.epoch_authenticator)
}

/// `HandleReInitCommit`: process and merge a member's ReInit Commit (RFC
/// 9420 §12.4.2, §11.2); the group state becomes a pending ReInit.
pub fn handle_re_init_commit(
    server: &InteropServer,
    req: HandleCommitRequest,
) -> Answer<HandleReInitCommitResponse> {
    let state_id = req.state_id;
    let merged = handle_commit(server, req)?;
    into_reinit(server, state_id, merged.epoch_authenticator)
}

/// Run `f` on the pending ReInit `id`.
fn with_reinit<R>(
    server: &InteropServer,
    id: u32,
    f: impl FnOnce(&mut PendingReInit, &dyn CryptoProvider) -> Answer<R>,
) -> Answer<R> {
    let provider = &server.provider;
    server.held.with(id, |held| match held {
        Held::ReInit(pending) => f(pending, provider),
        other => Err(InteropError::WrongKind {
            id,
            wanted: "pending reinit",
            found: other.kind(),
        }),
    })
}

/// `ReInitWelcome` (RFC 9420 §11.2 step 3): create the successor with the
/// other members' KeyPackages; our leaf in it uses the KeyPackage made for
/// the ReInit.
pub fn re_init_welcome(
    server: &InteropServer,
    req: ReInitWelcomeRequest,
) -> Answer<CreateSubgroupResponse> {
    let key_packages = key_packages(&req.key_package)?;
    let (group, out) = with_reinit(server, req.reinit_id, |pending, _| {
        let old = &pending.state.group;
        let suite = pending.bundle.key_package().cipher_suite.0;
        let cs = server.suite(u32::from(suite))?;
        let signer = pending.bundle.signer().ok_or_else(|| {
            InteropError::InvalidArgument("the reinit KeyPackage holds no signature key".into())
        })?;
        old.reinit_successor(
            cs,
            std::sync::Arc::new(signer),
            key_packages,
            ResumptionOptions {
                config: config(old.config().encrypt_handshake, !req.external_tree),
                force_path: req.force_path,
                ..ResumptionOptions::default()
            },
        )
        .map_err(engine)
    })?;
    subgroup_response(server, group, out, req.external_tree)
}

/// `HandleReInitWelcome` (RFC 9420 §11.2): join the successor with the
/// KeyPackage made for the ReInit.
pub fn handle_re_init_welcome(
    server: &InteropServer,
    req: HandleReInitWelcomeRequest,
) -> Answer<JoinGroupResponse> {
    let welcome = decode_message("the welcome", &req.welcome)?;
    let ratchet_tree = out_of_band_tree(&req.ratchet_tree)?;
    let group = with_reinit(server, req.reinit_id, |pending, provider| {
        let old = &pending.state.group;
        old.join_reinit_successor(
            provider,
            &welcome,
            &pending.bundle,
            config(old.config().encrypt_handshake, true),
            JoinOptions {
                ratchet_tree,
                signer: None,
            },
        )
        .map(|(group, _used)| group)
        .map_err(engine)
    })?;
    let epoch_authenticator = group.epoch_authenticator().to_vec();
    let state_id = server.held.insert(Held::Group(Box::new(GroupState::new(
        group,
        InMemoryPskStore::new(),
    ))));
    Ok(JoinGroupResponse {
        state_id,
        epoch_authenticator,
    })
}

/// `CreateBranch` (RFC 9420 §11.3): a subgroup with the given group id,
/// extensions and members' KeyPackages, in this group's suite.
pub fn create_branch(
    server: &InteropServer,
    req: CreateBranchRequest,
) -> Answer<CreateSubgroupResponse> {
    let key_packages = key_packages(&req.key_packages)?;
    let extensions = wire_extensions(&req.extensions)?;
    let (group, out) = server.with_group(req.state_id, |st, _| {
        let cs = st.group.cipher_suite_provider().clone();
        let signer = cs.signature_generate_key_pair().map_err(engine)?;
        st.group
            .branch(
                std::sync::Arc::new(signer),
                req.group_id,
                extensions,
                key_packages,
                ResumptionOptions {
                    config: config(st.group.config().encrypt_handshake, !req.external_tree),
                    force_path: req.force_path,
                    ..ResumptionOptions::default()
                },
            )
            .map_err(engine)
    })?;
    subgroup_response(server, group, out, req.external_tree)
}

/// `HandleBranch` (RFC 9420 §11.3): join the subgroup with the pending
/// join's KeyPackage; the pending join is consumed on success.
pub fn handle_branch(
    server: &InteropServer,
    req: HandleBranchRequest,
) -> Answer<HandleBranchResponse> {
    let id = req.transaction_id;
    let bundle = server.held.with(id, |held| match held {
        Held::Pending(p) => Ok(p.bundle.clone()),
        other => Err(InteropError::WrongKind {
            id,
            wanted: "pending join",
            found: other.kind(),
        }),
    })?;
    let welcome = decode_message("the welcome", &req.welcome)?;
    let ratchet_tree = out_of_band_tree(&req.ratchet_tree)?;
    let group = server.with_group(req.state_id, |st, provider| {
        st.group
            .join_branch(
                provider,
                &welcome,
                &bundle,
                config(st.group.config().encrypt_handshake, true),
                JoinOptions {
                    ratchet_tree,
                    signer: None,
                },
            )
            .map(|(group, _used)| group)
            .map_err(engine)
    })?;
    let epoch_authenticator = group.epoch_authenticator().to_vec();
    server.held.remove(id)?;
    let state_id = server.held.insert(Held::Group(Box::new(GroupState::new(
        group,
        InMemoryPskStore::new(),
    ))));
    Ok(HandleBranchResponse {
        state_id,
        epoch_authenticator,
    })
}
