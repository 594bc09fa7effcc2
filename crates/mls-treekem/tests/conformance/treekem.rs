//! Check of the official `treekem.json` (RFC 9420 §7.4-§7.6, §7.9,
//! §12.4.2): for each UpdatePath, merge it (parent hash and leaf signature
//! checked), compare the new root hash, and let every other member with
//! private state decrypt it and agree on the path secret and commit secret;
//! then generate a fresh UpdatePath as the same sender and have every other
//! member process it. The GroupContext uses the epoch as given (not
//! incremented), the new tree hash and no extensions.

use mls_codec::{CipherSuiteId, GroupContext, ProtocolVersion, UpdatePath, VLBytes};
use mls_crypto::{
    CipherSuite, CipherSuiteProvider, CryptoProvider, HpkePrivateKey, Secret, SignatureKeyPair,
    SignaturePrivateKey,
};
use mls_crypto_rustcrypto::RustCryptoProvider;
use mls_treekem::{
    LeafIndex, LeafValidationPolicy, NodeIndex, RatchetTree, TreePrivateKeys, TreeView,
    UpdatePathInput, apply_update_path, prepare_update_path,
};
use mls_vectors::{Case, CaseError, CaseResult, ensure, ensure_bytes_eq};

/// A member with private state in the vector.
struct Member {
    leaf: LeafIndex,
    keys: TreePrivateKeys,
    signer: SignatureKeyPair,
}

/// The serialized provisional GroupContext of the case with `tree_hash`.
fn group_context(case: &Case<'_>, tree_hash: &[u8]) -> Result<Vec<u8>, CaseError> {
    let gc = GroupContext {
        version: ProtocolVersion::MLS10,
        cipher_suite: CipherSuiteId(case.cipher_suite()?),
        group_id: VLBytes::new(case.bytes("group_id")?),
        epoch: case.u64("epoch")?,
        tree_hash: VLBytes::new(tree_hash.to_vec()),
        confirmed_transcript_hash: VLBytes::new(case.bytes("confirmed_transcript_hash")?),
        extensions: Vec::new(),
    };
    Ok(mls_codec::encode(&gc)?)
}

fn load_members(
    case: &Case<'_>,
    tree: &RatchetTree,
    cs: &dyn CipherSuiteProvider,
) -> Result<Vec<Member>, CaseError> {
    let mut members = Vec::new();
    for p in case.array("leaves_private")? {
        let leaf = LeafIndex::new(p.u32("index")?)?;
        let enc = HpkePrivateKey::from(p.bytes("encryption_priv")?);
        let public = cs.hpke_public_key(&enc)?;
        let in_tree = tree
            .leaf(leaf)
            .map(|l| l.encryption_key.as_slice().to_vec())
            .unwrap_or_default();
        ensure_bytes_eq(
            &format!("leaf {} encryption key", leaf.get()),
            &public,
            &in_tree,
        )?;
        let mut keys = TreePrivateKeys::new(leaf, enc);
        for ps in p.array("path_secrets")? {
            let node = NodeIndex::new(ps.u32("node")?);
            keys.insert_from_path_secret(tree, cs, node, &ps.bytes("path_secret")?)?;
        }
        members.push(Member {
            leaf,
            keys,
            signer: SignatureKeyPair::from_private_key(
                cs,
                SignaturePrivateKey::from(p.bytes("signature_priv")?),
            )?,
        });
    }
    Ok(members)
}

/// Check one case of `treekem.json`.
pub fn check(case: &Case<'_>) -> CaseResult {
    let suite_id = case.cipher_suite()?;
    let suite = CipherSuite::from_id(suite_id)
        .map_err(|_| CaseError::UnsupportedSuite(u64::from(suite_id)))?;
    let provider = RustCryptoProvider::new();
    let cs = provider
        .cipher_suite_provider(suite)
        .ok_or(CaseError::UnsupportedSuite(u64::from(suite_id)))?;
    let cs = cs.as_ref();
    let policy = LeafValidationPolicy::without_time_checks();
    let group_id = case.bytes("group_id")?;

    let mut tree = RatchetTree::from_bytes(&case.bytes("ratchet_tree")?)?;
    tree.tree_hash(cs)?;
    let members = load_members(case, &tree, cs)?;

    for (k, up) in case.array("update_paths")?.iter().enumerate() {
        let sender = LeafIndex::new(up.u32("sender")?)?;
        let path: UpdatePath = mls_codec::decode(&up.bytes("update_path")?)?;

        // Processing the given UpdatePath.
        let mut diff = tree.diff();
        let applied = apply_update_path(&mut diff, cs, sender, &path, &group_id, &[], &policy)?;
        let tree_hash = diff.tree_hash(cs)?;
        ensure_bytes_eq(
            &format!("update_paths[{k}] tree_hash_after"),
            &tree_hash,
            &up.bytes("tree_hash_after")?,
        )?;
        let gc = group_context(case, &tree_hash)?;
        let secrets = up
            .field("path_secrets")?
            .as_array()
            .ok_or_else(|| CaseError::failed("path_secrets is not an array"))?;
        let commit_secret = up.bytes("commit_secret")?;
        for m in members.iter().filter(|m| m.leaf != sender) {
            let got = applied.decrypt(&diff, cs, &m.keys, &gc)?;
            let want = secrets
                .get(m.leaf.as_usize())
                .and_then(|v| v.as_str())
                .ok_or_else(|| {
                    CaseError::failed(format!("no path secret for leaf {}", m.leaf.get()))
                })?;
            let want = hex::decode(want).map_err(|e| CaseError::failed(e.to_string()))?;
            ensure_bytes_eq(
                &format!("update_paths[{k}] path secret of leaf {}", m.leaf.get()),
                got.decrypted.1.as_bytes(),
                &want,
            )?;
            ensure_bytes_eq(
                &format!("update_paths[{k}] commit secret at leaf {}", m.leaf.get()),
                got.commit_secret.as_bytes(),
                &commit_secret,
            )?;
        }
        drop(applied);
        drop(diff);

        // Generating a fresh UpdatePath as the same sender.
        let me = members
            .iter()
            .find(|m| m.leaf == sender)
            .ok_or_else(|| CaseError::failed("sender has no private state"))?;
        let template = tree
            .leaf(sender)
            .cloned()
            .ok_or_else(|| CaseError::failed("sender leaf is blank"))?;
        let leaf_secret = Secret::new(cs.random_bytes(cs.cipher_suite().hash_len())?);
        let mut diff = tree.diff();
        let prepared = prepare_update_path(
            &mut diff,
            cs,
            UpdatePathInput {
                sender,
                group_id: &group_id,
                leaf_secret: &leaf_secret,
                leaf_template: &template,
                signer: &me.signer,
            },
        )?;
        let new_hash = diff.tree_hash(cs)?;
        let gc = group_context(case, &new_hash)?;
        let created = prepared.encrypt(&diff, cs, &gc, &[])?;
        drop(diff);
        for m in members.iter().filter(|m| m.leaf != sender) {
            let mut diff = tree.diff();
            let applied = apply_update_path(
                &mut diff,
                cs,
                sender,
                &created.update_path,
                &group_id,
                &[],
                &policy,
            )?;
            let hash = diff.tree_hash(cs)?;
            ensure(hash == new_hash, || {
                format!(
                    "update_paths[{k}]: generated path gives another tree hash at leaf {}",
                    m.leaf.get()
                )
            })?;
            let got = applied.decrypt(&diff, cs, &m.keys, &gc)?;
            ensure_bytes_eq(
                &format!(
                    "update_paths[{k}] generated commit secret at leaf {}",
                    m.leaf.get()
                ),
                got.commit_secret.as_bytes(),
                created.commit_secret.as_bytes(),
            )?;
        }
    }
    Ok(())
}
