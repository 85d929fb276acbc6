//! `cargo otel-doctor`: finds why telemetry silently goes missing in a project that uses
//! otel-kit, and says how to fix each finding.
//!
//! - From `cargo metadata` (`metadata`): a second version of an OpenTelemetry crate
//!   (`version_checks`), libraries at a release the kit does not instrument
//!   (`version_checks`, from the table in `kit_versions`), instrumentation left off
//!   (`feature_checks`).
//! - From the environment (`environment_checks`): every warning `init()` would give,
//!   `OTEL_CONFIG_FILE`'s errors, and what the environment asks of a build that lacks it.
//! - With `--export` (`export_check`): one real export per signal, its outcome read by
//!   `export_diagnosis`.
//!
//! The report (`report`) is a list of findings (`finding`): what, why it matters, the
//! fix; `--format json` for CI. The exit code is 1 when an error-level finding exists.

mod arguments;
mod environment_checks;
mod export_check;
mod export_diagnosis;
mod exporter_warnings;
mod feature_checks;
mod finding;
mod kit_source;
mod kit_versions;
mod metadata;
mod report;
mod test_telemetry;
mod version_checks;

use std::process::ExitCode;

use arguments::{Arguments, Command, USAGE};
use finding::{Finding, Severity};

fn main() -> ExitCode {
    match arguments::parse(std::env::args().skip(1)) {
        Ok(Command::Run(arguments)) => run(&arguments),
        Ok(Command::Help) => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Command::Version) => {
            println!("cargo-otel-doctor {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("cargo otel-doctor: {error}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(arguments: &Arguments) -> ExitCode {
    let mut findings: Vec<Finding> = Vec::new();
    let mut ran = Vec::new();
    if !arguments.skip_metadata {
        ran.push("dependencies");
        match metadata::load(arguments.manifest_path.as_ref(), arguments.offline) {
            Ok(graph) => {
                findings.extend(version_checks::duplicate_opentelemetry(&graph));
                findings.extend(version_checks::uninstrumented_versions(&graph));
                findings.extend(feature_checks::missing_instrumentation(&graph));
                findings.extend(feature_checks::bound_instruments_mismatch(&graph));
                findings.extend(environment_checks::missing_init_features(&graph));
            }
            Err(error) => findings.push(Finding::new(
                Severity::Error,
                "dependencies",
                error,
                "the project's dependencies could not be checked",
                "run the doctor in the project's directory, or pass --manifest-path path/to/Cargo.toml",
            )),
        }
    }
    ran.push("environment");
    findings.extend(environment_checks::init_warnings());
    if arguments.export {
        ran.push("export");
        findings.extend(export_check::run(arguments.timeout));
    }
    print!("{}", report::render(&findings, &ran, arguments.format));
    if findings.iter().any(|f| f.severity == Severity::Error) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
