//! [`InstrumentationSwitches`]: the Java agent's switches that map onto the kit
//! (`OTEL_INSTRUMENTATION_<NAME>_ENABLED`, `OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED`,
//! the HTTP header capture lists and known methods), which otel-kit-init reads from the
//! environment and sets here; each instrumentation reads them lazily. Values set in code
//! on an instrumentation's builder win.
//!
//! A disabled instrumentation resolves no-op providers ([`Resolver`](crate::request_path::resolver::Resolver)):
//! no span, no metric, no log event, while the context it is handed still flows through,
//! so a disabled HTTP server layer still continues the caller's trace in the handler.
//!
//! ```
//! use otel_kit_core::instrumentation_switches::InstrumentationSwitches;
//!
//! let switches = InstrumentationSwitches::new().enabled("REQWEST", false);
//! assert!(!switches.is_enabled(&["HTTP_CLIENT", "REQWEST"]));
//! assert!(switches.is_enabled(&["HTTP_SERVER", "AXUM"]));
//! let off_by_default = InstrumentationSwitches::new().default_enabled(false).enabled("axum", true);
//! assert!(off_by_default.is_enabled(&["HTTP_SERVER", "AXUM"]));
//! assert!(!off_by_default.is_enabled(&["GRPC", "TONIC"]));
//! ```

use std::sync::Arc;
use std::time::Duration;

use crate::QueryText;
use crate::global_slot::GlobalSlot;

/// The switches in effect; see the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstrumentationSwitches {
    default_enabled: bool,
    /// Upper-case names with their `_ENABLED` value.
    enabled: Vec<(String, bool)>,
    /// `OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS`.
    pub http_server_request_headers: Vec<String>,
    /// `OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_RESPONSE_HEADERS`.
    pub http_server_response_headers: Vec<String>,
    /// `OTEL_INSTRUMENTATION_HTTP_CLIENT_CAPTURE_REQUEST_HEADERS`.
    pub http_client_request_headers: Vec<String>,
    /// `OTEL_INSTRUMENTATION_HTTP_CLIENT_CAPTURE_RESPONSE_HEADERS`.
    pub http_client_response_headers: Vec<String>,
    /// `OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS`: replaces the default list when set.
    pub http_known_methods: Option<Vec<String>>,
    /// `OTEL_KIT_REQUEST_VALUE_MAX_BYTES`: the longest request-derived string the HTTP
    /// and gRPC layers record ([`RequestValueLimit`](crate::RequestValueLimit)).
    pub request_value_max_bytes: Option<usize>,
    /// `OTEL_KIT_DB_SLOW_QUERY_THRESHOLD`: a database operation that takes at least this
    /// long is flagged as slow on its span and logged at WARN; `None` flags none.
    pub db_slow_query_threshold: Option<Duration>,
    /// `OTEL_KIT_DB_QUERY_TEXT`: how the database instrumentations record
    /// `db.query.text` where their builder does not say; `None`, the default.
    pub db_query_text: Option<QueryText>,
}

impl Default for InstrumentationSwitches {
    fn default() -> Self {
        Self::new()
    }
}

impl InstrumentationSwitches {
    /// Everything on, nothing captured, the default methods.
    pub fn new() -> Self {
        InstrumentationSwitches {
            default_enabled: true,
            enabled: Vec::new(),
            http_server_request_headers: Vec::new(),
            http_server_response_headers: Vec::new(),
            http_client_request_headers: Vec::new(),
            http_client_response_headers: Vec::new(),
            http_known_methods: None,
            request_value_max_bytes: None,
            db_slow_query_threshold: None,
            db_query_text: None,
        }
    }

    /// `OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED`: whether an instrumentation no
    /// `_ENABLED` switch names is on.
    #[must_use]
    pub fn default_enabled(mut self, enabled: bool) -> Self {
        self.default_enabled = enabled;
        self
    }

    /// `OTEL_INSTRUMENTATION_<name>_ENABLED` (any case).
    #[must_use]
    pub fn enabled(mut self, name: &str, enabled: bool) -> Self {
        self.enabled.push((name.to_ascii_uppercase(), enabled));
        self
    }

    /// Whether an instrumentation known by `names` is on: off if a switch turns any of
    /// its names off, else on if one turns a name on, else the common default.
    pub fn is_enabled(&self, names: &[&str]) -> bool {
        let switch = |wanted: bool| {
            self.enabled
                .iter()
                .any(|(name, on)| *on == wanted && names.iter().any(|n| n.eq_ignore_ascii_case(name)))
        };
        if switch(false) {
            return false;
        }
        switch(true) || self.default_enabled
    }
}

static GLOBAL: GlobalSlot<InstrumentationSwitches> = GlobalSlot::new();

/// Sets the switches every instrumentation reads (otel-kit-init's `init()` does, from
/// the environment).
pub fn set_global_instrumentation_switches(switches: InstrumentationSwitches) {
    GLOBAL.set(Some(Arc::new(switches)));
}

/// The switches set with [`set_global_instrumentation_switches`], if any.
pub fn global_instrumentation_switches() -> Option<Arc<InstrumentationSwitches>> {
    GLOBAL.get()
}
