//! Tree math over a tree of 2^20 leaves: the direct path and copath of every
//! leaf, and the parent and sibling of every non-root node.

use criterion::{Criterion, criterion_group, criterion_main};
use mls_treemath::{LeafIndex, NodeIndex, TreeSize};
use std::hint::black_box;

const LEAVES: u32 = 1 << 20;

fn paths_of_every_leaf(c: &mut Criterion) {
    let tree = TreeSize::for_leaves(LEAVES).expect("2^20 leaves is a valid tree");
    c.bench_function("direct_path+copath, every leaf of 2^20 (Vec)", |b| {
        b.iter(|| {
            let mut total = 0usize;
            for l in 0..LEAVES {
                let node = LeafIndex::new(l).expect("leaf below 2^31").node();
                total += tree.direct_path(black_box(node)).map_or(0, |p| p.len());
                total += tree.copath(black_box(node)).map_or(0, |p| p.len());
            }
            total
        })
    });
    c.bench_function("direct_path+copath, every leaf of 2^20 (iter)", |b| {
        b.iter(|| {
            let mut acc = 0u32;
            for l in 0..LEAVES {
                let node = LeafIndex::new(l).expect("leaf below 2^31").node();
                if let Ok(path) = tree.direct_path_iter(black_box(node)) {
                    acc = path.fold(acc, |a, n| a ^ n.get());
                }
                if let Ok(copath) = tree.copath_iter(black_box(node)) {
                    acc = copath.fold(acc, |a, n| a ^ n.get());
                }
            }
            acc
        })
    });
}

fn relatives_of_every_node(c: &mut Criterion) {
    let tree = TreeSize::for_leaves(LEAVES).expect("2^20 leaves is a valid tree");
    let width = tree.width().get();
    c.bench_function("parent+sibling, every node of 2^20 leaves", |b| {
        b.iter(|| {
            let mut acc = 0u32;
            for x in 0..width {
                let node = black_box(NodeIndex::new(x));
                acc ^= tree.parent(node).map_or(0, NodeIndex::get);
                acc ^= tree.sibling(node).map_or(0, NodeIndex::get);
            }
            acc
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = paths_of_every_leaf, relatives_of_every_node
}
criterion_main!(benches);
