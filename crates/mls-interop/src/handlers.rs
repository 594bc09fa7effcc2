//! One synchronous handler per RPC, mapping the interop interface onto the
//! engine (`mls` facade over `mls-group`); every RPC of the official
//! interface answers for real (a feature the engine lacked would answer
//! [`InteropError::Unimplemented`] naming it).
//! Every handler leaves held states unchanged when it fails.

use mls::codec::{
    Extension as MlsExtension, ExtensionType, MlsMessageBody, PreSharedKeyId, Proposal, Psk,
    ResumptionPskUsage, VLBytes,
};
use mls::crypto::{CipherSuiteProvider, Secret};
use mls::{
    CipherSuite, CreateOptions, Credential, CryptoProvider, Group, InMemoryPskStore, JoinOptions,
    KeyPackageBuilder, KeyPackageBundle, ProcessedMessage,
};
use std::sync::Arc;

use crate::error::InteropError;
use crate::proto::*;
use crate::server_state::InteropServer;
use crate::state::{GroupState, Held, PendingJoin, config, decode_message, encode_message, engine};

/// The implementation name answered by `Name`.
pub const NAME: &str = concat!("mls-rs9420 ", env!("CARGO_PKG_VERSION"));

type Answer<T> = Result<T, InteropError>;

impl InteropServer {
    pub(crate) fn suite(&self, id: u32) -> Answer<Arc<dyn CipherSuiteProvider>> {
        let suite = u16::try_from(id)
            .ok()
            .and_then(|s| CipherSuite::from_id(s).ok())
            .ok_or(InteropError::UnsupportedSuite(id))?;
        self.provider
            .cipher_suite_provider(suite)
            .ok_or(InteropError::UnsupportedSuite(id))
    }

    fn key_package(&self, suite: u32, identity: &[u8]) -> Answer<KeyPackageBundle> {
        let cs = self.suite(suite)?;
        let signer = cs.signature_generate_key_pair().map_err(engine)?;
        KeyPackageBuilder::new()
            .build(cs.as_ref(), Credential::basic(identity), &signer)
            .map_err(engine)
    }

    /// Run `f` on the group state `id`.
    pub(crate) fn with_group<R>(
        &self,
        id: u32,
        f: impl FnOnce(&mut GroupState, &dyn CryptoProvider) -> Answer<R>,
    ) -> Answer<R> {
        let provider = &self.provider;
        self.held.with(id, |held| match held {
            Held::Group(state) => f(state, provider),
            other => Err(InteropError::WrongKind {
                id,
                wanted: "group state",
                found: other.kind(),
            }),
        })
    }
}

/// `Name`.
pub fn name(_: &InteropServer, _: NameRequest) -> Answer<NameResponse> {
    Ok(NameResponse { name: NAME.into() })
}

/// `SupportedCiphersuites`: every suite of the RFC 9420 registry (§17.1)
/// the provider runs.
pub fn supported_ciphersuites(
    server: &InteropServer,
    _: SupportedCiphersuitesRequest,
) -> Answer<SupportedCiphersuitesResponse> {
    Ok(SupportedCiphersuitesResponse {
        ciphersuites: CipherSuite::ALL
            .iter()
            .filter(|s| server.provider.cipher_suite_provider(**s).is_some())
            .map(|s| u32::from(s.id()))
            .collect(),
    })
}

/// `CreateGroup` (RFC 9420 §11).
pub fn create_group(
    server: &InteropServer,
    req: CreateGroupRequest,
) -> Answer<CreateGroupResponse> {
    let cs = server.suite(req.cipher_suite)?;
    let signer = cs.signature_generate_key_pair().map_err(engine)?;
    let group = Group::create(
        cs,
        Credential::basic(req.identity),
        std::sync::Arc::new(signer),
        config(req.encrypt_handshake, true),
        CreateOptions {
            group_id: Some(req.group_id),
            ..CreateOptions::default()
        },
    )
    .map_err(engine)?;
    let state_id = server.held.insert(Held::Group(Box::new(GroupState::new(
        group,
        InMemoryPskStore::new(),
    ))));
    Ok(CreateGroupResponse { state_id })
}

/// `CreateKeyPackage` (RFC 9420 §10): a pending join holding the private keys.
pub fn create_key_package(
    server: &InteropServer,
    req: CreateKeyPackageRequest,
) -> Answer<CreateKeyPackageResponse> {
    let bundle = server.key_package(req.cipher_suite, &req.identity)?;
    let key_package = encode_message(&mls::MlsMessage::new(MlsMessageBody::KeyPackage(
        bundle.key_package().clone(),
    )))?;
    let init_priv = bundle.init_private_key().as_bytes().to_vec();
    let encryption_priv = bundle.encryption_private_key().as_bytes().to_vec();
    let signature_priv = bundle
        .signature_private_key()
        .map(|k| k.as_bytes().to_vec())
        .unwrap_or_default();
    let transaction_id = server.held.insert(Held::Pending(Box::new(PendingJoin {
        bundle,
        psks: InMemoryPskStore::new(),
    })));
    Ok(CreateKeyPackageResponse {
        transaction_id,
        key_package,
        init_priv,
        encryption_priv,
        signature_priv,
    })
}

/// `JoinGroup` (RFC 9420 §12.4.3.1): the tree in the Welcome, or out of band
/// when `ratchet_tree` is not empty. The pending join is consumed on success.
pub fn join_group(server: &InteropServer, req: JoinGroupRequest) -> Answer<JoinGroupResponse> {
    let id = req.transaction_id;
    let (bundle, psks) = server.held.with(id, |held| match held {
        Held::Pending(p) => Ok((p.bundle.clone(), p.psks.clone())),
        other => Err(InteropError::WrongKind {
            id,
            wanted: "pending join",
            found: other.kind(),
        }),
    })?;
    let welcome = decode_message("the welcome", &req.welcome)?;
    let ratchet_tree = if req.ratchet_tree.is_empty() {
        None
    } else {
        Some(
            mls::codec::decode::<mls::RatchetTree>(&req.ratchet_tree).map_err(|e| {
                InteropError::InvalidArgument(format!("the ratchet tree does not parse: {e}"))
            })?,
        )
    };
    let (group, _used) = Group::join_with_psks(
        &server.provider,
        &welcome,
        &vec![bundle],
        &psks,
        config(req.encrypt_handshake, true),
        JoinOptions {
            ratchet_tree,
            ..JoinOptions::default()
        },
    )
    .map_err(engine)?;
    let epoch_authenticator = group.epoch_authenticator().to_vec();
    server.held.remove(id)?;
    let state_id = server
        .held
        .insert(Held::Group(Box::new(GroupState::new(group, psks))));
    Ok(JoinGroupResponse {
        state_id,
        epoch_authenticator,
    })
}

/// `StateAuth`: the epoch authenticator (RFC 9420 §8.7).
pub fn state_auth(server: &InteropServer, req: StateAuthRequest) -> Answer<StateAuthResponse> {
    server.with_group(req.state_id, |st, _| {
        Ok(StateAuthResponse {
            state_auth_secret: st.group.epoch_authenticator().to_vec(),
        })
    })
}

/// `Export`: MLS-Exporter (RFC 9420 §8.5).
pub fn export(server: &InteropServer, req: ExportRequest) -> Answer<ExportResponse> {
    let length = u16::try_from(req.key_length).map_err(|_| {
        InteropError::InvalidArgument(format!("key_length {} exceeds 65535", req.key_length))
    })?;
    server.with_group(req.state_id, |st, _| {
        let secret = st
            .group
            .export_secret(req.label.as_bytes(), &req.context, length)
            .map_err(engine)?;
        Ok(ExportResponse {
            exported_secret: secret.as_bytes().to_vec(),
        })
    })
}

/// `Protect`: an application message (RFC 9420 §6.3, §15).
pub fn protect(server: &InteropServer, req: ProtectRequest) -> Answer<ProtectResponse> {
    server.with_group(req.state_id, |st, _| {
        let message = st
            .group
            .encrypt_application_message(&req.plaintext, &req.authenticated_data)
            .map_err(engine)?;
        Ok(ProtectResponse {
            ciphertext: encode_message(&message)?,
        })
    })
}

/// `Unprotect`: decrypt an application message.
pub fn unprotect(server: &InteropServer, req: UnprotectRequest) -> Answer<UnprotectResponse> {
    server.with_group(req.state_id, |st, provider| {
        st.atomically(provider, |st| {
            let message = decode_message("the ciphertext", &req.ciphertext)?;
            match st
                .group
                .process_message_with_psks(&message, &st.psks)
                .map_err(engine)?
            {
                ProcessedMessage::Application(m) => Ok(UnprotectResponse {
                    authenticated_data: m.authenticated_data,
                    plaintext: m.data,
                }),
                _ => Err(InteropError::InvalidArgument(
                    "the ciphertext is not an application message".into(),
                )),
            }
        })
    })
}

/// `StorePSK`: an external PSK for a group state or a pending join.
pub fn store_psk(server: &InteropServer, req: StorePSKRequest) -> Answer<StorePSKResponse> {
    server.held.with(req.state_or_transaction_id, |held| {
        let store = match held {
            Held::Group(st) => &mut st.psks,
            Held::Pending(p) => &mut p.psks,
            Held::Signer(_) => {
                return Err(InteropError::WrongKind {
                    id: req.state_or_transaction_id,
                    wanted: "group state or pending join",
                    found: held.kind(),
                });
            }
            Held::ReInit(r) => &mut r.state.psks,
        };
        store.insert_external(req.psk_id, Secret::new(req.psk_secret));
        Ok(StorePSKResponse {})
    })
}

/// Send a proposal and remember it as ours.
fn propose(
    server: &InteropServer,
    state_id: u32,
    proposal: impl FnOnce(&GroupState) -> Answer<Proposal>,
) -> Answer<ProposalResponse> {
    server.with_group(state_id, |st, _| {
        let proposal = proposal(st)?;
        let message = st.group.propose().proposal(proposal).map_err(engine)?;
        Ok(ProposalResponse {
            proposal: st.sent_proposal(&message)?,
        })
    })
}

/// `AddProposal` (RFC 9420 §12.1.1).
pub fn add_proposal(server: &InteropServer, req: AddProposalRequest) -> Answer<ProposalResponse> {
    propose(server, req.state_id, |_| add_from(&req.key_package))
}

/// `UpdateProposal` (RFC 9420 §12.1.2): a fresh leaf key.
pub fn update_proposal(
    server: &InteropServer,
    req: UpdateProposalRequest,
) -> Answer<ProposalResponse> {
    server.with_group(req.state_id, |st, _| {
        let message = st.group.propose().update().map_err(engine)?;
        Ok(ProposalResponse {
            proposal: st.sent_proposal(&message)?,
        })
    })
}

/// `RemoveProposal` (RFC 9420 §12.1.3): the member is named by identity.
pub fn remove_proposal(
    server: &InteropServer,
    req: RemoveProposalRequest,
) -> Answer<ProposalResponse> {
    propose(server, req.state_id, |st| {
        Ok(remove(st.leaf_of(&req.removed_id)?))
    })
}

/// `ExternalPSKProposal` (RFC 9420 §12.1.4).
pub fn external_psk_proposal(
    server: &InteropServer,
    req: ExternalPSKProposalRequest,
) -> Answer<ProposalResponse> {
    propose(server, req.state_id, |st| {
        psk_proposal(
            st,
            Psk::External {
                psk_id: VLBytes::new(req.psk_id.clone()),
            },
        )
    })
}

/// `ResumptionPSKProposal` (RFC 9420 §12.1.4, §8.6).
pub fn resumption_psk_proposal(
    server: &InteropServer,
    req: ResumptionPSKProposalRequest,
) -> Answer<ProposalResponse> {
    propose(server, req.state_id, |st| resumption(st, req.epoch_id))
}

/// `GroupContextExtensionsProposal` (RFC 9420 §12.1.7).
pub fn group_context_extensions_proposal(
    server: &InteropServer,
    req: GroupContextExtensionsProposalRequest,
) -> Answer<ProposalResponse> {
    propose(server, req.state_id, |_| gce(&req.extensions))
}

fn add_from(key_package: &[u8]) -> Answer<Proposal> {
    let message = decode_message("the key package", key_package)?;
    match message.body {
        MlsMessageBody::KeyPackage(key_package) => {
            Ok(Proposal::from(mls::codec::Add { key_package }))
        }
        _ => Err(InteropError::InvalidArgument(
            "the key package is not a KeyPackage".into(),
        )),
    }
}

fn psk_proposal(st: &GroupState, psk: Psk) -> Answer<Proposal> {
    let cs = st.group.cipher_suite_provider();
    let nonce = cs
        .random_bytes(st.group.cipher_suite().hash().output_len())
        .map_err(engine)?;
    Ok(Proposal::from(mls::codec::PreSharedKeyProposal {
        psk: PreSharedKeyId {
            psk,
            psk_nonce: VLBytes::new(nonce),
        },
    }))
}

fn resumption(st: &GroupState, epoch: u64) -> Answer<Proposal> {
    psk_proposal(
        st,
        Psk::Resumption {
            usage: ResumptionPskUsage::Application,
            psk_group_id: VLBytes::new(st.group.group_id().to_vec()),
            psk_epoch: epoch,
        },
    )
}

/// Extensions of a request as wire extensions (RFC 9420 §13).
pub(crate) fn wire_extensions(extensions: &[Extension]) -> Answer<Vec<MlsExtension>> {
    extensions
        .iter()
        .map(|e| {
            let ty = u16::try_from(e.extension_type).map_err(|_| {
                InteropError::InvalidArgument(format!(
                    "extension type {} exceeds 65535",
                    e.extension_type
                ))
            })?;
            Ok(MlsExtension {
                extension_type: ExtensionType(ty),
                extension_data: VLBytes::new(e.extension_data.clone()),
            })
        })
        .collect()
}

fn gce(extensions: &[Extension]) -> Answer<Proposal> {
    Ok(Proposal::GroupContextExtensions(
        mls::codec::GroupContextExtensions {
            extensions: wire_extensions(extensions)?,
        },
    ))
}

/// A Remove of the member at `leaf` (RFC 9420 §12.1.3).
fn remove(leaf: mls::LeafIndex) -> Proposal {
    Proposal::Remove(mls::codec::Remove {
        removed: leaf.get(),
    })
}

/// A `ProposalDescription` as a proposal by value.
fn describe(st: &GroupState, d: &ProposalDescription) -> Answer<Proposal> {
    match d.proposal_type.as_slice() {
        b"add" => add_from(&d.key_package),
        b"remove" => Ok(remove(st.leaf_of(&d.removed_id)?)),
        b"externalPSK" => psk_proposal(
            st,
            Psk::External {
                psk_id: VLBytes::new(d.psk_id.clone()),
            },
        ),
        b"resumptionPSK" => resumption(st, d.epoch_id),
        b"groupContextExtensions" => gce(&d.extensions),
        b"reinit" => Ok(Proposal::ReInit(Box::new(mls::codec::ReInit {
            group_id: VLBytes::new(d.group_id.clone()),
            version: mls::codec::ProtocolVersion::MLS10,
            cipher_suite: mls::codec::CipherSuiteId(
                u16::try_from(d.cipher_suite)
                    .map_err(|_| InteropError::UnsupportedSuite(d.cipher_suite))?,
            ),
            extensions: wire_extensions(&d.extensions)?,
        }))),
        other => Err(InteropError::InvalidArgument(format!(
            "unknown proposal type {:?}",
            String::from_utf8_lossy(other)
        ))),
    }
}

/// `Commit` (RFC 9420 §12.4.1): proposals by reference (processed first,
/// ours skipped) and by value; the new epoch stays pending until
/// `HandlePendingCommit`. With `external_tree` the tree is returned
/// separately and left out of the Welcome.
pub fn commit(server: &InteropServer, req: CommitRequest) -> Answer<CommitResponse> {
    server.with_group(req.state_id, |st, provider| {
        st.atomically(provider, |st| {
            for p in &req.by_reference {
                st.receive_proposal(p)?;
            }
            let proposals = req
                .by_value
                .iter()
                .map(|d| describe(st, d))
                .collect::<Answer<Vec<_>>>()?;
            st.group.set_ratchet_tree_extension(!req.external_tree);
            let out = st
                .group
                .commit_builder()
                .proposals(proposals)
                .force_path(req.force_path)
                .psk_store(&st.psks)
                .build()
                .map_err(engine)?;
            let ratchet_tree = match (&out.ratchet_tree, req.external_tree) {
                (Some(tree), true) => mls::codec::encode(tree).map_err(engine)?,
                _ => Vec::new(),
            };
            Ok(CommitResponse {
                commit: out.commit_bytes,
                welcome: match &out.welcome {
                    Some(w) => encode_message(w)?,
                    None => Vec::new(),
                },
                ratchet_tree,
            })
        })
    })
}

/// `HandleCommit` (RFC 9420 §12.4.2): the proposals by reference, then the
/// Commit, merged.
pub fn handle_commit(
    server: &InteropServer,
    req: HandleCommitRequest,
) -> Answer<HandleCommitResponse> {
    server.with_group(req.state_id, |st, provider| {
        st.atomically(provider, |st| {
            for p in &req.proposal {
                st.receive_proposal(p)?;
            }
            st.receive_commit(&req.commit)?;
            Ok(HandleCommitResponse {
                state_id: req.state_id,
                epoch_authenticator: st.group.epoch_authenticator().to_vec(),
            })
        })
    })
}

/// `HandlePendingCommit`: merge our own pending Commit (RFC 9420 §14).
pub fn handle_pending_commit(
    server: &InteropServer,
    req: HandlePendingCommitRequest,
) -> Answer<HandleCommitResponse> {
    server.with_group(req.state_id, |st, provider| {
        st.atomically(provider, |st| {
            st.group.merge_pending_commit().map_err(engine)?;
            st.own_proposals.clear();
            st.group.set_ratchet_tree_extension(true);
            Ok(HandleCommitResponse {
                state_id: req.state_id,
                epoch_authenticator: st.group.epoch_authenticator().to_vec(),
            })
        })
    })
}

/// `GroupInfo` (RFC 9420 §12.4.3): signed, with `external_pub`; the tree in
/// the `ratchet_tree` extension, or returned separately with
/// `external_tree`.
pub fn group_info(server: &InteropServer, req: GroupInfoRequest) -> Answer<GroupInfoResponse> {
    server.with_group(req.state_id, |st, _| {
        let info = st
            .group
            .export_group_info(!req.external_tree)
            .map_err(engine)?;
        let ratchet_tree = if req.external_tree {
            mls::codec::encode(&st.group.export_ratchet_tree()).map_err(engine)?
        } else {
            Vec::new()
        };
        Ok(GroupInfoResponse {
            group_info: encode_message(&info)?,
            ratchet_tree,
        })
    })
}

/// `ExternalJoin` (RFC 9420 §12.4.3.2): join by external Commit from the
/// GroupInfo (the tree in its extension, or `ratchet_tree` out of band),
/// with the given external PSKs; with `remove_prior` the leaf holding our
/// identity is removed in the same Commit (resync).
pub fn external_join(
    server: &InteropServer,
    req: ExternalJoinRequest,
) -> Answer<ExternalJoinResponse> {
    let info = decode_message("the group info", &req.group_info)?;
    let MlsMessageBody::GroupInfo(group_info) = &info.body else {
        return Err(InteropError::InvalidArgument(
            "the group info is not a GroupInfo".into(),
        ));
    };
    let cs = server.suite(u32::from(group_info.group_context.cipher_suite.0))?;
    let out_of_band = if req.ratchet_tree.is_empty() {
        None
    } else {
        Some(
            mls::codec::decode::<mls::codec::RatchetTree>(&req.ratchet_tree).map_err(|e| {
                InteropError::InvalidArgument(format!("the ratchet tree does not parse: {e}"))
            })?,
        )
    };
    let mut psks = InMemoryPskStore::new();
    let mut psk_ids = Vec::with_capacity(req.psks.len());
    for psk in &req.psks {
        psks.insert_external(psk.psk_id.clone(), Secret::new(psk.psk_secret.clone()));
        let nonce = cs
            .random_bytes(cs.cipher_suite().hash_len())
            .map_err(engine)?;
        psk_ids.push(PreSharedKeyId {
            psk: Psk::External {
                psk_id: VLBytes::new(psk.psk_id.clone()),
            },
            psk_nonce: VLBytes::new(nonce),
        });
    }
    let prior = if req.remove_prior {
        Some(prior_leaf(group_info, out_of_band.as_ref(), &req.identity)?)
    } else {
        None
    };
    let signer = cs.signature_generate_key_pair().map_err(engine)?;
    let mut builder = Group::external_commit_builder(
        cs.clone(),
        &info,
        Credential::basic(req.identity.clone()),
        std::sync::Arc::new(signer),
    )
    .config(config(req.encrypt_handshake, true))
    .psk_store(&psks);
    for id in psk_ids {
        builder = builder.psk(id);
    }
    if let Some(tree) = out_of_band {
        builder = builder.ratchet_tree(tree);
    }
    if let Some(leaf) = prior {
        builder = builder.remove_prior_leaf(leaf);
    }
    let (group, out) = builder.build().map_err(engine)?;
    let epoch_authenticator = group.epoch_authenticator().to_vec();
    let state_id = server
        .held
        .insert(Held::Group(Box::new(GroupState::new(group, psks))));
    Ok(ExternalJoinResponse {
        state_id,
        commit: out.commit_bytes,
        epoch_authenticator,
    })
}

/// The leaf whose basic credential holds `identity` in the GroupInfo's tree
/// (its `ratchet_tree` extension, else the one given out of band).
fn prior_leaf(
    group_info: &mls::codec::GroupInfo,
    out_of_band: Option<&mls::codec::RatchetTree>,
    identity: &[u8],
) -> Answer<mls::LeafIndex> {
    let in_band =
        mls::codec::find_payload::<mls::codec::RatchetTreeExtension>(&group_info.extensions)
            .map_err(engine)?
            .map(|e| e.ratchet_tree);
    let tree = in_band
        .as_ref()
        .or(out_of_band)
        .ok_or_else(|| InteropError::InvalidArgument("no ratchet tree for the resync".into()))?;
    // Leaves are the even nodes of the array (RFC 9420 §7.1, §12.4.3.3).
    let mut found = None;
    for node in tree.nodes() {
        let (index, node) = node.map_err(engine)?;
        if let mls::codec::Node::Leaf(leaf) = node
            && matches!(&leaf.credential, Credential::Basic { identity: id } if id.as_slice() == identity)
        {
            found = mls::LeafIndex::new(index / 2).ok();
            break;
        }
    }
    found.ok_or_else(|| {
        InteropError::InvalidArgument(format!(
            "no leaf of the identity {:?} to remove",
            String::from_utf8_lossy(identity)
        ))
    })
}

/// `Free`: drop a state or pending join.
pub fn free(server: &InteropServer, req: FreeRequest) -> Answer<FreeResponse> {
    server.held.remove(req.state_id)?;
    Ok(FreeResponse {})
}

pub use crate::resumption::{
    create_branch, handle_branch, handle_pending_re_init_commit, handle_re_init_commit,
    handle_re_init_welcome, re_init_commit, re_init_proposal, re_init_welcome,
};
