//! Command-line parsing for `cargo xtask` (std only).

use std::path::PathBuf;

/// The usage text.
pub const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  conformance [--dir DIR] [--file NAME]... [--json]
      Run the official MLS test vectors. DIR defaults to $MLS_TEST_VECTORS, else
      the repository's test-vectors/ (the vendored official files). NAME is a vector file
      (e.g. tree-math.json or tree-math); repeat --file to run several.
      --json prints one JSON object instead of the table.
  check-dag
      Check that the crates under crates/ depend on each other only downward
      along the layer table, and that no crate's modules use each other in a
      cycle (docs/conformance.md).
  help
      Print this text.
";

/// What to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `conformance`.
    Conformance(ConformanceArgs),
    /// `check-dag`.
    CheckDag,
    /// `interop` (docs/interop.md).
    Interop(crate::interop::args::InteropArgs),
    /// `bench`: the group-level benchmark table.
    Bench(crate::bench::BenchArgs),
    /// `bench --compare`: the side-by-side table against openmls and mls-rs.
    BenchCompare(crate::compare::CompareArgs),
    /// `fuzz`: the libFuzzer targets (docs/fuzzing.md).
    Fuzz(crate::fuzz::FuzzArgs),
    /// `help`, `--help`, `-h`, or no command.
    Help,
}

/// Options of `conformance`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConformanceArgs {
    /// `--dir DIR`.
    pub dir: Option<PathBuf>,
    /// `--file NAME`, in the order given.
    pub files: Vec<String>,
    /// `--json`.
    pub json: bool,
}

/// Parse the arguments after the program name.
pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Command, String> {
    let mut args = args.into_iter();
    let Some(command) = args.next() else {
        return Ok(Command::Help);
    };
    match command.as_str() {
        "conformance" => parse_conformance(args).map(Command::Conformance),
        "check-dag" => match args.next() {
            None => Ok(Command::CheckDag),
            Some(extra) => Err(format!("check-dag takes no arguments, got `{extra}`")),
        },
        "interop" => crate::interop::args::parse(args).map(Command::Interop),
        "bench" => {
            let args: Vec<String> = args.collect();
            if args.iter().any(|a| a == "--compare") {
                crate::compare::parse(args.into_iter()).map(Command::BenchCompare)
            } else {
                crate::bench::parse(args.into_iter()).map(Command::Bench)
            }
        }
        "fuzz" => crate::fuzz::parse(args).map(Command::Fuzz),
        "help" | "--help" | "-h" => Ok(Command::Help),
        other => Err(format!("unknown command `{other}`")),
    }
}

fn parse_conformance(mut args: impl Iterator<Item = String>) -> Result<ConformanceArgs, String> {
    let mut out = ConformanceArgs::default();
    while let Some(arg) = args.next() {
        // Accept both `--opt value` and `--opt=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline.clone().or_else(|| args.next()) {
                Some(v) if !v.is_empty() => Ok(v),
                _ => Err(format!("{name} needs a value")),
            }
        };
        match flag.as_str() {
            "--dir" => {
                if out.dir.is_some() {
                    return Err("--dir given twice".into());
                }
                out.dir = Some(PathBuf::from(value("--dir")?));
            }
            "--file" => out.files.push(value("--file")?),
            "--json" if inline.is_none() => out.json = true,
            _ => return Err(format!("unknown option `{arg}` for conformance")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Command, String> {
        parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn commands() {
        assert_eq!(p(&[]), Ok(Command::Help));
        assert_eq!(p(&["--help"]), Ok(Command::Help));
        assert_eq!(p(&["check-dag"]), Ok(Command::CheckDag));
        assert!(p(&["check-dag", "x"]).is_err());
        assert!(p(&["frobnicate"]).is_err());
        assert_eq!(
            p(&["conformance"]),
            Ok(Command::Conformance(ConformanceArgs::default()))
        );
    }

    #[test]
    fn conformance_options() {
        let want = ConformanceArgs {
            dir: Some(PathBuf::from("/v")),
            files: vec!["tree-math.json".into(), "welcome".into()],
            json: true,
        };
        assert_eq!(
            p(&[
                "conformance",
                "--dir",
                "/v",
                "--file",
                "tree-math.json",
                "--json",
                "--file",
                "welcome"
            ]),
            Ok(Command::Conformance(want.clone()))
        );
        assert_eq!(
            p(&[
                "conformance",
                "--json",
                "--dir=/v",
                "--file=tree-math.json",
                "--file=welcome"
            ]),
            Ok(Command::Conformance(want))
        );
    }

    #[test]
    fn conformance_errors() {
        assert!(p(&["conformance", "--dir"]).is_err());
        assert!(p(&["conformance", "--dir="]).is_err());
        assert!(p(&["conformance", "--file"]).is_err());
        assert!(p(&["conformance", "--dir", "a", "--dir", "b"]).is_err());
        assert!(p(&["conformance", "--json=yes"]).is_err());
        assert!(p(&["conformance", "--verbose"]).is_err());
        assert!(p(&["conformance", "tree-math.json"]).is_err());
    }
}
