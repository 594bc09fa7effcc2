//! `mls-interop-server [--host HOST] [--port PORT]`: serves
//! `mls_client.MLSClient` over plain HTTP/2 (no TLS), the interface of the
//! official MLS interop runner. HOST defaults to 127.0.0.1, PORT to 50051;
//! `--port 0` picks a free port. The first line on stdout is
//! `listening on HOST:PORT` (the runner reads it).

#![forbid(unsafe_code)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

const USAGE: &str = "usage: mls-interop-server [--host HOST] [--port PORT]";

fn parse(args: impl Iterator<Item = String>) -> Result<SocketAddr, String> {
    let mut host = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut port = 50051u16;
    let mut args = args;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--host" => {
                let v = value()?;
                host = v
                    .parse()
                    .map_err(|_| format!("bad host `{v}` (an IP address)"))?;
            }
            "--port" => {
                let v = value()?;
                port = v.parse().map_err(|_| format!("bad port `{v}`"))?;
            }
            "--help" | "-h" => return Err(String::new()),
            _ => return Err(format!("unknown option `{arg}`")),
        }
    }
    Ok(SocketAddr::new(host, port))
}

fn main() -> ExitCode {
    let addr = match parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        let (listener, local) = mls_interop::server::bind(addr).await?;
        println!("listening on {local}");
        use std::io::Write as _;
        std::io::stdout().flush()?;
        let shutdown = async {
            // Stop on Ctrl-C; if the signal cannot be watched, run until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        mls_interop::server::serve(listener, shutdown)
            .await
            .map_err(std::io::Error::other)
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
