//! This crate's instrumentation scope: the name, version and schema URL its spans,
//! metrics and events carry.

use opentelemetry::InstrumentationScope;
use otel_kit_core::__private::Scope;

/// The name of the instrumentation scope of this crate's spans and metrics (its
/// version is this crate's, its schema URL that of the GenAI names' release,
/// [`attributes::SEMCONV_VERSION`](crate::attributes::SEMCONV_VERSION)).
///
/// ```
/// assert_eq!(otel_kit_genai::INSTRUMENTATION_SCOPE, "otel-kit-genai");
/// ```
pub const INSTRUMENTATION_SCOPE: &str = env!("CARGO_PKG_NAME");

/// The scope, built once.
static SCOPE: Scope = Scope::with_schema_url(
    INSTRUMENTATION_SCOPE,
    env!("CARGO_PKG_VERSION"),
    otel_kit_semconv::GENAI_SCHEMA_URL,
);

/// The scope every tracer, meter and logger of this crate is obtained with.
pub(crate) fn instrumentation_scope() -> InstrumentationScope {
    SCOPE.get()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_schema_url_is_that_of_the_genai_names_release() {
        assert_eq!(
            super::instrumentation_scope().schema_url(),
            Some("https://opentelemetry.io/schemas/1.41.0")
        );
    }
}
