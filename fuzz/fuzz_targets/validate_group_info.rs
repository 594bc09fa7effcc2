//! GroupInfo validation as an external joiner does it before it trusts a
//! GroupInfo (RFC 9420 §12.4.3.1, §12.4.3.3): decode the MLSMessage, import
//! and validate the `ratchet_tree` extension against the GroupContext's
//! tree hash (leaves, parent hashes, key uniqueness), then verify the
//! signature under the signer's leaf key. Never panics; the tree import
//! stays within the heap bound.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_codec::extensions::{RatchetTreeExtension, find_payload};
use mls_codec::{GroupInfo, MlsMessage, MlsMessageBody};
use mls_fuzz::fixture;
use mls_group::welcome::verify_group_info_signature;
use mls_treekem::{LeafIndex, TreeView, validate_wire_tree};

fuzz_target!(|data: &[u8]| {
    let Some(message) = mls_fuzz::check_decode_round_trip::<MlsMessage>(data) else {
        return;
    };
    if let MlsMessageBody::GroupInfo(group_info) = &message.body {
        let bound = mls_fuzz::decode_bound(data.len());
        let _ = mls_fuzz::with_heap_bound(bound, || validate(group_info));
    }
});

/// Every check; the reason of the first failure.
fn validate(group_info: &GroupInfo) -> Result<(), &'static str> {
    let context = &group_info.group_context;
    let cs = mls_fuzz::suite_provider(context.cipher_suite.0).ok_or("unsupported suite")?;
    let tree = find_payload::<RatchetTreeExtension>(&group_info.extensions)
        .map_err(|_| "bad extension")?
        .ok_or("no ratchet_tree extension")?
        .ratchet_tree;
    let policy = fixture::config().leaf_policy();
    let tree = validate_wire_tree(
        tree,
        &*cs,
        context.group_id.as_slice(),
        context.tree_hash.as_slice(),
        &policy,
    )
    .map_err(|_| "invalid tree")?;
    let signer = LeafIndex::new(group_info.signer)
        .ok()
        .and_then(|leaf| tree.leaf(leaf))
        .ok_or("signer not in the tree")?;
    verify_group_info_signature(&*cs, group_info, signer.signature_key.as_slice())
        .map_err(|_| "bad signature")
}
