//! The interop RPCs of proposals from outside the group (RFC 9420 §12.1.8):
//! `NewMemberAddProposal` (a joiner's own Add, sender `new_member_proposal`),
//! `CreateExternalSigner` (a delivery service's key and `ExternalSender`
//! entry), `AddExternalSigner` (a member's GroupContextExtensions proposal
//! listing it in `external_senders`) and `ExternalSignerProposal` (a
//! proposal signed by that external sender, from the group's GroupInfo).
//! The engine side is `mls::non_member`.

use std::sync::Arc;

use mls::codec::{
    CipherSuiteId, Extension as MlsExtension, ExtensionType, ExternalSender, ExternalSenders,
    MlsMessageBody, PreSharedKeyId, Psk, ResumptionPskUsage, VLBytes,
};
use mls::crypto::CipherSuiteProvider;
use mls::non_member::{ExternalProposer, PublicGroupState};
use mls::{
    CipherSuite, Credential, CryptoProvider, GroupConfig, InMemoryPskStore, KeyPackageBuilder,
};

use crate::error::InteropError;
use crate::proto::*;
use crate::server_state::InteropServer;
use crate::state::{ExternalSigner, Held, PendingJoin, decode_message, encode_message, engine};

type Answer<T> = Result<T, InteropError>;

fn suite(server: &InteropServer, id: u32) -> Answer<Arc<dyn CipherSuiteProvider>> {
    let suite = u16::try_from(id)
        .ok()
        .and_then(|s| CipherSuite::from_id(s).ok())
        .ok_or(InteropError::UnsupportedSuite(id))?;
    server
        .provider
        .cipher_suite_provider(suite)
        .ok_or(InteropError::UnsupportedSuite(id))
}

/// The group's public state from request bytes: a GroupInfo MLSMessage and
/// the tree out of band (empty bytes when it is in the GroupInfo).
fn public_state(
    server: &InteropServer,
    group_info: &[u8],
    ratchet_tree: &[u8],
) -> Answer<PublicGroupState> {
    let info = decode_message("the group info", group_info)?;
    let MlsMessageBody::GroupInfo(gi) = &info.body else {
        return Err(InteropError::InvalidArgument(
            "the group info is not a GroupInfo".into(),
        ));
    };
    let cs = suite(server, u32::from(gi.group_context.cipher_suite.0))?;
    let tree = if ratchet_tree.is_empty() {
        None
    } else {
        Some(
            mls::codec::decode::<mls::codec::RatchetTree>(ratchet_tree).map_err(|e| {
                InteropError::InvalidArgument(format!("the ratchet tree does not parse: {e}"))
            })?,
        )
    };
    PublicGroupState::from_group_info(cs, &info, tree, GroupConfig::default()).map_err(engine)
}

/// `NewMemberAddProposal` (RFC 9420 §12.1.8): a KeyPackage for the
/// GroupInfo's suite and our own Add of it; the KeyPackage waits, as a
/// pending join, for the Welcome of the Commit that takes the Add.
pub fn new_member_add_proposal(
    server: &InteropServer,
    req: NewMemberAddProposalRequest,
) -> Answer<NewMemberAddProposalResponse> {
    let state = public_state(server, &req.group_info, &[])?;
    let cs = state.cipher_suite_provider().clone();
    let signer = cs.signature_generate_key_pair().map_err(engine)?;
    let bundle = KeyPackageBuilder::new()
        .build(cs.as_ref(), Credential::basic(req.identity), &signer)
        .map_err(engine)?;
    let proposal = encode_message(&state.new_member_add(&bundle).map_err(engine)?)?;
    let init_priv = bundle.init_private_key().as_bytes().to_vec();
    let encryption_priv = bundle.encryption_private_key().as_bytes().to_vec();
    let signature_priv = bundle
        .signature_private_key()
        .map(|key| key.as_bytes().to_vec())
        .unwrap_or_default();
    let transaction_id = server.held.insert(Held::Pending(Box::new(PendingJoin {
        bundle,
        psks: InMemoryPskStore::new(),
    })));
    Ok(NewMemberAddProposalResponse {
        transaction_id,
        proposal,
        init_priv,
        encryption_priv,
        signature_priv,
    })
}

/// `CreateExternalSigner` (RFC 9420 §12.1.8.1): a signature key pair in
/// the suite and the serialized `ExternalSender` naming it.
pub fn create_external_signer(
    server: &InteropServer,
    req: CreateExternalSignerRequest,
) -> Answer<CreateExternalSignerResponse> {
    let cs = suite(server, req.cipher_suite)?;
    let key = cs.signature_generate_key_pair().map_err(engine)?;
    let credential = Credential::basic(req.identity);
    let external_sender = mls::codec::encode(&ExternalSender {
        signature_key: key.public_key.clone().into(),
        credential: credential.clone(),
    })
    .map_err(engine)?;
    let signer_id = server.held.insert(Held::Signer(Box::new(ExternalSigner {
        cs,
        key,
        credential,
    })));
    Ok(CreateExternalSignerResponse {
        signer_id,
        external_sender,
    })
}

/// `AddExternalSigner` (RFC 9420 §12.1.7, §12.1.8.1): a
/// GroupContextExtensions proposal of the group's extensions with the
/// signer appended to `external_senders` (the extension created if absent,
/// kept in place otherwise: a GCE replaces the whole list).
pub fn add_external_signer(
    server: &InteropServer,
    req: AddExternalSignerRequest,
) -> Answer<ProposalResponse> {
    let entry = mls::codec::decode::<ExternalSender>(&req.external_sender).map_err(|e| {
        InteropError::InvalidArgument(format!("the external sender does not parse: {e}"))
    })?;
    let id = req.state_id;
    server.held.with(id, |held| {
        let Held::Group(st) = held else {
            return Err(InteropError::WrongKind {
                id,
                wanted: "group state",
                found: held.kind(),
            });
        };
        let mut extensions = st.group.extensions().to_vec();
        let mut senders = mls::codec::find_payload::<ExternalSenders>(&extensions)
            .map_err(engine)?
            .unwrap_or_else(|| ExternalSenders(Vec::new()));
        senders.0.push(entry);
        let extension = MlsExtension::from_payload(&senders).map_err(engine)?;
        match extensions
            .iter_mut()
            .find(|e| e.extension_type == ExtensionType::EXTERNAL_SENDERS)
        {
            Some(e) => *e = extension,
            None => extensions.push(extension),
        }
        let message = st
            .group
            .propose()
            .group_context_extensions(extensions)
            .map_err(engine)?;
        Ok(ProposalResponse {
            proposal: st.sent_proposal(&message)?,
        })
    })
}

/// `ExternalSignerProposal` (RFC 9420 §12.1.8.1): the described proposal,
/// signed by the external signer, for the epoch of the GroupInfo (tree in
/// it or out of band). The runner always sends `signer_index` 0, so the
/// signer's index is where the group lists its key (`signer_index` if that
/// entry holds it, else the first entry that does).
pub fn external_signer_proposal(
    server: &InteropServer,
    req: ExternalSignerProposalRequest,
) -> Answer<ProposalResponse> {
    let id = req.signer_id;
    let signer = server.held.with(id, |held| match held {
        Held::Signer(s) => Ok((**s).clone()),
        other => Err(InteropError::WrongKind {
            id,
            wanted: "external signer",
            found: other.kind(),
        }),
    })?;
    let state = public_state(server, &req.group_info, &req.ratchet_tree)?;
    if state.cipher_suite_provider().cipher_suite() != signer.cs.cipher_suite() {
        return Err(InteropError::InvalidArgument(
            "the signer's suite is not the group's".into(),
        ));
    }
    let listed = state
        .external_senders()
        .map_err(engine)?
        .get(usize::try_from(req.signer_index).unwrap_or(usize::MAX))
        .is_some_and(|e| e.signature_key.as_slice() == signer.key.public_key.as_slice());
    let index = if listed {
        req.signer_index
    } else {
        ExternalProposer::index_of(&state, &signer.key.public_key)
            .map_err(engine)?
            .ok_or_else(|| {
                InteropError::InvalidArgument(
                    "the group's external_senders does not list the signer".into(),
                )
            })?
    };
    let description = req.description.unwrap_or_default();
    let proposer = ExternalProposer::new(state, signer.key, index).map_err(engine)?;
    let message = propose(&proposer, &description)?;
    Ok(ProposalResponse {
        proposal: encode_message(&message)?,
    })
}

/// The described proposal (RFC 9420 §12.1), made by `proposer`.
fn propose(proposer: &ExternalProposer, d: &ProposalDescription) -> Answer<mls::codec::MlsMessage> {
    let state = proposer.state();
    let cs = state.cipher_suite_provider();
    let psk = |psk: Psk| -> Answer<PreSharedKeyId> {
        let nonce = cs
            .random_bytes(cs.cipher_suite().hash_len())
            .map_err(engine)?;
        Ok(PreSharedKeyId {
            psk,
            psk_nonce: VLBytes::new(nonce),
        })
    };
    let made = match d.proposal_type.as_slice() {
        b"add" => {
            let message = decode_message("the key package", &d.key_package)?;
            let MlsMessageBody::KeyPackage(key_package) = message.body else {
                return Err(InteropError::InvalidArgument(
                    "the key package is not a KeyPackage".into(),
                ));
            };
            proposer.add(key_package)
        }
        b"remove" => {
            let leaf = state
                .members()
                .into_iter()
                .find(|m| matches!(&m.credential, Credential::Basic { identity } if identity.as_slice() == d.removed_id.as_slice()))
                .map(|m| m.leaf_index)
                .ok_or_else(|| {
                    InteropError::InvalidArgument(format!(
                        "no member has the identity {:?}",
                        String::from_utf8_lossy(&d.removed_id)
                    ))
                })?;
            proposer.remove(leaf)
        }
        b"externalPSK" => proposer.psk(psk(Psk::External {
            psk_id: VLBytes::new(d.psk_id.clone()),
        })?),
        b"resumptionPSK" => proposer.psk(psk(Psk::Resumption {
            usage: ResumptionPskUsage::Application,
            psk_group_id: VLBytes::new(state.group_id().to_vec()),
            psk_epoch: d.epoch_id,
        })?),
        b"groupContextExtensions" => proposer.group_context_extensions(extensions(&d.extensions)?),
        b"reinit" => {
            let suite = u16::try_from(d.cipher_suite).map_err(|_| {
                InteropError::InvalidArgument(format!("suite {} exceeds 65535", d.cipher_suite))
            })?;
            proposer.reinit(
                d.group_id.clone(),
                CipherSuiteId(suite),
                extensions(&d.extensions)?,
            )
        }
        other => {
            return Err(InteropError::InvalidArgument(format!(
                "unknown proposal type {:?}",
                String::from_utf8_lossy(other)
            )));
        }
    };
    made.map_err(engine)
}

fn extensions(list: &[Extension]) -> Answer<Vec<MlsExtension>> {
    list.iter()
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
