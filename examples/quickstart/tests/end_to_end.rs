//! The quickstart binary, run as a child process the way a user runs it: over OTLP into
//! the in-process collector (gRPC and HTTP/protobuf), and with no configuration at all,
//! where it prints to the console.

/// The binary under test.
const BINARY: &str = env!("CARGO_BIN_EXE_quickstart");
/// Its `service.name`, and its meter's scope.
const SERVICE: &str = "quickstart";

include!("cases/end_to_end.rs");

/// `OTEL_CONFIG_FILE` alone, through a real collector (quickstart only: the shipped
/// `otel-config.yaml` is its).
#[path = "cases/config_file.rs"]
mod config_file;
