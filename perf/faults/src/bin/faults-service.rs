//! `faults-service [ADDR]`: the service of `faults::service`, for the tests and the
//! `faults` driver (every `OTEL_*` variable applies).

use std::net::SocketAddr;
use std::process::ExitCode;

fn main() -> ExitCode {
    let addr = match std::env::args()
        .nth(1)
        .map(|a| a.parse::<SocketAddr>())
        .transpose()
    {
        Ok(addr) => addr.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0))),
        Err(e) => {
            eprintln!("faults-service: bad address: {e}");
            return ExitCode::from(2);
        }
    };
    match faults::service::run(addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("faults-service: {e}");
            ExitCode::FAILURE
        }
    }
}
