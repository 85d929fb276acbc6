//! Serves the hello-world route as one variant, for running a variant by hand:
//!
//! ```text
//! http-peers-server <plain|ours-full|ours-sampled-out|axum-tracing-opentelemetry|tower-http> [ADDR] [WORKERS]
//! ```
//!
//! `ADDR` defaults to `127.0.0.1:0` (a free port, printed on stdout); `WORKERS`, the
//! runtime's worker threads, to one per core. Stops on Ctrl-C or
//! when stdin closes. The `compare` driver runs the same code (`compare --serve`).

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
