//! Property test (GUIDANCE G-30): after random sequences of Add, Update,
//! Remove and Commit, the cached root tree hash equals one computed from
//! scratch, and after every commit the whole tree passes validation
//! (parent hashes, unmerged leaves, keys, signatures) and every member
//! agrees on the commit secret.

#![allow(clippy::unwrap_used)]

mod common;

use common::{GROUP_ID, Group};
use mls_treekem::{LeafIndex, LeafValidationPolicy, RatchetTree, TreeView, validate_tree};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Add,
    Update(usize),
    Remove(usize),
    Commit(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Add),
        1 => any::<usize>().prop_map(Op::Update),
        1 => any::<usize>().prop_map(Op::Remove),
        2 => any::<usize>().prop_map(Op::Commit),
    ]
}

fn fresh_hash(g: &Group) -> Vec<u8> {
    let mut t = RatchetTree::from_bytes(&g.tree.to_bytes().unwrap()).unwrap();
    t.tree_hash(g.cs.as_ref()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn cached_hash_and_validity_survive_random_operations(ops in prop::collection::vec(op(), 1..40)) {
        let mut g = Group::new();
        let cs = g.cs.clone();
        let cs = cs.as_ref();
        let mut names = 0;
        for op in ops {
            let members = g.occupied();
            match op {
                Op::Add => {
                    names += 1;
                    // RFC 9420 §12.1.1: the leftmost blank leaf, else a new one.
                    let expected = (0..g.tree.leaf_count())
                        .find(|&l| g.tree.leaf(LeafIndex::new(l).unwrap()).is_none())
                        .unwrap_or(g.tree.leaf_count());
                    let got = g.add(&format!("p{names}"));
                    prop_assert_eq!(got.get(), expected);
                }
                Op::Update(i) => g.update(members[i % members.len()]),
                Op::Remove(i) if members.len() > 1 => {
                    // Never remove the last member.
                    g.remove(members[i % members.len()]);
                }
                Op::Remove(_) => {}
                Op::Commit(i) => {
                    g.commit(members[i % members.len()]);
                    let mut t = g.tree.clone();
                    let h = t.tree_hash(cs).unwrap();
                    validate_tree(&mut t, cs, GROUP_ID, Some(&h), &LeafValidationPolicy::without_time_checks()).unwrap();
                }
            }
            let cached = g.tree.tree_hash(cs).unwrap();
            prop_assert_eq!(cached, fresh_hash(&g));
        }
    }
}
