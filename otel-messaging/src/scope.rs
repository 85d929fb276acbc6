//! This crate's instrumentation scope: the name, version and schema URL its spans,
//! metrics and events carry.

use opentelemetry::InstrumentationScope;
use otel_kit_core::__private::Scope;

/// The name of the instrumentation scope of this crate's spans and metrics (its
/// version is this crate's, its schema URL the semantic conventions').
///
/// ```
/// assert_eq!(otel_kit_messaging::INSTRUMENTATION_SCOPE, "otel-kit-messaging");
/// ```
pub const INSTRUMENTATION_SCOPE: &str = env!("CARGO_PKG_NAME");

/// The scope, built once.
static SCOPE: Scope = Scope::new(INSTRUMENTATION_SCOPE, env!("CARGO_PKG_VERSION"));

/// The scope every tracer, meter and logger of this crate is obtained with.
pub(crate) fn instrumentation_scope() -> InstrumentationScope {
    SCOPE.get()
}
