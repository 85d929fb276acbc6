//! Serves the hello-world route as one variant, for running a variant by hand:
//!
//! ```text
//! http-peers-server <plain|ours-full|ours-sampled-out|axum-tracing-opentelemetry|tower-http> [ADDR] [WORKERS]
//! ```
//!
//! `ADDR` defaults to `127.0.0.1:0` (a free port, printed on stdout); `WORKERS`, the
//! runtime's worker threads, to one per core. Stops on Ctrl-C or
//! when stdin closes. The `compare` driver runs the same code (`compare --serve`).
//!
//! Two helpers for `profile/callgrind.sh`, which runs a variant by hand:
//!
//! ```text
//! http-peers-server env <variant>    # the variant's own environment, NAME=VALUE lines
//! http-peers-server stub [ADDR]      # the realistic handler's stub (its URL on stdout)
//! ```

use std::net::SocketAddr;
use std::process::ExitCode;

use http_peers::Variant;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let usage = "usage: http-peers-server <plain|ours-full|ours-sampled-out|axum-tracing-opentelemetry|tower-http> [ADDR] [WORKERS]";
    let Some(variant) = args.next() else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    match variant.as_str() {
        "env" => return print_env(args.next().as_deref()),
        "stub" => return run_stub(args.next().as_deref()),
        _ => {}
    }
    let variant: Variant = match variant.parse() {
        Ok(v) => v,
        Err(e) => {
            eprintln!("{e}\n{usage}");
            return ExitCode::from(2);
        }
    };
    let addr: SocketAddr = match args.next().map(|a| a.parse()).transpose() {
        Ok(addr) => addr.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0))),
        Err(e) => {
            eprintln!("bad address: {e}\n{usage}");
            return ExitCode::from(2);
        }
    };
    let workers = match args.next().map(|w| w.parse::<usize>()).transpose() {
        Ok(workers) => workers,
        Err(e) => {
            eprintln!("bad worker count: {e}\n{usage}");
            return ExitCode::from(2);
        }
    };
    match http_peers::server::run(variant, addr, workers) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("http-peers-server: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `env <variant>`: what the variant runs with beyond the shared environment.
fn print_env(variant: Option<&str>) -> ExitCode {
    match variant.map(str::parse::<Variant>) {
        Some(Ok(variant)) => {
            for (name, value) in variant.env() {
                println!("{name}={value}");
            }
            ExitCode::SUCCESS
        }
        Some(Err(e)) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
        None => {
            eprintln!("usage: http-peers-server env <variant>");
            ExitCode::from(2)
        }
    }
}

/// `stub [ADDR]`: the realistic handler's stub, alone.
fn run_stub(addr: Option<&str>) -> ExitCode {
    let addr = match addr.map(str::parse::<SocketAddr>).transpose() {
        Ok(addr) => addr.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0))),
        Err(e) => {
            eprintln!("bad address: {e}");
            return ExitCode::from(2);
        }
    };
    match http_peers::realistic::run_stub(addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("http-peers-server stub: {e}");
            ExitCode::FAILURE
        }
    }
}
