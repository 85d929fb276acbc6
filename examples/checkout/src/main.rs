//! `cargo run -p checkout [-- run --checkouts N --concurrency N]` or
//! `checkout serve --listen 0.0.0.0:8080 [--fault payments]`. See README.md.

use std::net::SocketAddr;
use std::process::ExitCode;

const USAGE: &str = "usage: checkout [run] [--checkouts N] [--concurrency N]
       checkout serve [--listen ADDR] [--fault payments]
                 (default 127.0.0.1:8080; runs until SIGTERM; --fault payments: every charge fails)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(&args) {
        Ok(Command::Run(options)) => report(checkout::run(&options)),
        Ok(Command::Serve(listen, fault)) => report(checkout::serve(listen, fault)),
        Ok(Command::Help) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

enum Command {
    Run(checkout::Options),
    Serve(SocketAddr, Option<checkout::Fault>),
    Help,
}

fn parse(args: &[String]) -> Result<Command, String> {
    let (serve, rest) = match args.first().map(String::as_str) {
        Some("serve") => (true, &args[1..]),
        Some("run") => (false, &args[1..]),
        _ => (false, args),
    };
    let mut options = checkout::Options::default();
    let mut listen = SocketAddr::from(([127, 0, 0, 1], 8080));
    let mut fault = None;
    let mut rest = rest.iter();
    while let Some(flag) = rest.next() {
        let mut value = || rest.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--checkouts" if !serve => options.checkouts = number(flag, value()?)?,
            "--concurrency" if !serve => options.concurrency = number(flag, value()?)?,
            "--listen" if serve => {
                let v = value()?;
                listen = v
                    .parse()
                    .map_err(|_| format!("--listen: {v:?} is not an address like 0.0.0.0:8080"))?;
            }
            "--fault" if serve => fault = Some(value()?.parse()?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(if serve {
        Command::Serve(listen, fault)
    } else {
        Command::Run(options)
    })
}

fn number(flag: &str, value: &str) -> Result<usize, String> {
    match value.parse() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{flag}: {value:?} is not a positive number")),
    }
}

fn report(result: Result<(), checkout::BoxError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("checkout: {error}");
            ExitCode::FAILURE
        }
    }
}
