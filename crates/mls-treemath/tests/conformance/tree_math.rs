//! Check function for the official `tree-math.json` vectors
//! (RFC 9420 §4.1, Appendix C; TEST-VECTORS.md §1).
//!
//! Each case gives `n_leaves`, `n_nodes`, `root` and, for every node index,
//! its `left`, `right`, `parent` and `sibling` (or `null` where undefined).

use mls_treemath::{LeafCount, NodeIndex, TreeMathError, TreeSize, node_width};
use mls_vectors::{Case, CaseError, CaseResult, ensure};

/// Check one `tree-math.json` case against the tree math of this crate.
pub fn check(case: &Case<'_>) -> CaseResult {
    let n_leaves = LeafCount::new(case.u32("n_leaves")?)?;
    let tree = TreeSize::new(n_leaves);
    let n_nodes = case.u32("n_nodes")?;
    ensure(node_width(n_leaves).get() == n_nodes, || {
        format!(
            "n_nodes: got {}, want {n_nodes}",
            node_width(n_leaves).get()
        )
    })?;
    let root = case.u32("root")?;
    ensure(tree.root().get() == root, || {
        format!("root: got {}, want {root}", tree.root())
    })?;

    type Relation = fn(TreeSize, NodeIndex) -> Result<NodeIndex, TreeMathError>;
    let relations: [(&str, Relation); 4] = [
        ("left", TreeSize::left),
        ("right", TreeSize::right),
        ("parent", TreeSize::parent),
        ("sibling", TreeSize::sibling),
    ];
    for (name, relation) in relations {
        let want = case.array(name)?;
        ensure(want.len() == n_nodes as usize, || {
            format!("`{name}` has {} entries, want {n_nodes}", want.len())
        })?;
        for (i, expected) in (0..n_nodes).zip(want) {
            let expected = expected.as_opt_u64()?;
            let got = relation(tree, NodeIndex::new(i))
                .ok()
                .map(|n| u64::from(n.get()));
            if got != expected {
                return Err(CaseError::failed(format!(
                    "{name}({i}): got {got:?}, want {expected:?}"
                )));
            }
        }
    }
    Ok(())
}
