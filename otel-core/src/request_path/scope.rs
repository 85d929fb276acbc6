//! [`Scope`]: an instrumentation's scope, built once per process.

use std::sync::OnceLock;

use opentelemetry::InstrumentationScope;

/// The instrumentation scope of one crate's spans and metrics: its name, its version
/// and the semantic-conventions schema URL, built on first use. Declare one per crate
/// as a `static`; a clone per request copies `'static` strings only.
///
/// ```
/// use otel_kit_core::__private::Scope;
///
/// static SCOPE: Scope = Scope::new("my-instrumentation", "1.2.3");
/// let scope = SCOPE.get();
/// assert_eq!(scope.name(), "my-instrumentation");
/// assert_eq!(scope.version(), Some("1.2.3"));
/// assert_eq!(scope.schema_url(), Some(otel_kit_semconv::SCHEMA_URL));
/// ```
#[derive(Debug)]
pub struct Scope {
    name: &'static str,
    version: &'static str,
    schema_url: &'static str,
    built: OnceLock<InstrumentationScope>,
}

impl Scope {
    /// The scope `name` at `version` (a crate passes its `CARGO_PKG_VERSION`).
    pub const fn new(name: &'static str, version: &'static str) -> Self {
        Self::with_schema_url(name, version, otel_kit_semconv::SCHEMA_URL)
    }

    /// The scope `name` at `version` whose names follow the conventions of `schema_url`
    /// (the GenAI names, which follow another release than the rest).
    ///
    /// ```
    /// use otel_kit_core::__private::Scope;
    ///
    /// static SCOPE: Scope = Scope::with_schema_url("genai", "1.2.3", otel_kit_semconv::GENAI_SCHEMA_URL);
    /// assert_eq!(SCOPE.get().schema_url(), Some("https://opentelemetry.io/schemas/1.41.0"));
    /// ```
    pub const fn with_schema_url(
        name: &'static str,
        version: &'static str,
        schema_url: &'static str,
    ) -> Self {
        Self {
            name,
            version,
            schema_url,
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
                    .with_schema_url(self.schema_url)
                    .build()
            })
            .clone()
    }
}
