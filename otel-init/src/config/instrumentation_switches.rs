//! The Java agent's switches that map onto the kit, read from the environment into
//! otel-kit-core's [`InstrumentationSwitches`], which `init()` sets for every
//! instrumentation: `OTEL_INSTRUMENTATION_<NAME>_ENABLED` for each of the kit's
//! instrumentations, `OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED`, the HTTP header
//! capture lists and `OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS`.

use otel_kit_core::instrumentation_switches::InstrumentationSwitches;

use crate::env::Env;

/// The `<NAME>`s of the kit's instrumentations (their `Instruments::SWITCHES`), and
/// `RUNTIME_TELEMETRY` (otel-kit-init's process and runtime metrics).
pub(crate) const NAMES: &[&str] = &[
    "HTTP_SERVER",
    "AXUM",
    "HYPER",
    "ACTIX_WEB",
    "HTTP_CLIENT",
    "REQWEST",
    "TOWER_CLIENT",
    "AWC",
    "GRPC",
    "TONIC",
    "SQLX",
    "TOKIO_POSTGRES",
    "DIESEL",
    "REDIS",
    "GENAI",
    "OPENAI",
    "MESSAGING",
    "RUNTIME_TELEMETRY",
];

pub(crate) const DEFAULT_ENABLED: &str = "OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED";
pub(crate) const SERVER_REQUEST_HEADERS: &str = "OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS";
pub(crate) const SERVER_RESPONSE_HEADERS: &str = "OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_RESPONSE_HEADERS";
pub(crate) const CLIENT_REQUEST_HEADERS: &str = "OTEL_INSTRUMENTATION_HTTP_CLIENT_CAPTURE_REQUEST_HEADERS";
pub(crate) const CLIENT_RESPONSE_HEADERS: &str = "OTEL_INSTRUMENTATION_HTTP_CLIENT_CAPTURE_RESPONSE_HEADERS";
pub(crate) const KNOWN_METHODS: &str = "OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS";
pub(crate) const REQUEST_VALUE_MAX_BYTES: &str = "OTEL_KIT_REQUEST_VALUE_MAX_BYTES";
pub(crate) const DB_SLOW_QUERY_THRESHOLD: &str = "OTEL_KIT_DB_SLOW_QUERY_THRESHOLD";
pub(crate) const DB_QUERY_TEXT: &str = "OTEL_KIT_DB_QUERY_TEXT";

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
    switches.request_value_max_bytes = request_value_max_bytes(env);
    switches.db_slow_query_threshold = db_slow_query_threshold(env);
    switches.db_query_text = db_query_text(env);
    switches.http_known_methods = env.list(KNOWN_METHODS).map(|names| {
        let (methods, bad): (Vec<String>, Vec<String>) = names
            .into_iter()
            .partition(|name| http::Method::from_bytes(name.as_bytes()).is_ok());
        if !bad.is_empty() {
            let value = env.get(KNOWN_METHODS).unwrap_or_default();
            let bad: Vec<String> = bad.iter().map(|name| format!("{name:?}")).collect();
            env.warn(
                KNOWN_METHODS,
                &value,
                format!(
                    "skipped {}: not an HTTP method (a token of letters, digits and !#$%&'*+-.^_`|~); the other methods are kept",
                    bad.join(", ")
                ),
            );
        }
        methods
    });
    switches
}

/// `OTEL_KIT_REQUEST_VALUE_MAX_BYTES`: the HTTP and gRPC layers' cap on request-derived
/// strings. 0 would record every such value empty: warned about, and the default applies.
fn request_value_max_bytes(env: &mut Env<'_>) -> Option<usize> {
    let default = otel_kit_core::request_value::DEFAULT_MAX_REQUEST_VALUE_BYTES;
    let max = env.optional_usize(REQUEST_VALUE_MAX_BYTES, &format!("{default} bytes"))?;
    if max == 0 {
        env.warn(
            REQUEST_VALUE_MAX_BYTES,
            "0",
            format!("would record every request value empty; using {default}"),
        );
        return None;
    }
    Some(max)
}

/// `OTEL_KIT_DB_SLOW_QUERY_THRESHOLD`, in whole milliseconds: unset, no operation is
/// flagged. 0 would flag every operation: warned about, and none is flagged.
fn db_slow_query_threshold(env: &mut Env<'_>) -> Option<std::time::Duration> {
    let ms = env.optional_usize(DB_SLOW_QUERY_THRESHOLD, "no threshold (no operation flagged)")?;
    if ms == 0 {
        env.warn(
            DB_SLOW_QUERY_THRESHOLD,
            "0",
            "would flag every database operation as slow; using the default, no threshold",
        );
        return None;
    }
    Some(std::time::Duration::from_millis(
        u64::try_from(ms).unwrap_or(u64::MAX),
    ))
}

/// `OTEL_KIT_DB_QUERY_TEXT`: `sanitized` (the default), `always_sanitized` or `off`; an
/// unknown name is warned about and the default applies.
fn db_query_text(env: &mut Env<'_>) -> Option<otel_kit_core::QueryText> {
    let value = env.get(DB_QUERY_TEXT)?;
    let mode = otel_kit_core::QueryText::from_name(&value);
    if mode.is_none() {
        env.warn(
            DB_QUERY_TEXT,
            &value,
            format!(
                "is none of {}; using the default, sanitized",
                otel_kit_core::QueryText::NAMES.join(", ")
            ),
        );
    }
    mode
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::read;
    use crate::env::read_with;

    fn switches(
        vars: &[(&str, &str)],
    ) -> (
        otel_kit_core::instrumentation_switches::InstrumentationSwitches,
        Vec<String>,
    ) {
        let vars: HashMap<&str, &str> = vars.iter().copied().collect();
        let (switches, warnings) = read_with(|k| vars.get(k).map(|v| (*v).to_owned()), read);
        (switches, warnings.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_known_method_that_is_not_a_method_is_warned_about_and_skipped() {
        let (read, warnings) = switches(&[("OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS", "GET,PO ST,PURGE,{}")]);
        assert_eq!(
            read.http_known_methods,
            Some(vec!["GET".to_owned(), "PURGE".to_owned()])
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS")
                && warnings[0].contains("\"PO ST\", \"{}\""),
            "{warnings:?}"
        );
        let (_, quiet) = switches(&[("OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS", "GET,POST")]);
        assert!(quiet.is_empty(), "{quiet:?}");
    }

    #[test]
    fn the_request_value_limit_is_read_and_zero_is_warned_about() {
        let (read, warnings) = switches(&[("OTEL_KIT_REQUEST_VALUE_MAX_BYTES", "16384")]);
        assert_eq!(read.request_value_max_bytes, Some(16384));
        assert!(warnings.is_empty(), "{warnings:?}");
        let (unset, _) = switches(&[]);
        assert_eq!(unset.request_value_max_bytes, None);
        for bad in ["0", "-1", "lots"] {
            let (read, warnings) = switches(&[("OTEL_KIT_REQUEST_VALUE_MAX_BYTES", bad)]);
            assert_eq!(read.request_value_max_bytes, None, "{bad}");
            assert_eq!(warnings.len(), 1, "{bad}: {warnings:?}");
            assert!(
                warnings[0].contains("OTEL_KIT_REQUEST_VALUE_MAX_BYTES") && warnings[0].contains("4096"),
                "{warnings:?}"
            );
        }
    }

    #[test]
    fn the_slow_query_threshold_is_read_in_milliseconds_and_zero_is_warned_about() {
        let (read, warnings) = switches(&[("OTEL_KIT_DB_SLOW_QUERY_THRESHOLD", "250")]);
        assert_eq!(
            read.db_slow_query_threshold,
            Some(std::time::Duration::from_millis(250))
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        let (unset, _) = switches(&[]);
        assert_eq!(unset.db_slow_query_threshold, None, "off by default");
        for bad in ["0", "-5", "1s", "250ms"] {
            let (read, warnings) = switches(&[("OTEL_KIT_DB_SLOW_QUERY_THRESHOLD", bad)]);
            assert_eq!(read.db_slow_query_threshold, None, "{bad}");
            assert_eq!(warnings.len(), 1, "{bad}: {warnings:?}");
            assert!(
                warnings[0].contains("OTEL_KIT_DB_SLOW_QUERY_THRESHOLD")
                    && warnings[0].contains("no threshold"),
                "{warnings:?}"
            );
        }
    }

    #[test]
    fn the_query_text_mode_is_read_by_name_and_an_unknown_one_is_warned_about() {
        use otel_kit_core::QueryText;

        for (name, mode) in [
            ("sanitized", QueryText::Sanitized),
            ("ALWAYS_SANITIZED", QueryText::AlwaysSanitized),
            ("off", QueryText::Off),
        ] {
            let (read, warnings) = switches(&[("OTEL_KIT_DB_QUERY_TEXT", name)]);
            assert_eq!(read.db_query_text, Some(mode), "{name}");
            assert!(warnings.is_empty(), "{warnings:?}");
        }
        let (read, warnings) = switches(&[("OTEL_KIT_DB_QUERY_TEXT", "raw")]);
        assert_eq!(read.db_query_text, None);
        assert!(
            warnings.len() == 1
                && warnings[0].contains("always_sanitized")
                && warnings[0].contains("default"),
            "{warnings:?}"
        );
    }

    #[test]
    fn the_common_default_reaches_the_runtime_metrics_unless_they_are_named() {
        let (off, _) = switches(&[("OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED", "false")]);
        assert!(!off.is_enabled(&["RUNTIME_TELEMETRY"]));
        let (named, _) = switches(&[
            ("OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED", "false"),
            ("OTEL_INSTRUMENTATION_RUNTIME_TELEMETRY_ENABLED", "true"),
        ]);
        assert!(named.is_enabled(&["RUNTIME_TELEMETRY"]));
    }
}
