//! The instrumentation scope of every span and metric this crate makes.

use std::sync::OnceLock;

use opentelemetry::InstrumentationScope;

/// The name of the instrumentation scope of this crate's spans and metrics (its version
/// is this crate's, its schema URL the semantic conventions' 1.42).
///
/// ```
/// assert_eq!(otel_kit_db::INSTRUMENTATION_SCOPE, "otel-kit-db");
/// ```
pub const INSTRUMENTATION_SCOPE: &str = "otel-kit-db";

/// The scope, built once.
pub(crate) fn scope() -> InstrumentationScope {
    static SCOPE: OnceLock<InstrumentationScope> = OnceLock::new();
    SCOPE
        .get_or_init(|| {
            InstrumentationScope::builder(INSTRUMENTATION_SCOPE)
                .with_version(env!("CARGO_PKG_VERSION"))
                .with_schema_url(opentelemetry_semantic_conventions::SCHEMA_URL)
                .build()
        })
        .clone()
}
