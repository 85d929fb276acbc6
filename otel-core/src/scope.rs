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

/// Declares an instrumentation crate's scope: `pub const INSTRUMENTATION_SCOPE`, its
/// package name (documented, with an example on the crate's path), and `static SCOPE`,
/// the [`Scope`] at its package version. `$meta` goes on the static (a `cfg` when only
/// some features use it).
///
/// ```
/// mod my_instrumentation {
///     otel_kit_core::instrumentation_scope!();
///
///     pub fn scope() -> opentelemetry::InstrumentationScope {
///         SCOPE.get()
///     }
/// }
///
/// assert_eq!(my_instrumentation::INSTRUMENTATION_SCOPE, env!("CARGO_PKG_NAME"));
/// assert_eq!(my_instrumentation::scope().version(), Some(env!("CARGO_PKG_VERSION")));
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! instrumentation_scope {
    ($(#[$meta:meta])*) => {
        /// The name of the instrumentation scope of this crate's spans and metrics (its
        /// version is this crate's, its schema URL the semantic conventions').
        ///
        #[doc = concat!(
            "```\nassert_eq!(", env!("CARGO_CRATE_NAME"), "::INSTRUMENTATION_SCOPE, \"",
            env!("CARGO_PKG_NAME"), "\");\n```"
        )]
        pub const INSTRUMENTATION_SCOPE: &str = env!("CARGO_PKG_NAME");

        $(#[$meta])*
        static SCOPE: $crate::Scope = $crate::Scope::new(INSTRUMENTATION_SCOPE, env!("CARGO_PKG_VERSION"));
    };
}
