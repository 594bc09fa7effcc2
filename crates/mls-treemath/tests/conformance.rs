//! The official MLS test vectors owned by this crate.

#[path = "conformance/tree_math.rs"]
mod tree_math;

#[test]
fn tree_math_json() {
    mls_vectors::assert_file_passes("tree-math.json", tree_math::check)
}
