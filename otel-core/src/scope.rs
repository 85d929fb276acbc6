//! [`Scope`]: an instrumentation's scope, built once per process.

use std::sync::OnceLock;

use opentelemetry::InstrumentationScope;

/// The instrumentation scope of one crate's spans and metrics: its name, its version
/// and the semantic-conventions schema URL, built on first use. Declare one per crate
/// as a `static`; a clone per request copies `'static` strings only.
///
/// ```
/// use otel_kit_core::Scope;
///
/// static SCOPE: Scope = Scope::new("my-instrumentation", "1.2.3");
/// let scope = SCOPE.get();
/// assert_eq!(scope.name(), "my-instrumentation");
/// assert_eq!(scope.version(), Some("1.2.3"));
/// assert_eq!(scope.schema_url(), Some(opentelemetry_semantic_conventions::SCHEMA_URL));
/// ```
#[derive(Debug)]
pub struct Scope {
    name: &'static str,
    version: &'static str,
    built: OnceLock<InstrumentationScope>,
}

impl Scope {
    /// The scope `name` at `version` (a crate passes its `CARGO_PKG_VERSION`).
    pub const fn new(name: &'static str, version: &'static str) -> Self {
        Self {
            name,
            version,
            built: OnceLock::new(),
        }
    }

    /// The scope's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The scope.
    pub fn get(&self) -> InstrumentationScope {
        self.built
            .get_or_init(|| {
                InstrumentationScope::builder(self.name)
                    .with_version(self.version)
                    .with_schema_url(opentelemetry_semantic_conventions::SCHEMA_URL)
                    .build()
            })
            .clone()
    }
}
