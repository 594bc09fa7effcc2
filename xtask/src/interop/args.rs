//! Options of `cargo xtask interop` (std only).

use std::path::PathBuf;

/// Usage text of the subcommand (also part of `cargo xtask help`).
pub const USAGE: &str = "\
  interop [--client HOST:PORT]... [--self]... [--config FILE]... [--suite N]...
          [--public | --private] [--random] [--fail-fast] [--json]
      Play the official interop scenarios (interop/configs) against
      mls_client.MLSClient gRPC servers. --self starts this project's server
      on a free loopback port (repeat for more instances). Default configs:
      every file there except deep_random.json. Default suites: all that any
      client supports; default modes: public and private handshakes; default
      assignment: every client for every actor (--random: one random one).
      --fail-fast stops at the first failure; --json prints one JSON object.
      See docs/interop.md.
";

/// Options of `interop`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InteropArgs {
    /// `--client HOST:PORT`, in order.
    pub clients: Vec<String>,
    /// How many `--self` servers to start.
    pub self_count: usize,
    /// `--config FILE`, in order (empty: the default set).
    pub configs: Vec<PathBuf>,
    /// `--suite N`, in order (empty: every suite a client supports).
    pub suites: Vec<u32>,
    /// `--public`.
    pub public: bool,
    /// `--private`.
    pub private: bool,
    /// `--random`.
    pub random: bool,
    /// `--fail-fast`.
    pub fail_fast: bool,
    /// `--json`.
    pub json: bool,
}

impl InteropArgs {
    /// The handshake modes to run (`encrypt_handshake` values): both unless
    /// exactly one of `--public` / `--private` is given (as upstream).
    pub fn modes(&self) -> Vec<bool> {
        match (self.private, self.public) {
            (true, false) => vec![true],
            (false, true) => vec![false],
            _ => vec![true, false],
        }
    }
}

/// Parse the arguments after `interop`.
pub fn parse(mut args: impl Iterator<Item = String>) -> Result<InteropArgs, String> {
    let mut out = InteropArgs::default();
    while let Some(arg) = args.next() {
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
            "--client" => out.clients.push(value("--client")?),
            "--config" => out.configs.push(PathBuf::from(value("--config")?)),
            "--suite" => {
                let v = value("--suite")?;
                let n: u16 = v
                    .parse()
                    .map_err(|_| format!("--suite needs a cipher suite number, got `{v}`"))?;
                out.suites.push(u32::from(n));
            }
            "--self" if inline.is_none() => out.self_count += 1,
            "--public" if inline.is_none() => out.public = true,
            "--private" if inline.is_none() => out.private = true,
            "--random" if inline.is_none() => out.random = true,
            "--fail-fast" if inline.is_none() => out.fail_fast = true,
            "--json" if inline.is_none() => out.json = true,
            _ => return Err(format!("unknown option `{arg}` for interop")),
        }
    }
    if out.clients.is_empty() && out.self_count == 0 {
        return Err("interop needs at least one --client HOST:PORT or --self".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<InteropArgs, String> {
        parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn options() {
        let a = p(&[
            "--self",
            "--self",
            "--client",
            "h:1",
            "--config=c.json",
            "--suite",
            "1",
            "--suite=2",
            "--private",
            "--random",
            "--fail-fast",
            "--json",
        ])
        .unwrap();
        assert_eq!(a.self_count, 2);
        assert_eq!(a.clients, vec!["h:1"]);
        assert_eq!(a.configs, vec![PathBuf::from("c.json")]);
        assert_eq!(a.suites, vec![1, 2]);
        assert_eq!(a.modes(), vec![true]);
        assert!(a.random && a.fail_fast && a.json);
    }

    #[test]
    fn modes_default_to_both() {
        assert_eq!(p(&["--self"]).unwrap().modes(), vec![true, false]);
        assert_eq!(p(&["--self", "--public"]).unwrap().modes(), vec![false]);
        assert_eq!(
            p(&["--self", "--public", "--private"]).unwrap().modes(),
            vec![true, false]
        );
    }

    #[test]
    fn errors() {
        assert!(p(&[]).is_err());
        assert!(p(&["--self", "--suite", "x"]).is_err());
        assert!(p(&["--self", "--suite", "70000"]).is_err());
        assert!(p(&["--self", "--client"]).is_err());
        assert!(p(&["--self=1"]).is_err());
        assert!(p(&["--self", "--verbose"]).is_err());
    }
}
