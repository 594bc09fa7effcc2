//! Every encoded struct found in the other official vector files (owned by
//! other layers) decodes with all bytes used and re-encodes identically
//! (V-2.1-12). This catches codec gaps before the upper layers hit them.

use mls_codec::tls_codec::Serialize;
use mls_codec::{
    AuthenticatedContent, Commit, Decode, MlsMessage, Proposal, RatchetTree, UpdatePath,
};
use mls_vectors::{Case, CaseError, CaseResult, ensure_bytes_eq};

fn round_trip_hex<T: Decode + Serialize>(what: &str, bytes: &[u8]) -> CaseResult {
    let value: T = mls_codec::decode(bytes)
        .map_err(|e| CaseError::failed(format!("{what}: decode failed: {e}")))?;
    let again = mls_codec::encode(&value)
        .map_err(|e| CaseError::failed(format!("{what}: encode failed: {e}")))?;
    ensure_bytes_eq(what, &again, bytes)
}

fn field<T: Decode + Serialize>(case: &Case<'_>, name: &str) -> CaseResult {
    round_trip_hex::<T>(name, &case.bytes(name)?)
}

fn run(file: &str, check: impl Fn(&Case<'_>) -> CaseResult) {
    let report = mls_vectors::run_file(file, check).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.passed() > 0, "{file}: no cases ran");
    report.assert_all_passed();
}

#[test]
fn welcome_json_structs() {
    run("welcome.json", |c| {
        field::<MlsMessage>(c, "key_package")?;
        field::<MlsMessage>(c, "welcome")
    });
}

#[test]
fn message_protection_json_structs() {
    run("message-protection.json", |c| {
        field::<Proposal>(c, "proposal")?;
        field::<Commit>(c, "commit")?;
        for f in [
            "proposal_pub",
            "proposal_priv",
            "commit_pub",
            "commit_priv",
            "application_priv",
        ] {
            field::<MlsMessage>(c, f)?;
        }
        Ok(())
    });
}

fn passive(c: &Case<'_>) -> CaseResult {
    field::<MlsMessage>(c, "key_package")?;
    field::<MlsMessage>(c, "welcome")?;
    if let Some(tree) = c.opt_bytes("ratchet_tree")? {
        round_trip_hex::<RatchetTree>("ratchet_tree", &tree)?;
    }
    for epoch in c.array("epochs")? {
        for p in epoch.field("proposals")?.as_array().into_iter().flatten() {
            let bytes = hex::decode(p.as_str().unwrap_or_default())
                .map_err(|e| CaseError::failed(e.to_string()))?;
            round_trip_hex::<MlsMessage>("proposal", &bytes)?;
        }
        field::<MlsMessage>(&epoch, "commit")?;
    }
    Ok(())
}

#[test]
fn passive_client_json_structs() {
    run("passive-client-welcome.json", passive);
    run("passive-client-handling-commit.json", passive);
    run("passive-client-random.json", passive);
}

#[test]
fn tree_json_structs() {
    run("tree-validation.json", |c| field::<RatchetTree>(c, "tree"));
    run("tree-operations.json", |c| {
        field::<Proposal>(c, "proposal")?;
        field::<RatchetTree>(c, "tree_before")?;
        field::<RatchetTree>(c, "tree_after")
    });
    run("treekem.json", |c| {
        field::<RatchetTree>(c, "ratchet_tree")?;
        for p in c.array("update_paths")? {
            field::<UpdatePath>(&p, "update_path")?;
        }
        Ok(())
    });
}

#[test]
fn transcript_hashes_json_structs() {
    run("transcript-hashes.json", |c| {
        field::<AuthenticatedContent>(c, "authenticated_content")
    });
}
