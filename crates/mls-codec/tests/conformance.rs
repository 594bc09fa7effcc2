//! The official test vectors owned by this layer (ARCHITECTURE.md table).

#[path = "conformance/deserialization.rs"]
mod deserialization;
#[path = "conformance/messages.rs"]
mod messages;

/// Run a file, print its counts, and require every case to pass (an empty
/// file fails too).
fn run(file: &str, check: impl Fn(&mls_vectors::Case<'_>) -> mls_vectors::CaseResult) {
    let report = mls_vectors::run_file(file, check).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "{file}: {} passed, {} failed, {} skipped",
        report.passed(),
        report.failed(),
        report.skipped()
    );
    assert!(report.passed() > 0, "{file}: no cases ran");
    report.assert_all_passed();
}

#[test]
fn deserialization_json() {
    run("deserialization.json", deserialization::check);
}

#[test]
fn messages_json() {
    run("messages.json", messages::check);
}
