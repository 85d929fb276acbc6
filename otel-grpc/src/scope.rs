//! [`INSTRUMENTATION_SCOPE`]: the instrumentation scope of this crate's spans and
//! metrics (its version is this crate's, its schema URL the semantic conventions').

/// The name of the instrumentation scope of this crate's spans and metrics (its
/// version is this crate's, its schema URL the semantic conventions').
///
/// ```
/// assert_eq!(otel_kit_grpc::INSTRUMENTATION_SCOPE, "otel-kit-grpc");
/// ```
pub const INSTRUMENTATION_SCOPE: &str = env!("CARGO_PKG_NAME");

/// The scope, built once.
#[cfg(any(feature = "server", feature = "client"))]
pub(crate) static SCOPE: otel_kit_core::__private::Scope =
    otel_kit_core::__private::Scope::new(INSTRUMENTATION_SCOPE, env!("CARGO_PKG_VERSION"));
