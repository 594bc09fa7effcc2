//! Loading, decoding and reporting of the official MLS interop test vectors.
//!
//! This crate holds no protocol code. It finds the vector directory
//! (`MLS_TEST_VECTORS`, else the repository's own `test-vectors/`),
//! reads one JSON file as a list of cases, gives typed access to the hex and
//! integer fields of a case, and runs a per-case check function into a
//! [`FileReport`]. The per-file check functions live next to the crate that owns
//! each layer (in that crate's `tests/conformance/`), and both that crate's own
//! tests and `cargo xtask conformance` call them through [`run_file`].
//!
//! The formats are described in `test-vectors.md` of `mlswg/mls-implementations`.

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The environment variable that names the directory of official vectors.
pub const VECTORS_ENV: &str = "MLS_TEST_VECTORS";

/// Why a single case did not pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseError {
    /// The case ran and a check failed; the text says which.
    Failed(String),
    /// The case could not run because the build lacks its cipher suite.
    /// This is the only allowed reason to skip a case.
    UnsupportedSuite(u64),
}

impl CaseError {
    /// A failed check, with a description.
    pub fn failed(msg: impl Into<String>) -> Self {
        CaseError::Failed(msg.into())
    }
}

impl<E: std::fmt::Display> From<E> for CaseError
where
    E: std::error::Error,
{
    fn from(e: E) -> Self {
        CaseError::Failed(e.to_string())
    }
}

/// The result of checking one case.
pub type CaseResult = Result<(), CaseError>;

/// Fail the case with a message unless `cond` holds.
pub fn ensure(cond: bool, msg: impl FnOnce() -> String) -> CaseResult {
    if cond {
        Ok(())
    } else {
        Err(CaseError::Failed(msg()))
    }
}

/// Fail the case unless the two byte strings are equal, naming the field.
pub fn ensure_bytes_eq(what: &str, got: &[u8], want: &[u8]) -> CaseResult {
    ensure(got == want, || {
        format!(
            "{what}: got {}, want {}",
            hex::encode(got),
            hex::encode(want)
        )
    })
}

/// Typed access to the fields of one JSON test case.
#[derive(Debug, Clone, Copy)]
pub struct Case<'a> {
    value: &'a Value,
}

impl<'a> Case<'a> {
    /// Wrap a JSON value (normally an object) as a case.
    pub fn new(value: &'a Value) -> Self {
        Case { value }
    }

    /// The raw JSON value of the case.
    pub fn json(&self) -> &'a Value {
        self.value
    }

    /// A field, failing if absent.
    pub fn field(&self, name: &str) -> Result<&'a Value, CaseError> {
        self.value
            .get(name)
            .ok_or_else(|| CaseError::failed(format!("missing field `{name}`")))
    }

    /// A nested object field as a case.
    pub fn object(&self, name: &str) -> Result<Case<'a>, CaseError> {
        Ok(Case::new(self.field(name)?))
    }

    /// A hex byte-string field.
    pub fn bytes(&self, name: &str) -> Result<Vec<u8>, CaseError> {
        hex_value(self.field(name)?, name)
    }

    /// An optional hex byte-string field (`null` gives `None`).
    pub fn opt_bytes(&self, name: &str) -> Result<Option<Vec<u8>>, CaseError> {
        match self.value.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => hex_value(v, name).map(Some),
        }
    }

    /// An unsigned integer field (parsed as `u64`; vectors hold `u32` values above 2^31).
    pub fn u64(&self, name: &str) -> Result<u64, CaseError> {
        self.field(name)?
            .as_u64()
            .ok_or_else(|| CaseError::failed(format!("field `{name}` is not an unsigned integer")))
    }

    /// An unsigned integer field that must fit in `u32`.
    pub fn u32(&self, name: &str) -> Result<u32, CaseError> {
        u32::try_from(self.u64(name)?)
            .map_err(|_| CaseError::failed(format!("field `{name}` does not fit in u32")))
    }

    /// An unsigned integer field that must fit in `u16`.
    pub fn u16(&self, name: &str) -> Result<u16, CaseError> {
        u16::try_from(self.u64(name)?)
            .map_err(|_| CaseError::failed(format!("field `{name}` does not fit in u16")))
    }

    /// A string field, as written (no hex decoding).
    pub fn str(&self, name: &str) -> Result<&'a str, CaseError> {
        self.field(name)?
            .as_str()
            .ok_or_else(|| CaseError::failed(format!("field `{name}` is not a string")))
    }

    /// An array field, each element wrapped as a case.
    pub fn array(&self, name: &str) -> Result<Vec<Case<'a>>, CaseError> {
        let arr = self
            .field(name)?
            .as_array()
            .ok_or_else(|| CaseError::failed(format!("field `{name}` is not an array")))?;
        Ok(arr.iter().map(Case::new).collect())
    }

    /// The case's `cipher_suite` field.
    pub fn cipher_suite(&self) -> Result<u16, CaseError> {
        self.u16("cipher_suite")
    }

    /// This case as a hex byte string (for arrays of hex strings).
    pub fn as_bytes(&self) -> Result<Vec<u8>, CaseError> {
        hex_value(self.value, "array element")
    }

    /// This case as an optional unsigned integer (`null` gives `None`).
    pub fn as_opt_u64(&self) -> Result<Option<u64>, CaseError> {
        match self.value {
            Value::Null => Ok(None),
            v => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| CaseError::failed("element is not an unsigned integer or null")),
        }
    }
}

fn hex_value(v: &Value, name: &str) -> Result<Vec<u8>, CaseError> {
    let s = v
        .as_str()
        .ok_or_else(|| CaseError::failed(format!("field `{name}` is not a hex string")))?;
    hex::decode(s).map_err(|e| CaseError::failed(format!("field `{name}` is not valid hex: {e}")))
}

/// Where the official vectors are read from: `MLS_TEST_VECTORS`, else the
/// copy vendored in this repository's `test-vectors/` (unchanged upstream
/// files, provenance in `test-vectors/SOURCE.txt`). The checkout is found from
/// the current directory upwards first (so a build shared between several
/// checkouts still reads its own), then from where this crate was compiled.
pub fn vectors_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(VECTORS_ENV) {
        return PathBuf::from(dir);
    }
    let vendored = |root: &Path| root.join("test-vectors");
    let from_cwd = std::env::current_dir().ok().and_then(|cwd| {
        cwd.ancestors()
            .filter(|a| a.join("Cargo.toml").is_file())
            .map(vendored)
            .find(|d| d.join("SOURCE.txt").is_file())
    });
    if let Some(found) = from_cwd {
        return found;
    }
    vendored(&workspace_root())
}

/// The workspace root (two levels above this crate's manifest).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Errors while reading a vector file.
#[derive(Debug)]
pub enum LoadError {
    /// The file does not exist.
    Missing(PathBuf),
    /// The file exists but is not a JSON array.
    Invalid(PathBuf, String),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Missing(p) => write!(
                f,
                "vector file {} not found: set {VECTORS_ENV} to the directory holding the \
                 official MLS test vectors (test-vectors/ of mlswg/mls-implementations); \
                 by default they are read from this repository's test-vectors/",
                p.display()
            ),
            LoadError::Invalid(p, why) => {
                write!(f, "vector file {} is invalid: {why}", p.display())
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// Read one vector file from `dir` as its list of cases.
pub fn load(dir: &Path, file: &str) -> Result<Vec<Value>, LoadError> {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).map_err(|_| LoadError::Missing(path.clone()))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| LoadError::Invalid(path.clone(), e.to_string()))?;
    match value {
        Value::Array(cases) => Ok(cases),
        _ => Err(LoadError::Invalid(path, "top level is not an array".into())),
    }
}

/// The outcome of one case in a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseOutcome {
    /// Position of the case in the file.
    pub index: usize,
    /// The case's cipher suite, when it has one.
    pub cipher_suite: Option<u64>,
    /// `Ok` when passed, else why not.
    pub result: CaseResult,
}

/// The per-case results of one vector file.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    /// The file name, e.g. `tree-math.json`.
    pub file: String,
    /// One entry per case, in file order.
    pub cases: Vec<CaseOutcome>,
}

impl FileReport {
    /// Number of cases that passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.result.is_ok()).count()
    }

    /// Number of cases that failed.
    pub fn failed(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| matches!(c.result, Err(CaseError::Failed(_))))
            .count()
    }

    /// Number of cases skipped for an unsupported cipher suite.
    pub fn skipped(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| matches!(c.result, Err(CaseError::UnsupportedSuite(_))))
            .count()
    }

    /// A readable list of every case that did not pass.
    pub fn problems(&self) -> String {
        let mut out = String::new();
        for c in &self.cases {
            if let Err(e) = &c.result {
                let suite = c
                    .cipher_suite
                    .map(|s| format!(" (suite {s})"))
                    .unwrap_or_default();
                let why = match e {
                    CaseError::Failed(m) => format!("failed: {m}"),
                    CaseError::UnsupportedSuite(s) => format!("skipped: unsupported suite {s}"),
                };
                out.push_str(&format!("{}#{}{}: {}\n", self.file, c.index, suite, why));
            }
        }
        out
    }

    /// Panic with every problem listed unless all cases passed and none was skipped.
    /// For use in a crate's own vector tests.
    pub fn assert_all_passed(&self) {
        assert!(!self.cases.is_empty(), "{}: no cases ran", self.file);
        assert!(
            self.failed() == 0 && self.skipped() == 0,
            "{}: {} passed, {} failed, {} skipped\n{}",
            self.file,
            self.passed(),
            self.failed(),
            self.skipped(),
            self.problems()
        );
    }
}

/// Run `check` over every case of `file` in `dir`. A panic inside a check is
/// caught and reported as a failure of that case, so one bad case cannot hide
/// the others.
pub fn run_file_in(
    dir: &Path,
    file: &str,
    check: impl Fn(&Case<'_>) -> CaseResult,
) -> Result<FileReport, LoadError> {
    let cases = load(dir, file)?;
    let mut report = FileReport {
        file: file.to_string(),
        cases: Vec::with_capacity(cases.len()),
    };
    for (index, value) in cases.iter().enumerate() {
        let case = Case::new(value);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&case)))
            .unwrap_or_else(|panic| {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "unknown panic".into());
                Err(CaseError::Failed(format!("panicked: {msg}")))
            });
        report.cases.push(CaseOutcome {
            index,
            cipher_suite: value.get("cipher_suite").and_then(Value::as_u64),
            result,
        });
    }
    Ok(report)
}

/// Run `check` over every case of `file` in [`vectors_dir`].
pub fn run_file(
    file: &str,
    check: impl Fn(&Case<'_>) -> CaseResult,
) -> Result<FileReport, LoadError> {
    run_file_in(&vectors_dir(), file, check)
}

/// Run a file and assert every case passed (for `#[test]` functions).
pub fn assert_file_passes(file: &str, check: impl Fn(&Case<'_>) -> CaseResult) {
    match run_file(file, check) {
        Ok(report) => report.assert_all_passed(),
        Err(e) => panic!("{e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_counts_each_outcome() {
        let report = FileReport {
            file: "x.json".into(),
            cases: vec![
                CaseOutcome {
                    index: 0,
                    cipher_suite: Some(1),
                    result: Ok(()),
                },
                CaseOutcome {
                    index: 1,
                    cipher_suite: Some(1),
                    result: Err(CaseError::failed("no")),
                },
                CaseOutcome {
                    index: 2,
                    cipher_suite: Some(9),
                    result: Err(CaseError::UnsupportedSuite(9)),
                },
            ],
        };
        assert_eq!(
            (report.passed(), report.failed(), report.skipped()),
            (1, 1, 1)
        );
        assert!(report.problems().contains("x.json#1 (suite 1): failed: no"));
    }

    #[test]
    fn case_fields_decode() {
        let v: Value = serde_json::json!({"a": "00ff", "n": 2694881440u64, "s": "abc", "z": null});
        let c = Case::new(&v);
        assert_eq!(c.bytes("a").unwrap(), vec![0, 255]);
        assert_eq!(c.u32("n").unwrap(), 2694881440);
        assert_eq!(c.str("s").unwrap(), "abc");
        assert_eq!(c.opt_bytes("z").unwrap(), None);
        assert!(c.bytes("missing").is_err());
        assert!(c.u16("n").is_err());
    }
}
