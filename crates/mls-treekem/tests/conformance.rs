//! The official test vectors owned by this layer (ARCHITECTURE.md table).

#[path = "conformance/tree_operations.rs"]
mod tree_operations;
#[path = "conformance/tree_validation.rs"]
mod tree_validation;
#[path = "conformance/treekem.rs"]
mod treekem;

#[test]
fn tree_validation_json() {
    mls_vectors::assert_file_passes("tree-validation.json", tree_validation::check);
}

#[test]
fn tree_operations_json() {
    mls_vectors::assert_file_passes("tree-operations.json", tree_operations::check);
}

#[test]
fn treekem_json() {
    mls_vectors::assert_file_passes("treekem.json", treekem::check);
}
