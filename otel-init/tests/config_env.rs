//! Every `OTEL_*` variable the kit reads: default when unset or empty, the parsed value
//! when valid (enum values in any case), one exact warning naming the variable, the
//! value and the default when invalid, and the spec's precedence for the OTLP ones.

use std::path::PathBuf;
use std::time::Duration;

mod support;

use otel_kit_init::config::{
    BatchConfig, Compression, Config, ExemplarFilter, ExporterKind, LogLevel, OtlpProtocol,
    TemporalityPreference,
};
use support::read_config as read;

fn defaults() -> Config {
    read(&[]).0
}

type Check = fn(&Config) -> bool;

/// (variable, value, what the config must then satisfy, the warning expected if any)
const CASES: &[(&str, &str, Check, Option<&str>)] = &[
    ("OTEL_SDK_DISABLED", "true", |c| c.sdk_disabled, None),
    ("OTEL_SDK_DISABLED", "TRUE", |c| c.sdk_disabled, None),
    ("OTEL_SDK_DISABLED", "false", |c| !c.sdk_disabled, None),
    (
        "OTEL_SDK_DISABLED",
        "yes",
        |c| !c.sdk_disabled,
        Some("OTEL_SDK_DISABLED=\"yes\" is not `true` or `false`; using false"),
    ),
    ("OTEL_SDK_DISABLED", "", |c| !c.sdk_disabled, None),
    (
        "OTEL_SERVICE_NAME",
        "checkout",
        |c| c.service_name.as_deref() == Some("checkout"),
        None,
    ),
    ("OTEL_SERVICE_NAME", "  ", |c| c.service_name.is_none(), None),
    (
        "OTEL_RESOURCE_ATTRIBUTES",
        "deployment.environment.name=prod,team=a%20b",
        |c| {
            c.resource_attributes
                == [
                    ("deployment.environment.name".into(), "prod".into()),
                    ("team".into(), "a b".into()),
                ]
        },
        None,
    ),
    (
        "OTEL_RESOURCE_ATTRIBUTES",
        "good=1,bad",
        |c| c.resource_attributes.is_empty(),
        Some(
            "OTEL_RESOURCE_ATTRIBUTES=\"good=1,bad\" entry 2 (\"bad\") has no `=`; the whole value is ignored",
        ),
    ),
    (
        "OTEL_RESOURCE_ATTRIBUTES",
        "k=%zz",
        |c| c.resource_attributes.is_empty(),
        Some(
            "OTEL_RESOURCE_ATTRIBUTES=\"k=%zz\" entry 1 has an invalid percent-encoding; the whole value is ignored",
        ),
    ),
    (
        "OTEL_LOG_LEVEL",
        "DEBUG",
        |c| c.log_level == LogLevel::Debug,
        None,
    ),
    ("OTEL_LOG_LEVEL", "none", |c| c.log_level == LogLevel::None, None),
    (
        "OTEL_LOG_LEVEL",
        "loud",
        |c| c.log_level == LogLevel::Info,
        Some("OTEL_LOG_LEVEL=\"loud\" is not one of none, error, warn, info, debug, trace; using info"),
    ),
    (
        "OTEL_PROPAGATORS",
        "b3, tracecontext",
        |c| c.propagators == ["b3", "tracecontext"],
        None,
    ),
    (
        "OTEL_PROPAGATORS",
        "",
        |c| c.propagators == ["tracecontext", "baggage"],
        None,
    ),
    (
        "OTEL_TRACES_SAMPLER",
        "traceidratio",
        |c| c.traces_sampler.as_deref() == Some("traceidratio"),
        None,
    ),
    (
        "OTEL_TRACES_SAMPLER_ARG",
        "0.25",
        |c| c.traces_sampler_arg.as_deref() == Some("0.25"),
        None,
    ),
    (
        "OTEL_TRACES_EXPORTER",
        "console",
        |c| c.traces_exporters == [ExporterKind::Console],
        None,
    ),
    (
        "OTEL_TRACES_EXPORTER",
        "OTLP,console,otlp",
        |c| c.traces_exporters == [ExporterKind::Otlp, ExporterKind::Console],
        None,
    ),
    (
        "OTEL_TRACES_EXPORTER",
        "none",
        |c| c.traces_exporters.is_empty(),
        None,
    ),
    (
        "OTEL_TRACES_EXPORTER",
        "none,otlp",
        |c| c.traces_exporters.is_empty(),
        Some("OTEL_TRACES_EXPORTER=\"none,otlp\" combines `none` with other exporters; exporting nothing"),
    ),
    (
        "OTEL_TRACES_EXPORTER",
        "zipkin,console",
        |c| c.traces_exporters == [ExporterKind::Console],
        Some(
            "OTEL_TRACES_EXPORTER=\"zipkin,console\" names `zipkin`, which this kit does not support; it is skipped (send OTLP to a collector that converts)",
        ),
    ),
    (
        "OTEL_METRICS_EXPORTER",
        "none",
        |c| c.metrics_exporters.is_empty(),
        None,
    ),
    (
        "OTEL_METRICS_EXPORTER",
        "console",
        |c| c.metrics_exporters == [ExporterKind::Console],
        None,
    ),
    (
        "OTEL_METRICS_EXPORTER",
        "prometheus",
        |c| c.metrics_exporters == [ExporterKind::Otlp],
        Some(
            "OTEL_METRICS_EXPORTER=\"prometheus\" names `prometheus`, which this kit does not support; it is skipped (send OTLP to a collector that converts)",
        ),
    ),
    (
        "OTEL_LOGS_EXPORTER",
        "console",
        |c| c.logs_exporters == [ExporterKind::Console],
        None,
    ),
    (
        "OTEL_LOGS_EXPORTER",
        "stdout2",
        |c| c.logs_exporters == [ExporterKind::Otlp],
        Some("OTEL_LOGS_EXPORTER=\"stdout2\" names the unknown exporter `stdout2`; it is skipped"),
    ),
    (
        "OTEL_BSP_SCHEDULE_DELAY",
        "250",
        |c| c.bsp.schedule_delay == Duration::from_millis(250),
        None,
    ),
    (
        "OTEL_BSP_SCHEDULE_DELAY",
        "5s",
        |c| c.bsp.schedule_delay == Duration::from_millis(5000),
        Some(
            "OTEL_BSP_SCHEDULE_DELAY=\"5s\" is not a duration in whole milliseconds; using the default 5000 ms",
        ),
    ),
    (
        "OTEL_BSP_EXPORT_TIMEOUT",
        "1000",
        |c| c.bsp.export_timeout == Duration::from_secs(1),
        None,
    ),
    (
        "OTEL_BSP_MAX_QUEUE_SIZE",
        "4096",
        |c| c.bsp.max_queue_size == 4096,
        None,
    ),
    (
        "OTEL_BSP_MAX_QUEUE_SIZE",
        "-1",
        |c| c.bsp.max_queue_size == 2048,
        Some("OTEL_BSP_MAX_QUEUE_SIZE=\"-1\" is not a non-negative integer; using the default 2048"),
    ),
    (
        "OTEL_BSP_MAX_QUEUE_SIZE",
        "0",
        |c| c.bsp.max_queue_size == 2048,
        Some("OTEL_BSP_MAX_QUEUE_SIZE=\"0\" would drop everything; using 2048"),
    ),
    (
        "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
        "128",
        |c| c.bsp.max_export_batch_size == 128,
        None,
    ),
    (
        "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
        "9999",
        |c| c.bsp.max_export_batch_size == 2048,
        Some("OTEL_BSP_MAX_EXPORT_BATCH_SIZE=\"9999\" must be between 1 and the queue size 2048; using 2048"),
    ),
    (
        "OTEL_BLRP_SCHEDULE_DELAY",
        "10",
        |c| c.blrp.schedule_delay == Duration::from_millis(10),
        None,
    ),
    (
        "OTEL_BLRP_EXPORT_TIMEOUT",
        "10",
        |c| c.blrp.export_timeout == Duration::from_millis(10),
        None,
    ),
    (
        "OTEL_BLRP_MAX_QUEUE_SIZE",
        "10",
        |c| c.blrp.max_queue_size == 10 && c.blrp.max_export_batch_size == 10,
        Some("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE=\"512\" must be between 1 and the queue size 10; using 10"),
    ),
    (
        "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE",
        "64",
        |c| c.blrp.max_export_batch_size == 64,
        None,
    ),
    (
        "OTEL_METRIC_EXPORT_INTERVAL",
        "15000",
        |c| c.metric_export_interval == Duration::from_secs(15),
        None,
    ),
    (
        "OTEL_METRIC_EXPORT_INTERVAL",
        "1.5",
        |c| c.metric_export_interval == Duration::from_secs(60),
        Some(
            "OTEL_METRIC_EXPORT_INTERVAL=\"1.5\" is not a duration in whole milliseconds; using the default 60000 ms",
        ),
    ),
    (
        "OTEL_METRIC_EXPORT_TIMEOUT",
        "5000",
        |c| c.metric_export_timeout == Duration::from_secs(5),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
        "Delta",
        |c| c.metrics_temporality == TemporalityPreference::Delta,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
        "lowmemory",
        |c| c.metrics_temporality == TemporalityPreference::LowMemory,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
        "both",
        |c| c.metrics_temporality == TemporalityPreference::Cumulative,
        Some(
            "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=\"both\" is not one of cumulative, delta, lowmemory; using cumulative",
        ),
    ),
    (
        "OTEL_METRICS_EXEMPLAR_FILTER",
        "always_off",
        |c| c.metrics_exemplar_filter == ExemplarFilter::AlwaysOff,
        None,
    ),
    (
        "OTEL_METRICS_EXEMPLAR_FILTER",
        "ALWAYS_ON",
        |c| c.metrics_exemplar_filter == ExemplarFilter::AlwaysOn,
        None,
    ),
    (
        "OTEL_METRICS_EXEMPLAR_FILTER",
        "sometimes",
        |c| c.metrics_exemplar_filter == ExemplarFilter::TraceBased,
        Some(
            "OTEL_METRICS_EXEMPLAR_FILTER=\"sometimes\" is not one of trace_based, always_on, always_off; using trace_based",
        ),
    ),
    (
        "OTEL_ATTRIBUTE_COUNT_LIMIT",
        "16",
        |c| c.span_limits.attribute_count == 16 && c.log_record_limits.attribute_count == 16,
        None,
    ),
    (
        "OTEL_ATTRIBUTE_COUNT_LIMIT",
        "many",
        |c| c.span_limits.attribute_count == 128,
        Some("OTEL_ATTRIBUTE_COUNT_LIMIT=\"many\" is not a non-negative integer; using the default 128"),
    ),
    (
        "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
        "256",
        |c| {
            c.span_limits.attribute_value_length == Some(256)
                && c.log_record_limits.attribute_value_length == Some(256)
        },
        None,
    ),
    (
        "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
        "8",
        |c| c.span_limits.attribute_count == 8 && c.log_record_limits.attribute_count == 128,
        None,
    ),
    (
        "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
        "64",
        |c| c.span_limits.attribute_value_length == Some(64),
        None,
    ),
    (
        "OTEL_SPAN_EVENT_COUNT_LIMIT",
        "3",
        |c| c.span_limits.event_count == 3,
        None,
    ),
    (
        "OTEL_SPAN_LINK_COUNT_LIMIT",
        "4",
        |c| c.span_limits.link_count == 4,
        None,
    ),
    (
        "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT",
        "5",
        |c| c.span_limits.event_attribute_count == 5,
        None,
    ),
    (
        "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
        "6",
        |c| c.span_limits.link_attribute_count == 6,
        None,
    ),
    (
        "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT",
        "7",
        |c| c.log_record_limits.attribute_count == 7 && c.span_limits.attribute_count == 128,
        None,
    ),
    (
        "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT",
        "99",
        |c| c.log_record_limits.attribute_value_length == Some(99),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_PROTOCOL",
        "GRPC",
        |c| c.otlp.traces.protocol == OtlpProtocol::Grpc && c.otlp.logs.protocol == OtlpProtocol::Grpc,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_PROTOCOL",
        "http/json",
        |c| c.otlp.metrics.protocol == OtlpProtocol::HttpJson,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_PROTOCOL",
        "udp",
        |c| c.otlp.traces.protocol == OtlpProtocol::HttpProtobuf,
        Some(
            "OTEL_EXPORTER_OTLP_PROTOCOL=\"udp\" is not one of http/protobuf, grpc, http/json; using http/protobuf",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_TIMEOUT",
        "2500",
        |c| c.otlp.metrics.timeout == Duration::from_millis(2500),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_COMPRESSION",
        "gzip",
        |c| c.otlp.logs.compression == Some(Compression::Gzip),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_COMPRESSION",
        "zstd",
        |c| c.otlp.logs.compression.is_none(),
        Some("OTEL_EXPORTER_OTLP_COMPRESSION=\"zstd\" is not one of none, gzip; using none"),
    ),
    (
        "OTEL_EXPORTER_OTLP_INSECURE",
        "true",
        |c| c.otlp.traces.insecure,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_HEADERS",
        "api-key=k1,x-team=shop",
        |c| c.otlp.traces.headers == [("api-key".into(), "k1".into()), ("x-team".into(), "shop".into())],
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_HEADERS",
        "authorization",
        |c| c.otlp.traces.headers.is_empty(),
        Some(
            "OTEL_EXPORTER_OTLP_HEADERS=\"<redacted>\" entry 1 (\"authorization\") has no `=`; the whole value is ignored",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_CERTIFICATE",
        "/etc/ca.pem",
        |c| c.otlp.metrics.certificate == Some(PathBuf::from("/etc/ca.pem")),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "http://collector:4318/",
        |c| {
            c.otlp.traces.endpoint == "http://collector:4318/v1/traces"
                && c.otlp.logs.endpoint == "http://collector:4318/v1/logs"
        },
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "collector:4318",
        |c| c.otlp.traces.endpoint == "http://localhost:4318/v1/traces",
        Some("OTEL_EXPORTER_OTLP_ENDPOINT=\"collector:4318\" is not an http:// or https:// URL; ignoring it"),
    ),
    (
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "http://collector:4317",
        |c| c.otlp.traces.endpoint == "http://collector:4317/v1/traces",
        Some(
            "OTEL_EXPORTER_OTLP_ENDPOINT=\"http://collector:4317/v1/traces\" uses port 4317, the OTLP/gRPC port, but the protocol is http/protobuf (default port 4318); check OTEL_EXPORTER_OTLP_PROTOCOL",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "https://ingest.example.com/custom",
        |c| {
            c.otlp.traces.endpoint == "https://ingest.example.com/custom"
                && c.otlp.metrics.endpoint == "http://localhost:4318/v1/metrics"
        },
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        "http://m:9090/otlp",
        |c| c.otlp.metrics.endpoint == "http://m:9090/otlp",
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
        "http://l:4318/v1/logs",
        |c| c.otlp.logs.endpoint == "http://l:4318/v1/logs",
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        "grpc",
        |c| {
            c.otlp.traces.protocol == OtlpProtocol::Grpc
                && c.otlp.traces.endpoint == "http://localhost:4317"
                && c.otlp.metrics.protocol == OtlpProtocol::HttpProtobuf
        },
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
        "http/json",
        |c| c.otlp.metrics.protocol == OtlpProtocol::HttpJson,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL",
        "grpc",
        |c| c.otlp.logs.protocol == OtlpProtocol::Grpc,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
        "a=1",
        |c| c.otlp.traces.headers == [("a".into(), "1".into())] && c.otlp.logs.headers.is_empty(),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_HEADERS",
        "m=1",
        |c| c.otlp.metrics.headers == [("m".into(), "1".into())],
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_LOGS_HEADERS",
        "l=1",
        |c| c.otlp.logs.headers == [("l".into(), "1".into())],
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
        "100",
        |c| {
            c.otlp.traces.timeout == Duration::from_millis(100)
                && c.otlp.metrics.timeout == Duration::from_secs(10)
        },
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT",
        "200",
        |c| c.otlp.metrics.timeout == Duration::from_millis(200),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT",
        "300",
        |c| c.otlp.logs.timeout == Duration::from_millis(300),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
        "gzip",
        |c| c.otlp.traces.compression == Some(Compression::Gzip) && c.otlp.logs.compression.is_none(),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION",
        "gzip",
        |c| c.otlp.metrics.compression == Some(Compression::Gzip),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION",
        "GZIP",
        |c| c.otlp.logs.compression == Some(Compression::Gzip),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_INSECURE",
        "true",
        |c| c.otlp.traces.insecure && !c.otlp.metrics.insecure,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_INSECURE",
        "true",
        |c| c.otlp.metrics.insecure,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_LOGS_INSECURE",
        "true",
        |c| c.otlp.logs.insecure,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE",
        "/t.pem",
        |c| c.otlp.traces.certificate == Some(PathBuf::from("/t.pem")) && c.otlp.logs.certificate.is_none(),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE",
        "/m.pem",
        |c| c.otlp.metrics.certificate == Some(PathBuf::from("/m.pem")),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE",
        "/l.pem",
        |c| c.otlp.logs.certificate == Some(PathBuf::from("/l.pem")),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_CLIENT_KEY",
        "/k.pem",
        |c| c.otlp.traces.client_key.is_none(),
        Some(
            "OTEL_EXPORTER_OTLP_CLIENT_KEY=\"/k.pem\" is set without its pair (CLIENT_KEY with CLIENT_CERTIFICATE); no client certificate is presented",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
        "/c.pem",
        |c| c.otlp.traces.client_certificate.is_none(),
        Some(
            "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE=\"/c.pem\" is set without its pair (CLIENT_KEY with CLIENT_CERTIFICATE); no client certificate is presented",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY",
        "/traces.pem",
        |c| c.otlp.traces.client_key.is_none(),
        Some(
            "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY=\"/traces.pem\" is set without its pair (CLIENT_KEY with CLIENT_CERTIFICATE); no client certificate is presented",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE",
        "/traces.pem",
        |c| c.otlp.traces.client_certificate.is_none(),
        Some(
            "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE=\"/traces.pem\" is set without its pair (CLIENT_KEY with CLIENT_CERTIFICATE); no client certificate is presented",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY",
        "/metrics.pem",
        |c| c.otlp.metrics.client_key.is_none(),
        Some(
            "OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY=\"/metrics.pem\" is set without its pair (CLIENT_KEY with CLIENT_CERTIFICATE); no client certificate is presented",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE",
        "/metrics.pem",
        |c| c.otlp.metrics.client_certificate.is_none(),
        Some(
            "OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE=\"/metrics.pem\" is set without its pair (CLIENT_KEY with CLIENT_CERTIFICATE); no client certificate is presented",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY",
        "/logs.pem",
        |c| c.otlp.logs.client_key.is_none(),
        Some(
            "OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY=\"/logs.pem\" is set without its pair (CLIENT_KEY with CLIENT_CERTIFICATE); no client certificate is presented",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE",
        "/logs.pem",
        |c| c.otlp.logs.client_certificate.is_none(),
        Some(
            "OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE=\"/logs.pem\" is set without its pair (CLIENT_KEY with CLIENT_CERTIFICATE); no client certificate is presented",
        ),
    ),
];

#[test]
fn every_variable_valid_invalid_and_empty() {
    for (variable, value, check, warning) in CASES {
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
    // ship: Zipkin, Jaeger, Prometheus) must all appear in the table above.
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
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !CASES.iter().any(|(v, ..)| v == n))
        .collect();
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
    assert_eq!(c.propagators, ["tracecontext", "baggage"]);
    assert_eq!(c.traces_exporters, [ExporterKind::Otlp]);
    assert_eq!(c.metrics_exporters, [ExporterKind::Otlp]);
    assert_eq!(c.logs_exporters, [ExporterKind::Otlp]);
    assert_eq!(c.bsp, BatchConfig::SPAN_DEFAULTS);
    assert_eq!(c.blrp, BatchConfig::LOG_DEFAULTS);
    assert_eq!(c.metric_export_interval, Duration::from_secs(60));
    assert_eq!(c.metric_export_timeout, Duration::from_secs(30));
    for (signal, path) in [
        (&c.otlp.traces, "traces"),
        (&c.otlp.metrics, "metrics"),
        (&c.otlp.logs, "logs"),
    ] {
        assert_eq!(signal.protocol, OtlpProtocol::HttpProtobuf);
        assert_eq!(signal.endpoint, format!("http://localhost:4318/v1/{path}"));
        assert_eq!(signal.timeout, Duration::from_secs(10));
        assert_eq!(signal.compression, None);
        assert!(signal.headers.is_empty() && !signal.insecure && signal.certificate.is_none());
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
    assert_eq!(c.otlp.traces.endpoint, "http://traces:4318/v1/traces");
    // gRPC takes the generic endpoint as is: no path appended.
    assert_eq!(c.otlp.metrics.protocol, OtlpProtocol::Grpc);
    assert_eq!(c.otlp.metrics.endpoint, "http://generic:4000");
    assert_eq!(c.otlp.logs.endpoint, "http://generic:4000/v1/logs");
    assert_eq!(c.otlp.traces.headers, [("g".to_owned(), "1".to_owned())]);
    assert_eq!(c.otlp.logs.headers, [("l".to_owned(), "2".to_owned())]);
    assert_eq!(c.otlp.traces.timeout, Duration::from_millis(2000));
    assert_eq!(c.otlp.logs.timeout, Duration::from_millis(1000));
}

#[test]
fn a_bad_per_signal_value_warns_once_and_falls_back_to_the_generic_one() {
    let (c, warnings) = read(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://generic:4318"),
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "not a url"),
    ]);
    assert_eq!(c.otlp.traces.endpoint, "http://generic:4318/v1/traces");
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
    assert_eq!(c.otlp.traces.endpoint, "http://collector:4318");
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
    assert_eq!(c.otlp.traces.endpoint, "http://collector.internal:4317");
    let (c, w) = read(&[
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "collector.internal:4317"),
    ]);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(
        c.otlp.metrics.endpoint, "https://collector.internal:4317",
        "TLS unless insecure"
    );
    // HTTP endpoints need their scheme.
    let (c, w) = read(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "collector.internal:4318")]);
    assert_eq!(c.otlp.traces.endpoint, "http://localhost:4318/v1/traces");
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
    assert_eq!(c.otlp.traces.client_key, Some(PathBuf::from("/k.pem")));
    assert_eq!(c.otlp.traces.client_certificate, Some(PathBuf::from("/c.pem")));
    assert_eq!(c.otlp.logs.client_key, Some(PathBuf::from("/logs-k.pem")));
    let (c, warnings) = read(&[("OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE", "/c.pem")]);
    assert_eq!(c.otlp.metrics.client_certificate, None);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
}

#[test]
fn secrets_never_print() {
    let (c, warnings) = read(&[
        ("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20top-secret"),
        ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "x-api-key=top-secret,broken"),
    ]);
    assert_eq!(
        c.otlp.logs.headers,
        [("authorization".to_owned(), "Bearer top-secret".to_owned())]
    );
    for text in [
        c.to_string(),
        format!("{c:?}"),
        format!("{:?}", c.otlp),
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
