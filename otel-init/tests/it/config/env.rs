//! Every `OTEL_*` variable the kit reads: default when unset or empty, the parsed value
//! when valid (enum values in any case), one exact warning naming the variable, the
//! value and the default when invalid (the tables in `sdk_cases.rs` and `otlp_cases.rs`),
//! and the spec's precedence for the OTLP ones.

use std::time::Duration;

use otel_kit_init::batch::BatchSettings;
use otel_kit_init::config::{Config, ExporterKind, LogLevel, Protocol};
use otel_kit_propagators::PropagatorName;

use super::otlp_cases::OTLP_CASES;
use super::sdk_cases::{Case, SDK_CASES};
use crate::support::read_config as read;

fn defaults() -> Config {
    read(&[]).0
}

/// Every case of both tables.
fn cases() -> impl Iterator<Item = &'static Case> {
    SDK_CASES.iter().chain(OTLP_CASES)
}

#[test]
fn every_variable_valid_invalid_and_empty() {
    for (variable, value, check, warning) in cases() {
        let (config, warnings) = read(&[(variable, value)]);
        assert!(check(&config), "{variable}={value:?} gave {config:#?}");
        match warning {
            // Per-signal variables warn once per signal for a generic value.
            Some(expected) => assert!(
                warnings.iter().any(|w| w == expected),
                "{variable}={value:?}: expected warning\n  {expected}\ngot\n  {warnings:#?}"
            ),
            None => assert!(
                warnings.is_empty(),
                "{variable}={value:?}: unexpected warnings {warnings:#?}"
            ),
        }
    }
}

#[test]
fn every_variable_read_is_covered_by_a_case() {
    // The variables the spec defines for the SDK (minus the ones for exporters we do not
    // ship: Zipkin, Jaeger) must all appear in the table above.
    let mut names: Vec<String> = vec![
        "OTEL_SDK_DISABLED",
        "OTEL_SERVICE_NAME",
        "OTEL_RESOURCE_ATTRIBUTES",
        "OTEL_LOG_LEVEL",
        "OTEL_PROPAGATORS",
        "OTEL_TRACES_SAMPLER",
        "OTEL_TRACES_SAMPLER_ARG",
        "OTEL_TRACES_EXPORTER",
        "OTEL_METRICS_EXPORTER",
        "OTEL_LOGS_EXPORTER",
        "OTEL_BSP_SCHEDULE_DELAY",
        "OTEL_BSP_EXPORT_TIMEOUT",
        "OTEL_BSP_MAX_QUEUE_SIZE",
        "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
        "OTEL_BLRP_SCHEDULE_DELAY",
        "OTEL_BLRP_EXPORT_TIMEOUT",
        "OTEL_BLRP_MAX_QUEUE_SIZE",
        "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE",
        "OTEL_METRIC_EXPORT_INTERVAL",
        "OTEL_METRIC_EXPORT_TIMEOUT",
        "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
        "OTEL_METRICS_EXEMPLAR_FILTER",
        "OTEL_EXPORTER_PROMETHEUS_HOST",
        "OTEL_EXPORTER_PROMETHEUS_PORT",
        "OTEL_ATTRIBUTE_COUNT_LIMIT",
        "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
        "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
        "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
        "OTEL_SPAN_EVENT_COUNT_LIMIT",
        "OTEL_SPAN_LINK_COUNT_LIMIT",
        "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT",
        "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
        "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT",
        "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    for suffix in [
        "ENDPOINT",
        "PROTOCOL",
        "HEADERS",
        "TIMEOUT",
        "COMPRESSION",
        "INSECURE",
        "CERTIFICATE",
        "CLIENT_KEY",
        "CLIENT_CERTIFICATE",
    ] {
        names.push(format!("OTEL_EXPORTER_OTLP_{suffix}"));
        for signal in ["TRACES", "METRICS", "LOGS"] {
            names.push(format!("OTEL_EXPORTER_OTLP_{signal}_{suffix}"));
        }
    }
    let missing: Vec<&String> = names.iter().filter(|n| !cases().any(|(v, ..)| v == n)).collect();
    // mTLS pairs are tested below rather than one variable at a time.
    let missing: Vec<&&String> = missing
        .iter()
        .filter(|n| {
            !n.contains("CLIENT_")
                || !n.contains("_TRACES_") && !n.contains("_METRICS_") && !n.contains("_LOGS_")
        })
        .collect();
    assert!(missing.is_empty(), "variables without a table case: {missing:?}");
}

#[test]
fn defaults_are_the_spec_defaults() {
    let c = defaults();
    assert!(!c.sdk_disabled);
    assert_eq!(c.service_name, None);
    assert_eq!(c.log_level, LogLevel::Info);
    assert_eq!(
        c.propagators,
        [PropagatorName::TraceContext, PropagatorName::Baggage]
    );
    assert_eq!(c.export.traces_exporters, [ExporterKind::Otlp]);
    assert_eq!(c.export.metrics_exporters, [ExporterKind::Otlp]);
    assert_eq!(c.export.logs_exporters, [ExporterKind::Otlp]);
    assert_eq!(c.export.bsp, BatchSettings::SPAN_DEFAULTS);
    assert_eq!(c.export.blrp, BatchSettings::LOG_DEFAULTS);
    assert_eq!(c.export.metric_export_interval, Duration::from_secs(60));
    assert_eq!(c.export.metric_export_timeout, Duration::from_secs(30));
    for (signal, path) in [
        (&c.export.otlp.traces, "traces"),
        (&c.export.otlp.metrics, "metrics"),
        (&c.export.otlp.logs, "logs"),
    ] {
        assert_eq!(signal.settings.protocol, Protocol::HttpProtobuf);
        assert_eq!(signal.endpoint(), format!("http://localhost:4318/v1/{path}"));
        assert_eq!(signal.settings.timeout, Duration::from_secs(10));
        assert_eq!(signal.settings.compression, None);
        assert!(
            signal.settings.headers.is_empty()
                && !signal.insecure
                && signal.settings.ca_certificate.is_none()
        );
    }
    assert_eq!(c.span_limits.attribute_count, 128);
    assert_eq!(c.span_limits.attribute_value_length, None);
}

#[test]
fn per_signal_values_win_over_generic_ones() {
    let (c, warnings) = read(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://generic:4000"),
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "http://traces:4318/v1/traces",
        ),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
        ("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "grpc"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "g=1"),
        ("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "l=2"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "1000"),
        ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "2000"),
    ]);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(c.export.otlp.traces.endpoint(), "http://traces:4318/v1/traces");
    // gRPC takes the generic endpoint as is: no path appended.
    assert_eq!(c.export.otlp.metrics.settings.protocol, Protocol::Grpc);
    assert_eq!(c.export.otlp.metrics.endpoint(), "http://generic:4000");
    assert_eq!(c.export.otlp.logs.endpoint(), "http://generic:4000/v1/logs");
    assert_eq!(
        c.export.otlp.traces.settings.headers,
        [("g".to_owned(), "1".to_owned())]
    );
    assert_eq!(
        c.export.otlp.logs.settings.headers,
        [("l".to_owned(), "2".to_owned())]
    );
    assert_eq!(c.export.otlp.traces.settings.timeout, Duration::from_millis(2000));
    assert_eq!(c.export.otlp.logs.settings.timeout, Duration::from_millis(1000));
}

#[test]
fn a_bad_per_signal_value_warns_once_and_falls_back_to_the_generic_one() {
    let (c, warnings) = read(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://generic:4318"),
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "not a url"),
    ]);
    assert_eq!(c.export.otlp.traces.endpoint(), "http://generic:4318/v1/traces");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=\"not a url\" is not a URL"),
        "{warnings:?}"
    );
}

#[test]
fn grpc_on_the_http_port_is_warned_about() {
    let (c, warnings) = read(&[
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
    ]);
    assert_eq!(c.export.otlp.traces.endpoint(), "http://collector:4318");
    assert_eq!(warnings.len(), 1, "said once, not once per signal: {warnings:?}");
    assert!(
        warnings[0].contains("uses port 4318, the OTLP/HTTP port, but the protocol is grpc"),
        "{warnings:?}"
    );
}

#[test]
fn a_grpc_endpoint_without_scheme_takes_insecure_into_account() {
    let (c, w) = read(&[
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "collector.internal:4317"),
        ("OTEL_EXPORTER_OTLP_INSECURE", "true"),
    ]);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(c.export.otlp.traces.endpoint(), "http://collector.internal:4317");
    let (c, w) = read(&[
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "collector.internal:4317"),
    ]);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(
        c.export.otlp.metrics.endpoint(),
        "https://collector.internal:4317",
        "TLS unless insecure"
    );
    // HTTP endpoints need their scheme.
    let (c, w) = read(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "collector.internal:4318")]);
    assert_eq!(c.export.otlp.traces.endpoint(), "http://localhost:4318/v1/traces");
    assert_eq!(w.len(), 1, "one warning for a generic variable: {w:?}");
}

#[test]
fn mtls_needs_both_files() {
    let (c, warnings) = read(&[
        ("OTEL_EXPORTER_OTLP_CLIENT_KEY", "/k.pem"),
        ("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "/c.pem"),
        ("OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY", "/logs-k.pem"),
        ("OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE", "/logs-c.pem"),
    ]);
    assert!(warnings.is_empty(), "{warnings:?}");
    let pem = otel_kit_init::Pem::file;
    assert_eq!(
        c.export.otlp.traces.settings.client_identity,
        Some((pem("/c.pem"), pem("/k.pem")))
    );
    assert_eq!(
        c.export.otlp.logs.settings.client_identity,
        Some((pem("/logs-c.pem"), pem("/logs-k.pem")))
    );
    let (c, warnings) = read(&[("OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE", "/c.pem")]);
    assert_eq!(c.export.otlp.metrics.settings.client_identity, None);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
}

#[test]
fn secrets_never_print() {
    let (c, warnings) = read(&[
        ("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20top-secret"),
        ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "x-api-key=top-secret,broken"),
    ]);
    assert_eq!(
        c.export.otlp.logs.settings.headers,
        [("authorization".to_owned(), "Bearer top-secret".to_owned())]
    );
    for text in [
        c.to_string(),
        format!("{c:?}"),
        format!("{:?}", c.export.otlp),
        warnings.join("\n"),
    ] {
        assert!(!text.contains("top-secret"), "secret printed: {text}");
    }
    assert!(c.to_string().contains("authorization=<redacted>"), "{c}");
}

#[test]
fn one_line_summary() {
    let (c, _) = read(&[
        ("OTEL_SERVICE_NAME", "checkout"),
        ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
        ("OTEL_TRACES_SAMPLER_ARG", "0.1"),
    ]);
    let line = c.to_string();
    assert!(!line.contains('\n'));
    assert!(line.starts_with("service.name=checkout sdk_disabled=false propagators=tracecontext,baggage sampler=parentbased_traceidratio(0.1) traces=otlp"), "{line}");
}
