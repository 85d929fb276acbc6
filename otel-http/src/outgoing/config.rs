//! [`Config`]: what a client front-end was configured with, shared by its clones and by
//! the calls it has in flight, and [`client_builders!`], the builder methods both
//! front-ends have.

use std::fmt;
use std::sync::Arc;
use std::thread::LocalKey;

use otel_kit_core::hooks::{Hooks, Signatures};
use otel_kit_core::{Cache, Resolver};

use super::instruments::Instruments;
use crate::conventions::from_switches::{HttpSettings, Side};

/// What differs between the client front-ends: the types their hooks and propagation
/// filter see, and the names they answer to.
pub(crate) trait Frontend: Sized + Send + Sync + 'static {
    /// The front-end's type name, in `Debug`.
    const NAME: &'static str;
    /// `OTEL_INSTRUMENTATION_<NAME>_ENABLED` names (docs/configuration.md, "The Java
    /// agent's switches").
    const SWITCHES: &'static [&'static str];
    /// The hooks' argument types.
    type Hooks: Signatures;
    /// `propagate_if`'s filter.
    type PropagationFilter: ?Sized + Send + Sync;

    /// The front-end's per-thread cache of resolved providers.
    fn cache() -> &'static LocalKey<Cache<Instruments<Self>>>;
}

/// Everything a client front-end was configured with.
pub(crate) struct Config<F: Frontend> {
    /// Header capture and known methods: the builder's, else the switches'.
    pub(crate) http: HttpSettings,
    pub(crate) propagate: Option<Arc<F::PropagationFilter>>,
    pub(crate) hooks: Hooks<F::Hooks>,
    pub(crate) resolver: Resolver<Instruments<F>>,
}

// By hand: derived, they would ask `F` (a marker type) to be `Clone` and `Default`.
impl<F: Frontend> Clone for Config<F> {
    fn clone(&self) -> Self {
        Self {
            http: self.http.clone(),
            propagate: self.propagate.clone(),
            hooks: self.hooks.clone(),
            resolver: self.resolver.clone(),
        }
    }
}

impl<F: Frontend> Default for Config<F> {
    fn default() -> Self {
        Self {
            http: HttpSettings::default(),
            propagate: None,
            hooks: Hooks::default(),
            resolver: Resolver::default(),
        }
    }
}

impl<F: Frontend> fmt::Debug for Config<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(F::NAME)
            .field("known_methods", self.http.known_methods(Side::Client))
            .field("headers", self.http.headers(Side::Client))
            .field("propagate_if", &self.propagate.as_ref().map(|_| "<filter>"))
            .field("hooks", &self.hooks)
            .field("providers", self.resolver.providers())
            .finish()
    }
}

/// Writes `known_methods` and `capture_headers` in a client front-end's `impl` block;
/// `$layer` names it in the examples (`otel_kit_http::$layer::new()`). Its `config` is
/// an `Arc<Config<_>>`, and `hook_builders!` wrote its `edit`.
macro_rules! client_builders {
    ($layer:literal) => {
        #[doc = "Methods recorded as themselves besides the standard ones; others become"]
        #[doc = " `_OTHER` (span name `HTTP`)."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "use otel_kit_http::conventions::KnownMethods;"]
        #[doc = ""]
        #[doc = "let purge = http::Method::from_bytes(b\"PURGE\").unwrap();"]
        #[doc = concat!("let layer = otel_kit_http::", $layer, "::new().known_methods(KnownMethods::default().with(purge));")]
        #[doc = "# drop(layer);"]
        #[doc = "```"]
        pub fn known_methods(self, known_methods: $crate::conventions::KnownMethods) -> Self {
            self.edit(|c| c.http.set_known_methods(known_methods))
        }

        #[doc = "Records the listed request and response headers as span attributes"]
        #[doc = " (credential headers are never recorded, whatever the list says)."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "use otel_kit_http::conventions::HeaderCapture;"]
        #[doc = ""]
        #[doc = concat!("let layer = otel_kit_http::", $layer, "::new()")]
        #[doc = "    .capture_headers(HeaderCapture::default().request([\"x-tenant\"]).response([\"x-request-id\"]));"]
        #[doc = "# drop(layer);"]
        #[doc = "```"]
        pub fn capture_headers(self, capture: $crate::conventions::HeaderCapture) -> Self {
            self.edit(|c| c.http.set_headers(|_| capture))
        }

        #[doc = "The longest string of a request that its span records, in bytes (`url.full`"]
        #[doc = " after redaction, `http.request.method_original`, each captured request header"]
        #[doc = " value); a longer one is cut at a character boundary. Default: 4096, or"]
        #[doc = " `OTEL_KIT_REQUEST_VALUE_MAX_BYTES` through otel-kit-init."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = concat!("let layer = otel_kit_http::", $layer, "::new().max_request_value_bytes(16 * 1024);")]
        #[doc = "# drop(layer);"]
        #[doc = "```"]
        pub fn max_request_value_bytes(self, max_bytes: usize) -> Self {
            self.edit(|c| c.http.set_value_limit(otel_kit_core::RequestValueLimit::bytes(max_bytes)))
        }
    };
}
