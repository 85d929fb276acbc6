//! The quickstart-actix binary, run as a child process the way a user runs it: the very
//! cases of `quickstart`'s end-to-end test (`examples/quickstart/tests/cases/end_to_end.rs`),
//! so the actix-web service must behave as the axum one does: over OTLP into the
//! in-process collector (gRPC and HTTP/protobuf), on the console with no configuration,
//! Prometheus beside OTLP, and from the environment alone.

/// The binary under test.
const BINARY: &str = env!("CARGO_BIN_EXE_quickstart-actix");
/// Its `service.name`, and its meter's scope.
const SERVICE: &str = "quickstart-actix";

include!("../../quickstart/tests/cases/end_to_end.rs");
