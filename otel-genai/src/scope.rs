//! This crate's instrumentation scope: the name, version and schema URL its spans,
//! metrics and events carry.

use opentelemetry::InstrumentationScope;

otel_kit_core::instrumentation_scope!();

/// The scope every tracer, meter and logger of this crate is obtained with.
pub(crate) fn instrumentation_scope() -> InstrumentationScope {
    SCOPE.get()
}
