//! The error type of the ratchet-tree layer.
//!
//! Variants are grouped by cause; each names the RFC 9420 section and, where
//! one exists, the VALIDATION.md rule id (`V-...`) that the input broke, so a
//! test can check which rule fired and not only that something failed.

use mls_codec::{CodecError, Rule};
use mls_crypto::CryptoError;
use mls_treemath::TreeMathError;
use thiserror::Error;

/// Everything a ratchet-tree operation can fail with.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TreeKemError {
    // ---- Lower layers ------------------------------------------------------
    /// A struct could not be encoded or decoded (RFC 9420 §2.1).
    #[error("codec: {0}")]
    Codec(#[from] CodecError),
    /// A cryptographic primitive failed (see the inner error).
    #[error("crypto: {0}")]
    Crypto(#[from] CryptoError),
    /// An index was outside the tree (RFC 9420 Appendix C).
    #[error("tree math: {0}")]
    TreeMath(#[from] TreeMathError),

    // ---- Shape of a tree received from outside (§12.4.3.3) ----------------
    /// RFC 9420 §12.4.3.3 (V-12.4.3.3-03): the `ratchet_tree` vector is empty.
    #[error("RFC 9420 §12.4.3.3 (V-12.4.3.3-03): empty ratchet tree")]
    EmptyTree,
    /// RFC 9420 §12.4.3.3 (V-12.4.3.3-03): more nodes than this implementation accepts.
    #[error("RFC 9420 §12.4.3.3 (V-12.4.3.3-03): {nodes} nodes exceed the maximum {max}")]
    TreeTooLarge {
        /// Nodes in the received vector.
        nodes: usize,
        /// The accepted maximum.
        max: usize,
    },
    /// RFC 9420 §12.4.3.3 (V-12.4.3.3-01): the last node of the vector is blank.
    #[error("RFC 9420 §12.4.3.3 (V-12.4.3.3-01): trailing blank node in the ratchet tree")]
    TrailingBlankNode,
    /// RFC 9420 §12.4.3.3, Appendix C (V-12.4.3.3-02): a leaf node at an odd
    /// (parent) position or a parent node at an even (leaf) position.
    #[error(
        "RFC 9420 §12.4.3.3 (V-12.4.3.3-02): node {node} has the wrong node type for its position"
    )]
    WrongNodeType {
        /// The offending node index.
        node: u32,
    },

    /// A stored tree-hash cache ([`crate::RatchetTree::hash_cache_bytes`])
    /// does not fit the tree it is restored onto.
    #[error("stored tree-hash cache does not fit the tree: {0}")]
    HashCacheMismatch(&'static str),
    /// Stored tree parts ([`crate::RatchetTree::part_bytes`]) do not
    /// assemble into a tree of the stated size: a part missing, extra,
    /// truncated or of the wrong shape.
    #[error("stored tree parts do not fit the tree: {0}")]
    TreePartMismatch(&'static str),

    // ---- Addressing ---------------------------------------------------------
    /// A leaf that must be occupied is blank (e.g. the sender of an update).
    #[error("RFC 9420 §7: leaf {leaf} is blank")]
    BlankLeaf {
        /// The leaf index.
        leaf: u32,
    },
    /// RFC 9420 §7.7: the tree cannot grow beyond 2^31 leaves.
    #[error("RFC 9420 §7.7: the tree cannot be extended further")]
    TreeFull,

    // ---- Unmerged leaves (§7.1, §12.4.3.1) ---------------------------------
    /// RFC 9420 §7.1 (V-7.1-01): `unmerged_leaves` not strictly ascending.
    #[error("RFC 9420 §7.1 (V-7.1-01): unmerged_leaves of node {node} are unsorted or duplicated")]
    UnmergedLeavesNotSorted {
        /// The parent node.
        node: u32,
    },
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-16): an unmerged leaf outside the parent's subtree.
    #[error("RFC 9420 §12.4.3.1 (V-12.4.3.1-16): unmerged leaf {leaf} is not below node {node}")]
    UnmergedLeafNotDescendant {
        /// The parent node.
        node: u32,
        /// The listed leaf.
        leaf: u32,
    },
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-15): an unmerged leaf that is blank.
    #[error("RFC 9420 §12.4.3.1 (V-12.4.3.1-15): unmerged leaf {leaf} of node {node} is blank")]
    UnmergedLeafBlank {
        /// The parent node.
        node: u32,
        /// The listed leaf.
        leaf: u32,
    },
    /// RFC 9420 §12.4.3.1 (V-12.4.3.1-17): a non-blank node between an
    /// unmerged leaf and the parent listing it does not list the leaf.
    #[error(
        "RFC 9420 §12.4.3.1 (V-12.4.3.1-17): node {node} lacks unmerged leaf {leaf} listed by its ancestor {ancestor}"
    )]
    UnmergedLeafMissingBelow {
        /// The intermediate node missing the entry.
        node: u32,
        /// The ancestor that lists the leaf.
        ancestor: u32,
        /// The leaf.
        leaf: u32,
    },

    // ---- Key uniqueness (§7.3, §12.4.3.1) ----------------------------------
    /// RFC 9420 §7.3, §12.4.3.1 (V-7.3-17, V-12.4.3.1-14, V-12.4.3.1-18): two
    /// nodes share an encryption key.
    #[error(
        "RFC 9420 §7.3/§12.4.3.1 (V-7.3-17, V-12.4.3.1-14/18): nodes {first} and {second} share an encryption key"
    )]
    DuplicateEncryptionKey {
        /// The first node holding the key.
        first: u32,
        /// The second node holding the key.
        second: u32,
    },
    /// RFC 9420 §7.3, §12.4.3.1 (V-7.3-16, V-12.4.3.1-14): two leaves share a signature key.
    #[error(
        "RFC 9420 §7.3/§12.4.3.1 (V-7.3-16, V-12.4.3.1-14): leaves {first} and {second} share a signature key"
    )]
    DuplicateSignatureKey {
        /// The first leaf.
        first: u32,
        /// The second leaf.
        second: u32,
    },

    // ---- Leaf node validation (§7.2, §7.3) ---------------------------------
    /// RFC 9420 §7.3 (V-7.3-01): the application's credential validator rejected the credential.
    #[error("RFC 9420 §7.3, §5.3.1 (V-7.3-01): credential of {} rejected", leaf_name(*.leaf))]
    CredentialRejected {
        /// The leaf, when the LeafNode is in the tree.
        leaf: Option<u32>,
    },
    /// RFC 9420 §5.3.1 (V-5.3.1-08): a leaf's new credential does not
    /// represent the same client as the one it replaces (by default: another
    /// identity).
    #[error(
        "RFC 9420 §5.3.1 (V-5.3.1-08): the new credential of leaf {leaf} is not a valid successor of the old one"
    )]
    CredentialNotSuccessor {
        /// The leaf whose credential would change.
        leaf: u32,
    },
    /// RFC 9420 §7.3 (V-7.3-02): the LeafNode signature does not verify.
    #[error("RFC 9420 §7.3 (V-7.3-02, V-7.2-06): LeafNode signature of {} invalid", leaf_name(*.leaf))]
    LeafSignatureInvalid {
        /// The leaf, when the LeafNode is in the tree.
        leaf: Option<u32>,
    },
    /// RFC 9420 §7.2 (V-7.2-02): the credential type is not in the leaf's own capabilities.
    #[error(
        "RFC 9420 §7.2 (V-7.2-02): credential type 0x{credential_type:04x} not in the capabilities of {}"
    , leaf_name(*.leaf))]
    CredentialTypeNotSupported {
        /// The leaf, when the LeafNode is in the tree.
        leaf: Option<u32>,
        /// The credential type used.
        credential_type: u16,
    },
    /// RFC 9420 §7.2, §7.3 (V-7.2-01): a non-default leaf extension not in the leaf's capabilities.
    #[error(
        "RFC 9420 §7.2/§7.3 (V-7.2-01): extension 0x{extension_type:04x} not in the capabilities of {}"
    , leaf_name(*.leaf))]
    ExtensionNotSupported {
        /// The leaf, when the LeafNode is in the tree.
        leaf: Option<u32>,
        /// The extension type used.
        extension_type: u16,
    },
    /// RFC 9420 §13 (V-13-03): the application refuses an extension of a
    /// type it defines (not allowed in a leaf node, or failing its check).
    #[error(
        "RFC 9420 §13 (V-13-03): extension 0x{extension_type:04x} of {} refused: {reason}"
    , leaf_name(*.leaf))]
    ExtensionRefused {
        /// The leaf, when the LeafNode is in the tree.
        leaf: Option<u32>,
        /// The extension type.
        extension_type: u16,
        /// The application's reason.
        reason: String,
    },
    /// RFC 9420 §7.2 (V-7.2-04): `not_before` is after `not_after`.
    #[error("RFC 9420 §7.2 (V-7.2-04): lifetime of {} has not_before > not_after", leaf_name(*.leaf))]
    LifetimeInverted {
        /// The leaf, when the LeafNode is in the tree.
        leaf: Option<u32>,
    },
    /// RFC 9420 §7.2 (V-7.2-03): the lifetime span exceeds the application maximum.
    #[error("RFC 9420 §7.2 (V-7.2-03): lifetime span of {} exceeds the maximum", leaf_name(*.leaf))]
    LifetimeTooLong {
        /// The leaf, when the LeafNode is in the tree.
        leaf: Option<u32>,
    },
    /// RFC 9420 §7.3 (V-7.3-10, V-7.3-11): the current time is outside the lifetime.
    #[error("RFC 9420 §7.3 (V-7.3-10/11): {} is outside its lifetime at time {now}", leaf_name(*.leaf))]
    LifetimeExpired {
        /// The leaf, when the LeafNode is in the tree.
        leaf: Option<u32>,
        /// The time checked, in seconds since the Unix epoch.
        now: u64,
    },
    /// RFC 9420 §7.3 (V-7.3-12/13/15): `leaf_node_source` is wrong for where the LeafNode appears.
    #[error("RFC 9420 §7.3 (V-7.3-12/13/15): leaf_node_source is {actual}, expected {expected}")]
    WrongLeafNodeSource {
        /// The source required in this context.
        expected: &'static str,
        /// The source found.
        actual: &'static str,
    },
    /// RFC 9420 §7.3, §7.5 (V-7.3-14, V-7.5-05): the new leaf keeps the encryption key it replaces.
    #[error("RFC 9420 §7.3 (V-7.3-14, V-7.5-05): leaf {leaf} encryption key not changed")]
    EncryptionKeyNotChanged {
        /// The leaf being replaced.
        leaf: u32,
    },

    // ---- Hashes (§7.8, §7.9) -----------------------------------------------
    /// RFC 9420 §7.8, §12.4.3.1 (V-7.8-01, V-12.4.3.1-11): root tree hash differs from the expected one.
    #[error("RFC 9420 §7.8/§12.4.3.1 (V-7.8-01, V-12.4.3.1-11): tree hash mismatch")]
    TreeHashMismatch,
    /// RFC 9420 §7.9.2 (V-7.9.2-01/02, V-12.4.3.1-12): a non-blank parent is
    /// on no valid parent-hash chain.
    #[error(
        "RFC 9420 §7.9.2 (V-7.9.2-01/02, V-12.4.3.1-12): parent node {node} is not parent-hash valid"
    )]
    ParentHashNotCovered {
        /// The parent node.
        node: u32,
    },
    /// RFC 9420 §7.9.2 (V-7.9.2-02): a non-blank parent is covered by more than one chain.
    #[error(
        "RFC 9420 §7.9.2 (V-7.9.2-02): parent node {node} is covered by {chains} parent-hash chains"
    )]
    ParentHashMultipleChains {
        /// The parent node.
        node: u32,
        /// How many descendants link to it.
        chains: usize,
    },
    /// RFC 9420 §7.9.2, §12.4.2 (V-7.5-04, V-7.9.2-05): the committer's leaf
    /// `parent_hash` differs from the recomputed one.
    #[error("RFC 9420 §7.9.2 (V-7.5-04, V-7.9.2-05): UpdatePath leaf parent_hash mismatch")]
    PathParentHashMismatch,

    // ---- UpdatePath (§7.5, §7.6) -------------------------------------------
    /// RFC 9420 §7.6, §12.4.2 (V-7.6-01): the UpdatePath has a different
    /// number of nodes than the sender's filtered direct path.
    #[error(
        "RFC 9420 §7.6 (V-7.6-01): UpdatePath has {actual} nodes, filtered direct path has {expected}"
    )]
    PathLengthMismatch {
        /// Length of the filtered direct path.
        expected: usize,
        /// Nodes in the UpdatePath.
        actual: usize,
    },
    /// RFC 9420 §7.6 (V-7.6-02): an UpdatePathNode with the wrong number of ciphertexts.
    #[error(
        "RFC 9420 §7.6 (V-7.6-02): UpdatePathNode for node {node} has {actual} ciphertexts, resolution has {expected}"
    )]
    CiphertextCountMismatch {
        /// The filtered-direct-path node.
        node: u32,
        /// Size of the copath child's resolution minus new leaves.
        expected: usize,
        /// Ciphertexts sent.
        actual: usize,
    },
    /// RFC 9420 §7.5 (V-7.5-03): the path secret for this member does not decrypt.
    #[error("RFC 9420 §7.5 (V-7.5-03): path secret for node {node} does not decrypt")]
    PathSecretDecryptionFailed {
        /// The filtered-direct-path node.
        node: u32,
    },
    /// RFC 9420 §7.4 (V-7.5-06): a decrypted path secret is not Nh bytes.
    #[error("RFC 9420 §7.4 (V-7.5-06): path secret has length {actual}, expected {expected}")]
    PathSecretLength {
        /// Nh of the suite.
        expected: usize,
        /// Length received.
        actual: usize,
    },
    /// RFC 9420 §7.5 (V-7.5-01/02, V-12.4.3.1-20): a public key derived from a
    /// path secret differs from the one in the tree or UpdatePath.
    #[error("RFC 9420 §7.5 (V-7.5-01/02): derived public key for node {node} does not match")]
    DerivedKeyMismatch {
        /// The node whose key differs.
        node: u32,
    },
    /// RFC 9420 §7.5: the receiver holds no private key for any node of the
    /// copath resolution it must decrypt from (its state is out of sync).
    #[error("RFC 9420 §7.5: no private key for the resolution of copath node {node}")]
    NoDecryptionKey {
        /// The copath node.
        node: u32,
    },
    /// RFC 9420 §7.5: the receiver is the sender of the UpdatePath, or not in the tree.
    #[error("RFC 9420 §7.5: leaf {leaf} cannot process this UpdatePath")]
    NotAReceiver {
        /// The receiving leaf.
        leaf: u32,
    },
}

impl TreeKemError {
    /// The rule of `docs/validation.md` this error enforces, if any.
    pub fn rule(&self) -> Option<Rule> {
        Some(match self {
            Self::Codec(e) => return e.rule(),
            Self::Crypto(..) => return None,
            Self::TreeMath(..) => return None,
            Self::EmptyTree => Rule::V_12_4_3_3_03,
            Self::TreeTooLarge { .. } => Rule::V_12_4_3_3_03,
            Self::TrailingBlankNode => Rule::V_12_4_3_3_01,
            Self::WrongNodeType { .. } => Rule::V_12_4_3_3_02,
            Self::HashCacheMismatch(..) => return None,
            Self::TreePartMismatch(..) => return None,
            Self::BlankLeaf { .. } => return None,
            Self::TreeFull => return None,
            Self::UnmergedLeavesNotSorted { .. } => Rule::V_7_1_01,
            Self::UnmergedLeafNotDescendant { .. } => Rule::V_12_4_3_1_16,
            Self::UnmergedLeafBlank { .. } => Rule::V_12_4_3_1_15,
            Self::UnmergedLeafMissingBelow { .. } => Rule::V_12_4_3_1_17,
            Self::DuplicateEncryptionKey { .. } => Rule::V_7_3_17,
            Self::DuplicateSignatureKey { .. } => Rule::V_7_3_16,
            Self::CredentialRejected { .. } => Rule::V_7_3_01,
            Self::CredentialNotSuccessor { .. } => Rule::V_5_3_1_08,
            Self::LeafSignatureInvalid { .. } => Rule::V_7_3_02,
            Self::CredentialTypeNotSupported { .. } => Rule::V_7_2_02,
            Self::ExtensionNotSupported { .. } => Rule::V_7_2_01,
            Self::ExtensionRefused { .. } => Rule::V_13_03,
            Self::LifetimeInverted { .. } => Rule::V_7_2_04,
            Self::LifetimeTooLong { .. } => Rule::V_7_2_03,
            Self::LifetimeExpired { .. } => Rule::V_7_3_10,
            // One rule per place a LeafNode appears (§7.3).
            Self::WrongLeafNodeSource { expected, .. } => match *expected {
                "update" => Rule::V_7_3_13,
                "commit" => Rule::V_7_3_15,
                _ => Rule::V_7_3_12,
            },
            Self::EncryptionKeyNotChanged { .. } => Rule::V_7_3_14,
            Self::TreeHashMismatch => Rule::V_7_8_01,
            Self::ParentHashNotCovered { .. } => Rule::V_7_9_2_01,
            Self::ParentHashMultipleChains { .. } => Rule::V_7_9_2_02,
            Self::PathParentHashMismatch => Rule::V_7_5_04,
            Self::PathLengthMismatch { .. } => Rule::V_7_6_01,
            Self::CiphertextCountMismatch { .. } => Rule::V_7_6_02,
            Self::PathSecretDecryptionFailed { .. } => Rule::V_7_5_03,
            Self::PathSecretLength { .. } => Rule::V_7_5_06,
            Self::DerivedKeyMismatch { .. } => Rule::V_7_5_01,
            Self::NoDecryptionKey { .. } => return None,
            Self::NotAReceiver { .. } => return None,
        })
    }
}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, TreeKemError>;

/// A leaf of an error message: `leaf 2`, or the LeafNode not yet in the
/// tree (a KeyPackage's).
fn leaf_name(leaf: Option<u32>) -> String {
    match leaf {
        Some(index) => format!("leaf {index}"),
        None => "the new leaf".into(),
    }
}
