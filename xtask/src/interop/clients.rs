//! The clients under test: gRPC connections to `mls_client.MLSClient`
//! servers given as `--client HOST:PORT`, or this project's own server
//! binary started on a free loopback port for each `--self`.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use mls_interop::proto::{NameRequest, SupportedCiphersuitesRequest};
use mls_interop::service::m_l_s_client_client::MLSClientClient;
use tonic::transport::Channel;

/// The gRPC timeout of every RPC (the upstream runner's 120 s).
pub const RPC_TIMEOUT: Duration = Duration::from_secs(120);

/// One connected client.
#[derive(Debug, Clone)]
pub struct Client {
    /// `#1`, `#2`... in command-line order (the upstream runner has no
    /// label; two `--self` instances share a name).
    pub label: String,
    /// The address.
    pub addr: String,
    /// Its `Name` answer.
    pub name: String,
    /// Its `SupportedCiphersuites` answer.
    pub supported: BTreeSet<u32>,
    /// The connection.
    pub rpc: MLSClientClient<Channel>,
}

/// Connect to `addr` (retrying for a few seconds while the server starts)
/// and ask its name and suites.
pub async fn connect(label: String, addr: &str) -> Result<Client, String> {
    let uri = format!("http://{addr}");
    let mut last = String::new();
    for _ in 0..50 {
        match MLSClientClient::connect(uri.clone()).await {
            Ok(mut rpc) => {
                let name = rpc
                    .name(NameRequest {})
                    .await
                    .map_err(|s| format!("{addr}: Name failed: {}", s.message()))?
                    .into_inner()
                    .name;
                let supported = rpc
                    .supported_ciphersuites(SupportedCiphersuitesRequest {})
                    .await
                    .map_err(|s| format!("{addr}: SupportedCiphersuites failed: {}", s.message()))?
                    .into_inner()
                    .ciphersuites
                    .into_iter()
                    .collect();
                return Ok(Client {
                    label,
                    addr: addr.to_string(),
                    name,
                    supported,
                    rpc,
                });
            }
            Err(e) => {
                last = e.to_string();
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    Err(format!("cannot connect to {addr}: {last}"))
}

/// Servers this run started; killed on drop.
#[derive(Debug, Default)]
pub struct SelfServers {
    children: Vec<Child>,
}

impl Drop for SelfServers {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl SelfServers {
    /// Build the server binary (same profile as xtask) and start `count`
    /// instances on free loopback ports; return their addresses.
    pub fn start(&mut self, count: usize) -> Result<Vec<String>, String> {
        if count == 0 {
            return Ok(Vec::new());
        }
        let binary = build_server()?;
        let mut addrs = Vec::new();
        for _ in 0..count {
            let mut child = Command::new(&binary)
                .args(["--host", "127.0.0.1", "--port", "0"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
            let stdout = child.stdout.take();
            self.children.push(child);
            let mut line = String::new();
            if let Some(out) = stdout {
                BufReader::new(out)
                    .read_line(&mut line)
                    .map_err(|e| format!("reading the server's address: {e}"))?;
            }
            let addr = line.trim().strip_prefix("listening on ").ok_or_else(|| {
                format!(
                    "the server did not report its address (got `{}`)",
                    line.trim()
                )
            })?;
            addrs.push(addr.to_string());
        }
        Ok(addrs)
    }
}

/// `cargo build` the server binary next to the running xtask binary (the
/// `xtask` alias builds with the test profile) and return its path.
fn build_server() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot locate xtask: {e}"))?;
    let dir = exe
        .parent()
        .ok_or("xtask binary has no directory")?
        .to_path_buf();
    let profile = if dir.file_name().is_some_and(|n| n == "release") {
        "release"
    } else {
        "test"
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "--profile",
            profile,
            "--package",
            "mls-interop",
            "--bin",
            "mls-interop-server",
        ])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("building mls-interop-server failed".into());
    }
    let binary = dir.join(format!(
        "mls-interop-server{}",
        std::env::consts::EXE_SUFFIX
    ));
    if binary.is_file() {
        Ok(binary)
    } else {
        Err(format!("{} not found after the build", binary.display()))
    }
}
