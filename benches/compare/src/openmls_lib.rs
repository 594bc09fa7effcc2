//! openmls (the crates.io release) on `openmls_rust_crypto`, with
//! `openmls_basic_credential` and its in-memory storage, through its public
//! API only.
//!
//! openmls writes a group's state into the provider's storage on every
//! merge (there is no separate "persist" step), so its `process_update`
//! and `process_update_persist` are the same operation, timed twice.

use std::collections::HashMap;

use openmls::prelude::tls_codec::{Deserialize, Serialize};
use openmls::prelude::*;
use openmls_basic_credential::SignatureKeyPair;
use openmls_rust_crypto::OpenMlsRustCrypto;
use openmls_traits::OpenMlsProvider;

use crate::harness::{BoxError, Harness, agree, heap_now, payload};
use crate::scenario as s;

fn suite(n: u16) -> Ciphersuite {
    match n {
        1 => Ciphersuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519,
        _ => Ciphersuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256,
    }
}

/// One identity: its signer and credential.
struct Identity {
    signer: SignatureKeyPair,
    credential: CredentialWithKey,
}

fn identity(cs: Ciphersuite, name: &str) -> Result<Identity, BoxError> {
    let signer = SignatureKeyPair::new(cs.signature_algorithm())?;
    let credential = CredentialWithKey {
        credential: BasicCredential::new(name.as_bytes().to_vec()).into(),
        signature_key: signer.public().into(),
    };
    Ok(Identity { signer, credential })
}

fn key_package(
    cs: Ciphersuite,
    provider: &OpenMlsRustCrypto,
    id: &Identity,
) -> Result<Vec<u8>, BoxError> {
    let bundle = KeyPackage::builder().build(cs, provider, &id.signer, id.credential.clone())?;
    Ok(bundle.key_package().tls_serialize_detached()?)
}

fn protocol_message(bytes: &[u8]) -> Result<ProtocolMessage, BoxError> {
    Ok(MlsMessageIn::tls_deserialize_exact(bytes)?.try_into_protocol_message()?)
}

fn join_config() -> MlsGroupJoinConfig {
    MlsGroupJoinConfig::builder()
        .use_ratchet_tree_extension(true)
        .wire_format_policy(MIXED_PLAINTEXT_WIRE_FORMAT_POLICY)
        .padding_size(0)
        .build()
}

/// Decode a received Commit, stage it and merge it.
fn process_commit(
    g: &mut MlsGroup,
    provider: &OpenMlsRustCrypto,
    bytes: &[u8],
) -> Result<(), BoxError> {
    let processed = g.process_message(provider, protocol_message(bytes)?)?;
    let ProcessedMessageContent::StagedCommitMessage(staged) = processed.into_content() else {
        return Err("not a Commit".into());
    };
    g.merge_staged_commit(provider, *staged)?;
    Ok(())
}

fn add_commit(
    g: &mut MlsGroup,
    provider: &OpenMlsRustCrypto,
    signer: &SignatureKeyPair,
    kps: &[Vec<u8>],
    path: bool,
) -> Result<(Vec<u8>, Vec<u8>), BoxError> {
    let adds = kps
        .iter()
        .map(|b| {
            Ok(KeyPackageIn::tls_deserialize_exact(b)?
                .validate(provider.crypto(), ProtocolVersion::Mls10)?)
        })
        .collect::<Result<Vec<_>, BoxError>>()?;
    let (commit, welcome, _) = if path {
        g.add_members(provider, signer, &adds)?
    } else {
        g.add_members_without_update(provider, signer, &adds)?
    };
    Ok((commit.to_bytes()?, welcome.to_bytes()?))
}

fn storage_snapshot(p: &OpenMlsRustCrypto) -> Result<HashMap<Vec<u8>, Vec<u8>>, BoxError> {
    Ok(p.storage().values.read().map_err(|_| "poisoned")?.clone())
}

fn storage_restore(
    p: &OpenMlsRustCrypto,
    values: &HashMap<Vec<u8>, Vec<u8>>,
) -> Result<(), BoxError> {
    *p.storage().values.write().map_err(|_| "poisoned")? = values.clone();
    Ok(())
}

fn none(_: &mut impl Sized, _: usize) -> Result<(), BoxError> {
    Ok(())
}

/// Every scenario at one suite and group size.
pub fn run(h: &Harness, suite_no: u16, n: usize, with_key_package: bool) -> Result<(), BoxError> {
    let cs = suite(suite_no);
    if with_key_package {
        let provider = OpenMlsRustCrypto::default();
        let id = identity(cs, "member")?;
        h.time(
            s::KEY_PACKAGE,
            &mut (),
            none,
            |_, ()| key_package(cs, &provider, &id),
            |_, _, bytes| match bytes.is_empty() {
                true => Err("empty KeyPackage".into()),
                false => Ok(()),
            },
        )?;
    }

    // Joiners that join keep their own provider (storage); the others
    // publish through one shared provider.
    let publisher = OpenMlsRustCrypto::default();
    let mut keep = Vec::new();
    let mut kp_bytes = Vec::with_capacity(n - 1);
    for i in 0..n - 1 {
        let id = identity(cs, &format!("member {i}"))?;
        if i < h.runs {
            let provider = OpenMlsRustCrypto::default();
            kp_bytes.push(key_package(cs, &provider, &id)?);
            keep.push((provider, id));
        } else {
            kp_bytes.push(key_package(cs, &publisher, &id)?);
        }
    }
    let provider = OpenMlsRustCrypto::default();
    let me = identity(cs, "creator")?;
    let mut creator = MlsGroup::builder()
        .ciphersuite(cs)
        .use_ratchet_tree_extension(true)
        .with_wire_format_policy(MIXED_PLAINTEXT_WIRE_FORMAT_POLICY)
        .padding_size(0)
        .build(&provider, &me.signer, me.credential.clone())?;

    let clear = |g: &mut MlsGroup, i: usize| {
        if i > 0 {
            g.clear_pending_commit(provider.storage())?;
        }
        Ok::<_, BoxError>(())
    };
    h.time(
        s::ADD_NOPATH,
        &mut creator,
        clear,
        |g, ()| add_commit(g, &provider, &me.signer, &kp_bytes, false),
        |_, _, _| Ok(()),
    )?;
    creator.clear_pending_commit(provider.storage())?;
    let mut welcome = Vec::new();
    h.time(
        s::ADD_PATH,
        &mut creator,
        clear,
        |g, ()| add_commit(g, &provider, &me.signer, &kp_bytes, true),
        |_, _, (_, w)| {
            welcome = w;
            Ok(())
        },
    )?;
    creator.merge_pending_commit(&provider)?;

    // Joining: joiner i joins in run i, into its own provider; the heap
    // retained counts the group and what it stored.
    let mut joined = Vec::new();
    let mut heap = (0usize, 0usize);
    let mut keep = keep.into_iter();
    let config = join_config();
    h.time(
        s::JOIN,
        &mut heap,
        |heap, _| {
            let joiner = keep.next().ok_or("no joiner left")?;
            heap.0 = heap_now();
            Ok::<_, BoxError>(joiner)
        },
        |_, (p, id)| {
            let MlsMessageBodyIn::Welcome(w) =
                MlsMessageIn::tls_deserialize_exact(&welcome)?.extract()
            else {
                return Err("not a Welcome".into());
            };
            let group = StagedWelcome::new_from_welcome(&p, &config, w, None)?.into_group(&p)?;
            Ok((group, p, id))
        },
        |heap, _, (group, p, id)| {
            heap.1 = heap_now().saturating_sub(heap.0);
            agree(
                "join",
                group.epoch_authenticator().as_slice(),
                creator.epoch_authenticator().as_slice(),
            )?;
            joined.push((group, p, id));
            Ok(())
        },
    )?;
    h.bytes(s::HEAP_MEMBER, heap.1 as u64);
    let (mut member, member_provider, member_id) =
        joined.into_iter().next().ok_or("nobody joined")?;

    let mut update = Vec::new();
    h.time(
        s::SELF_UPDATE,
        &mut creator,
        clear,
        |g, ()| {
            let bundle = g.self_update(&provider, &me.signer, LeafNodeParameters::default())?;
            Ok(bundle.into_commit().to_bytes()?)
        },
        |_, _, bytes| {
            update = bytes;
            Ok(())
        },
    )?;
    creator.merge_pending_commit(&provider)?;
    let authenticator = creator.epoch_authenticator().as_slice().to_vec();

    // Processing by the member at leaf 1, each run from the storage as it
    // was before (restored and loaded outside the timing).
    let snapshot = storage_snapshot(&member_provider)?;
    let group_id = member.group_id().clone();
    for name in [s::PROCESS_UPDATE, s::PROCESS_UPDATE_PERSIST] {
        h.time(
            name,
            &mut (),
            |_, _| {
                storage_restore(&member_provider, &snapshot)?;
                MlsGroup::load(member_provider.storage(), &group_id)?
                    .ok_or_else(|| BoxError::from("group not in storage"))
            },
            |_, mut g| {
                process_commit(&mut g, &member_provider, &update)?;
                Ok(g)
            },
            |_, _, g| agree(name, g.epoch_authenticator().as_slice(), &authenticator),
        )?;
    }
    storage_restore(&member_provider, &snapshot)?;
    process_commit(&mut member, &member_provider, &update)?;
    agree(
        "member",
        member.epoch_authenticator().as_slice(),
        &authenticator,
    )?;

    // Persisted bytes: keys and values of the member's storage.
    let values: usize = storage_snapshot(&member_provider)?
        .iter()
        .map(|(k, v)| k.len() + v.len())
        .sum();
    h.bytes(s::PERSISTED_VALUES, values as u64);
    h.skip(s::PERSISTED_FILE, "in-memory storage only");

    let data = payload();
    for (name, forward) in [(s::APP_A_TO_B, true), (s::APP_B_TO_A, false)] {
        h.time(
            name,
            &mut (&mut creator, &mut member),
            none,
            |(a, b), ()| {
                let (from, from_p, from_s, to, to_p) = if forward {
                    (a, &provider, &me.signer, b, &member_provider)
                } else {
                    (b, &member_provider, &member_id.signer, a, &provider)
                };
                let bytes = from.create_message(from_p, from_s, &data)?.to_bytes()?;
                let processed = to.process_message(to_p, protocol_message(&bytes)?)?;
                match processed.into_content() {
                    ProcessedMessageContent::ApplicationMessage(m) => Ok(m.into_bytes()),
                    _ => Err("not an application message".into()),
                }
            },
            |_, _, got| match got == data {
                true => Ok(()),
                false => Err("application data differs".into()),
            },
        )?;
    }
    Ok(())
}
