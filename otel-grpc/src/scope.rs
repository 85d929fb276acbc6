//! The instrumentation scope of every span and metric this crate makes.

use std::sync::OnceLock;

use opentelemetry::InstrumentationScope;

/// The name of the instrumentation scope of this crate's spans and metrics (its
/// version is this crate's).
///
/// ```
/// assert_eq!(otel_kit_grpc::INSTRUMENTATION_SCOPE, "otel-kit-grpc");
/// ```
pub const INSTRUMENTATION_SCOPE: &str = "otel-kit-grpc";

/// The scope, built once; a clone copies `'static` strings only.
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
