//! The command line, read by hand: `cargo otel-doctor [--manifest-path PATH]
//! [--format human|json] [--export] [--timeout SECONDS] [--offline] [--skip-metadata]`.

use std::path::PathBuf;
use std::time::Duration;

use crate::report::Format;

/// What the user asked for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Arguments {
    pub(crate) manifest_path: Option<PathBuf>,
    pub(crate) format: Format,
    pub(crate) export: bool,
    pub(crate) timeout: Duration,
    pub(crate) offline: bool,
    pub(crate) skip_metadata: bool,
}

/// The default cap on each test export's timeout.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

pub(crate) const USAGE: &str = "\
cargo otel-doctor: finds why telemetry silently goes missing

USAGE:
    cargo otel-doctor [OPTIONS]

OPTIONS:
    --manifest-path PATH   the project's Cargo.toml (default: the current directory's)
    --format human|json    the report's format (default: human)
    --export               also send one test span, metric point and log record to the
                           endpoint the OTEL_* variables configure
    --timeout SECONDS      the longest each test export may take (default: 5)
    --offline              run cargo metadata with --offline
    --skip-metadata        check the environment only, not the project's dependencies
    -h, --help             this text
    -V, --version          the doctor's version

Exit code: 0 without error-level findings, 1 with some, 2 for a bad command line.
";

/// What the command line asks: run with these arguments, or print something and stop.
#[derive(Debug, PartialEq)]
pub(crate) enum Command {
    Run(Arguments),
    Help,
    Version,
}

/// Reads the arguments after the program name. Cargo runs `cargo-otel-doctor
/// otel-doctor ...`: that first `otel-doctor` is skipped.
pub(crate) fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut args = args.into_iter().peekable();
    if args.peek().is_some_and(|a| a == "otel-doctor") {
        args.next();
    }
    let mut parsed = Arguments {
        manifest_path: None,
        format: Format::Human,
        export: false,
        timeout: DEFAULT_TIMEOUT,
        offline: false,
        skip_metadata: false,
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_owned(), Some(value.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--manifest-path" => parsed.manifest_path = Some(PathBuf::from(value("--manifest-path")?)),
            "--format" => {
                parsed.format = match value("--format")?.as_str() {
                    "human" => Format::Human,
                    "json" => Format::Json,
                    other => return Err(format!("--format is human or json, not {other:?}")),
                }
            }
            "--timeout" => {
                let text = value("--timeout")?;
                let seconds: f64 = text
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s <= 300.0)
                    .ok_or_else(|| {
                        format!("--timeout is a number of seconds between 0 and 300, not {text:?}")
                    })?;
                parsed.timeout = Duration::from_secs_f64(seconds);
            }
            "--export" => parsed.export = true,
            "--offline" => parsed.offline = true,
            "--skip-metadata" => parsed.skip_metadata = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Command::Run(parsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Command, String> {
        parse(args.iter().map(|a| (*a).to_owned()))
    }

    #[test]
    fn cargos_subcommand_name_is_skipped_and_flags_read_both_ways() {
        let Ok(Command::Run(a)) = run(&[
            "otel-doctor",
            "--format=json",
            "--manifest-path",
            "x/Cargo.toml",
            "--export",
        ]) else {
            panic!("parsed")
        };
        assert_eq!(a.format, Format::Json);
        assert_eq!(a.manifest_path, Some(PathBuf::from("x/Cargo.toml")));
        assert!(a.export);
        assert_eq!(run(&["--help"]), Ok(Command::Help));
    }

    #[test]
    fn bad_input_is_an_error_never_a_panic() {
        for bad in [
            &["--format", "xml"][..],
            &["--timeout", "NaN"],
            &["--timeout", "-1"],
            &["--timeout", "1e309"],
            &["--manifest-path"],
            &["--what"],
            &["otel-doctor", "otel-doctor"],
        ] {
            assert!(run(bad).is_err(), "{bad:?}");
        }
    }
}
