//! This crate's instrumentation scope: the name, version and schema URL its spans,
//! metrics and events carry.

/// The name of the instrumentation scope of this crate's spans and metrics (its version
/// is this crate's, its schema URL the semantic conventions' 1.45).
///
/// ```
/// assert_eq!(otel_kit_db::INSTRUMENTATION_SCOPE, "otel-kit-db");
/// ```
pub const INSTRUMENTATION_SCOPE: &str = "otel-kit-db";

/// The scope every tracer, meter and logger of this crate is obtained with.
#[cfg(feature = "__front-end")]
pub(crate) static SCOPE: otel_kit_core::__private::Scope =
    otel_kit_core::__private::Scope::new(INSTRUMENTATION_SCOPE, env!("CARGO_PKG_VERSION"));
