//! The `instrumentation/development` section and the kit's own `distribution.otel_kit`
//! section, written as the variables they stand for (`OTEL_INSTRUMENTATION_*`,
//! `OTEL_KIT_*`).

use crate::model::{Distribution, HttpInstrumentation, Instrumentation, RatioArithmetic};

use super::EnvVariables;

pub(super) fn instrumentation(section: &Instrumentation, vars: &mut EnvVariables) {
    const AT: &str = "instrumentation/development";
    let sides = [
        ("CLIENT", "client", &section.http_client),
        ("SERVER", "server", &section.http_server),
    ];
    for (side, key, http) in sides {
        let HttpInstrumentation {
            request_captured_headers,
            response_captured_headers,
            known_methods,
        } = http;
        let at = format!("{AT}.general.http.{key}");
        for (which, headers) in [
            ("REQUEST", request_captured_headers),
            ("RESPONSE", response_captured_headers),
        ] {
            if !headers.is_empty() {
                let variable = format!("OTEL_INSTRUMENTATION_HTTP_{side}_CAPTURE_{which}_HEADERS");
                let key = format!("{at}.{}_captured_headers", which.to_ascii_lowercase());
                vars.set(variable, headers.join(","), key);
            }
        }
        if let Some(methods) = known_methods {
            vars.set(
                "OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS",
                methods.join(","),
                format!("{at}.known_methods"),
            );
        }
    }
    if let Some(on) = section.default_enabled {
        vars.set(
            "OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED",
            on.to_string(),
            format!("{AT}.rust.default_enabled"),
        );
    }
    for (name, on) in &section.enabled {
        let variable = format!("OTEL_INSTRUMENTATION_{}_ENABLED", name.to_ascii_uppercase());
        vars.set(variable, on.to_string(), format!("{AT}.rust.{name}.enabled"));
    }
}

pub(super) fn distribution(section: &Distribution, vars: &mut EnvVariables) {
    const AT: &str = "distribution.otel_kit";
    let Some(kit) = &section.otel_kit else { return };
    if let Some(redaction) = &kit.redaction {
        let at = |key: &str| format!("{AT}.redaction.{key}");
        if let Some(on) = redaction.enabled {
            vars.set(
                "OTEL_KIT_REDACT",
                if on { "default" } else { "none" },
                at("enabled"),
            );
        }
        let lists = [
            ("OTEL_KIT_REDACT_DROP_KEYS", &redaction.drop_keys, "drop_keys"),
            ("OTEL_KIT_REDACT_HASH_KEYS", &redaction.hash_keys, "hash_keys"),
        ];
        for (variable, keys, key) in lists {
            if !keys.is_empty() {
                vars.set(variable, keys.join(","), at(key));
            }
        }
        if let Some(secret) = &redaction.hash_secret {
            vars.set("OTEL_KIT_REDACT_HASH_SECRET", secret.clone(), at("hash_secret"));
        }
        if let Some(file) = &redaction.hash_secret_file {
            vars.set(
                "OTEL_KIT_REDACT_HASH_SECRET_FILE",
                file.clone(),
                at("hash_secret_file"),
            );
        }
        if let Some(scrub) = &redaction.scrub {
            let kinds = if scrub.is_empty() {
                "none".to_owned()
            } else {
                scrub.join(",")
            };
            vars.set("OTEL_KIT_REDACT_SCRUB", kinds, at("scrub"));
        }
    }
    if let Some(sampler) = &kit.sampler {
        if !sampler.excluded_routes.is_empty() {
            let routes = sampler.excluded_routes.join(",");
            vars.set(
                "OTEL_KIT_SAMPLER_EXCLUDED_ROUTES",
                routes,
                format!("{AT}.sampler.excluded_routes"),
            );
        }
        if let Some(arithmetic) = sampler.ratio_arithmetic {
            let value = match arithmetic {
                RatioArithmetic::Consistent => "consistent",
                RatioArithmetic::Legacy => "legacy",
            };
            vars.set(
                "OTEL_KIT_SAMPLER_ARITHMETIC",
                value,
                format!("{AT}.sampler.ratio_arithmetic"),
            );
        }
    }
    if let Some(share) = kit.bsp_max_trace_share {
        vars.set(
            "OTEL_KIT_BSP_MAX_TRACE_SHARE",
            share.to_string(),
            format!("{AT}.bsp_max_trace_share"),
        );
    }
    if let Some(bytes) = kit.request_value_max_bytes {
        vars.set(
            "OTEL_KIT_REQUEST_VALUE_MAX_BYTES",
            bytes.to_string(),
            format!("{AT}.request_value_max_bytes"),
        );
    }
    if let Some(ms) = kit.db_slow_query_threshold {
        vars.set(
            "OTEL_KIT_DB_SLOW_QUERY_THRESHOLD",
            ms.to_string(),
            format!("{AT}.db_slow_query_threshold"),
        );
    }
    if let Some(mode) = &kit.db_query_text {
        vars.set(
            "OTEL_KIT_DB_QUERY_TEXT",
            mode.clone(),
            format!("{AT}.db_query_text"),
        );
    }
    if let Some(nice) = kit.export_thread_nice {
        vars.set(
            "OTEL_KIT_EXPORT_THREAD_NICE",
            nice.to_string(),
            format!("{AT}.export_thread_nice"),
        );
    }
    if let Some(otlp) = &kit.exporter_otlp {
        let at = |key: &str| format!("{AT}.exporter_otlp.{key}");
        if let Some(every) = otlp.credentials_check_interval {
            let millis = every.as_millis().to_string();
            vars.set(
                "OTEL_KIT_EXPORTER_OTLP_CREDENTIALS_CHECK_INTERVAL",
                millis,
                at("credentials_check_interval"),
            );
        }
        let files: Vec<String> = otlp
            .headers_files
            .iter()
            .filter_map(|h| Some(format!("{}={}", h.name, h.value.as_ref()?)))
            .collect();
        if !files.is_empty() {
            vars.set(
                "OTEL_KIT_EXPORTER_OTLP_HEADERS_FILE",
                files.join(","),
                at("headers_files"),
            );
        }
    }
}
