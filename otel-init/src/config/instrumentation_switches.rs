//! The Java agent's switches that map onto the kit, read from the environment into
//! otel-kit-core's [`InstrumentationSwitches`], which `init()` sets for every
//! instrumentation: `OTEL_INSTRUMENTATION_<NAME>_ENABLED` for each of the kit's
//! instrumentations, `OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED`, the HTTP header
//! capture lists and `OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS`.

use otel_kit_core::instrumentation_switches::InstrumentationSwitches;

use crate::env::Env;

/// The `<NAME>`s of the kit's instrumentations (their `Instruments::SWITCHES`).
pub(crate) const NAMES: [&str; 13] = [
    "HTTP_SERVER",
    "AXUM",
    "HYPER",
    "HTTP_CLIENT",
    "REQWEST",
    "GRPC",
    "TONIC",
    "SQLX",
    "TOKIO_POSTGRES",
    "REDIS",
    "GENAI",
    "OPENAI",
    "MESSAGING",
];

pub(crate) const DEFAULT_ENABLED: &str = "OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED";
pub(crate) const SERVER_REQUEST_HEADERS: &str = "OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS";
pub(crate) const SERVER_RESPONSE_HEADERS: &str = "OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_RESPONSE_HEADERS";
pub(crate) const CLIENT_REQUEST_HEADERS: &str = "OTEL_INSTRUMENTATION_HTTP_CLIENT_CAPTURE_REQUEST_HEADERS";
pub(crate) const CLIENT_RESPONSE_HEADERS: &str = "OTEL_INSTRUMENTATION_HTTP_CLIENT_CAPTURE_RESPONSE_HEADERS";
pub(crate) const KNOWN_METHODS: &str = "OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS";

pub(crate) fn read(env: &mut Env<'_>) -> InstrumentationSwitches {
    let mut switches = InstrumentationSwitches::new().default_enabled(env.bool(DEFAULT_ENABLED, true));
    for name in NAMES {
        let variable = format!("OTEL_INSTRUMENTATION_{name}_ENABLED");
        if env.get(&variable).is_some() {
            // Unset and set to the default are the same; a bad value warns, as every bool.
            let enabled = env.bool(&variable, true);
            switches = switches.enabled(name, enabled);
        }
    }
    switches.http_server_request_headers = env.list(SERVER_REQUEST_HEADERS).unwrap_or_default();
    switches.http_server_response_headers = env.list(SERVER_RESPONSE_HEADERS).unwrap_or_default();
    switches.http_client_request_headers = env.list(CLIENT_REQUEST_HEADERS).unwrap_or_default();
    switches.http_client_response_headers = env.list(CLIENT_RESPONSE_HEADERS).unwrap_or_default();
    switches.http_known_methods = env.list(KNOWN_METHODS);
    switches
}
