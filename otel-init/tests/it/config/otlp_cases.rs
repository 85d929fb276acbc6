//! The table of every `OTEL_EXPORTER_OTLP_*` variable, generic and per signal: a valid
//! value, an invalid one, an empty one, and what each must give.

use std::time::Duration;

use otel_kit_init::config::{Compression, Protocol};

use super::sdk_cases::Case;

pub(super) const OTLP_CASES: &[Case] = &[
    (
        "OTEL_EXPORTER_OTLP_PROTOCOL",
        "GRPC",
        |c| {
            c.export.otlp.traces.settings.protocol == Protocol::Grpc
                && c.export.otlp.logs.settings.protocol == Protocol::Grpc
        },
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_PROTOCOL",
        "http/json",
        |c| c.export.otlp.metrics.settings.protocol == Protocol::HttpJson,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_PROTOCOL",
        "udp",
        |c| c.export.otlp.traces.settings.protocol == Protocol::HttpProtobuf,
        Some(
            "OTEL_EXPORTER_OTLP_PROTOCOL=\"udp\" is not one of http/protobuf, grpc, http/json; using http/protobuf",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_TIMEOUT",
        "2500",
        |c| c.export.otlp.metrics.settings.timeout == Duration::from_millis(2500),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_COMPRESSION",
        "gzip",
        |c| c.export.otlp.logs.settings.compression == Some(Compression::Gzip),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_COMPRESSION",
        "zstd",
        |c| c.export.otlp.logs.settings.compression == Some(Compression::Zstd),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_COMPRESSION",
        "br",
        |c| c.export.otlp.logs.settings.compression.is_none(),
        Some("OTEL_EXPORTER_OTLP_COMPRESSION=\"br\" is not one of none, gzip, zstd; using none"),
    ),
    (
        "OTEL_EXPORTER_OTLP_INSECURE",
        "true",
        |c| c.export.otlp.traces.insecure,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_HEADERS",
        "api-key=k1,x-team=shop",
        |c| {
            c.export.otlp.traces.settings.headers
                == [("api-key".into(), "k1".into()), ("x-team".into(), "shop".into())]
        },
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_HEADERS",
        "authorization",
        |c| c.export.otlp.traces.settings.headers.is_empty(),
        Some("OTEL_EXPORTER_OTLP_HEADERS=\"<redacted>\" entry 1 has no `=`; the whole value is ignored"),
    ),
    (
        "OTEL_EXPORTER_OTLP_CERTIFICATE",
        "/etc/ca.pem",
        |c| c.export.otlp.metrics.settings.ca_certificate == Some(otel_kit_init::Pem::file("/etc/ca.pem")),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "http://collector:4318/",
        |c| {
            c.export.otlp.traces.endpoint() == "http://collector:4318/v1/traces"
                && c.export.otlp.logs.endpoint() == "http://collector:4318/v1/logs"
        },
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "collector:4318",
        |c| c.export.otlp.traces.endpoint() == "http://localhost:4318/v1/traces",
        Some("OTEL_EXPORTER_OTLP_ENDPOINT=\"collector:4318\" is not an http:// or https:// URL; ignoring it"),
    ),
    (
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "http://collector:4317",
        |c| c.export.otlp.traces.endpoint() == "http://collector:4317/v1/traces",
        Some(
            "OTEL_EXPORTER_OTLP_ENDPOINT=\"http://collector:4317/v1/traces\" uses port 4317, the OTLP/gRPC port, but the protocol is http/protobuf (default port 4318); check OTEL_EXPORTER_OTLP_PROTOCOL",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "https://ingest.example.com/custom",
        |c| {
            c.export.otlp.traces.endpoint() == "https://ingest.example.com/custom"
                && c.export.otlp.metrics.endpoint() == "http://localhost:4318/v1/metrics"
        },
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        "http://m:9090/otlp",
        |c| c.export.otlp.metrics.endpoint() == "http://m:9090/otlp",
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
        "http://l:4318/v1/logs",
        |c| c.export.otlp.logs.endpoint() == "http://l:4318/v1/logs",
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        "grpc",
        |c| {
            c.export.otlp.traces.settings.protocol == Protocol::Grpc
                && c.export.otlp.traces.endpoint() == "http://localhost:4317"
                && c.export.otlp.metrics.settings.protocol == Protocol::HttpProtobuf
        },
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
        "http/json",
        |c| c.export.otlp.metrics.settings.protocol == Protocol::HttpJson,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL",
        "grpc",
        |c| c.export.otlp.logs.settings.protocol == Protocol::Grpc,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
        "a=1",
        |c| {
            c.export.otlp.traces.settings.headers == [("a".into(), "1".into())]
                && c.export.otlp.logs.settings.headers.is_empty()
        },
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_HEADERS",
        "m=1",
        |c| c.export.otlp.metrics.settings.headers == [("m".into(), "1".into())],
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_LOGS_HEADERS",
        "l=1",
        |c| c.export.otlp.logs.settings.headers == [("l".into(), "1".into())],
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
        "100",
        |c| {
            c.export.otlp.traces.settings.timeout == Duration::from_millis(100)
                && c.export.otlp.metrics.settings.timeout == Duration::from_secs(10)
        },
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT",
        "200",
        |c| c.export.otlp.metrics.settings.timeout == Duration::from_millis(200),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT",
        "300",
        |c| c.export.otlp.logs.settings.timeout == Duration::from_millis(300),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
        "gzip",
        |c| {
            c.export.otlp.traces.settings.compression == Some(Compression::Gzip)
                && c.export.otlp.logs.settings.compression.is_none()
        },
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION",
        "gzip",
        |c| c.export.otlp.metrics.settings.compression == Some(Compression::Gzip),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION",
        "GZIP",
        |c| c.export.otlp.logs.settings.compression == Some(Compression::Gzip),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_INSECURE",
        "true",
        |c| c.export.otlp.traces.insecure && !c.export.otlp.metrics.insecure,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_INSECURE",
        "true",
        |c| c.export.otlp.metrics.insecure,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_LOGS_INSECURE",
        "true",
        |c| c.export.otlp.logs.insecure,
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE",
        "/t.pem",
        |c| {
            c.export.otlp.traces.settings.ca_certificate == Some(otel_kit_init::Pem::file("/t.pem"))
                && c.export.otlp.logs.settings.ca_certificate.is_none()
        },
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE",
        "/m.pem",
        |c| c.export.otlp.metrics.settings.ca_certificate == Some(otel_kit_init::Pem::file("/m.pem")),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE",
        "/l.pem",
        |c| c.export.otlp.logs.settings.ca_certificate == Some(otel_kit_init::Pem::file("/l.pem")),
        None,
    ),
    (
        "OTEL_EXPORTER_OTLP_CLIENT_KEY",
        "/k.pem",
        |c| c.export.otlp.traces.settings.client_identity.is_none(),
        Some(
            "OTEL_EXPORTER_OTLP_CLIENT_KEY=\"/k.pem\" is set without its pair (CLIENT_KEY with CLIENT_CERTIFICATE); no client certificate is presented",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
        "/c.pem",
        |c| c.export.otlp.traces.settings.client_identity.is_none(),
        Some(
            "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE=\"/c.pem\" is set without its pair (CLIENT_KEY with CLIENT_CERTIFICATE); no client certificate is presented",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY",
        "/traces.pem",
        |c| c.export.otlp.traces.settings.client_identity.is_none(),
        Some(
            "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY=\"/traces.pem\" is set without its pair (CLIENT_KEY with CLIENT_CERTIFICATE); no client certificate is presented",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE",
        "/traces.pem",
        |c| c.export.otlp.traces.settings.client_identity.is_none(),
        Some(
            "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE=\"/traces.pem\" is set without its pair (CLIENT_KEY with CLIENT_CERTIFICATE); no client certificate is presented",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY",
        "/metrics.pem",
        |c| c.export.otlp.metrics.settings.client_identity.is_none(),
        Some(
            "OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY=\"/metrics.pem\" is set without its pair (CLIENT_KEY with CLIENT_CERTIFICATE); no client certificate is presented",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE",
        "/metrics.pem",
        |c| c.export.otlp.metrics.settings.client_identity.is_none(),
        Some(
            "OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE=\"/metrics.pem\" is set without its pair (CLIENT_KEY with CLIENT_CERTIFICATE); no client certificate is presented",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY",
        "/logs.pem",
        |c| c.export.otlp.logs.settings.client_identity.is_none(),
        Some(
            "OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY=\"/logs.pem\" is set without its pair (CLIENT_KEY with CLIENT_CERTIFICATE); no client certificate is presented",
        ),
    ),
    (
        "OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE",
        "/logs.pem",
        |c| c.export.otlp.logs.settings.client_identity.is_none(),
        Some(
            "OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE=\"/logs.pem\" is set without its pair (CLIENT_KEY with CLIENT_CERTIFICATE); no client certificate is presented",
        ),
    ),
];
