//! Writes the generated part of the seed corpus: SQL statements from otel-kit-db's corpus
//! test, the OpenAI fixtures of otel-kit-genai's tests, and OTLP export bodies encoded from
//! small requests. The hand-written seeds (traceparent, baggage, b3, env) are checked in
//! as they are.
//!
//! `cargo run --manifest-path fuzz/gen/Cargo.toml` (no nightly needed); rewrites the
//! files it owns, leaves the others alone. A crate of its own so it builds without the
//! fuzz targets' dependencies.

use std::fs;
use std::io::Write as _;
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{
    AnyValue, ArrayValue, InstrumentationScope, KeyValue, KeyValueList, any_value,
};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::metrics::v1::{
    AggregationTemporality, Exemplar, ExponentialHistogram, ExponentialHistogramDataPoint, Gauge, Histogram,
    HistogramDataPoint, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum, Summary,
    SummaryDataPoint, exemplar, exponential_histogram_data_point, metric, number_data_point,
    summary_data_point,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status, span};
use prost::Message as _;

const CORPUS_TESTS: &str = include_str!("../../../otel-db/src/sql/corpus_tests.rs");

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    fs::create_dir_all(dir).expect("corpus directory");
    fs::write(dir.join(name), bytes).expect("corpus file");
}

/// The second field (the statement) of each `(D, "...", ...)` row of the SQL corpus test.
fn sql_statements() -> Vec<String> {
    let mut out = Vec::new();
    for line in CORPUS_TESTS.lines() {
        let line = line.trim_start();
        let Some(rest) = ["(P, \"", "(M, \"", "(S, \"", "(G, \""]
            .iter()
            .find_map(|p| line.strip_prefix(p))
        else {
            continue;
        };
        let mut text = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => text.push('\n'),
                    Some('t') => text.push('\t'),
                    Some(other) => text.push(other),
                    None => break,
                },
                c => text.push(c),
            }
        }
        out.push(text);
    }
    out
}

fn kv(key: &str, value: any_value::Value) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(value) }),
        ..Default::default()
    }
}

fn attributes() -> Vec<KeyValue> {
    use any_value::Value;
    vec![
        kv("http.request.method", Value::StringValue("GET".into())),
        kv("http.response.status_code", Value::IntValue(200)),
        kv("sampled", Value::BoolValue(true)),
        kv("ratio", Value::DoubleValue(0.25)),
        kv("raw", Value::BytesValue(vec![0, 1, 2])),
        kv(
            "list",
            Value::ArrayValue(ArrayValue {
                values: vec![AnyValue {
                    value: Some(Value::IntValue(1)),
                }],
            }),
        ),
        kv(
            "map",
            Value::KvlistValue(KeyValueList {
                values: vec![kv("inner", Value::StringValue("x".into()))],
            }),
        ),
    ]
}

fn resource() -> Option<Resource> {
    Some(Resource {
        attributes: vec![kv(
            "service.name",
            any_value::Value::StringValue("checkout".into()),
        )],
        ..Default::default()
    })
}

fn scope() -> Option<InstrumentationScope> {
    Some(InstrumentationScope {
        name: "otel-kit-http".into(),
        version: "0.1.0".into(),
        ..Default::default()
    })
}

fn traces() -> ExportTraceServiceRequest {
    let trace_id = vec![0x4b; 16];
    let span = |id: u8, parent: Option<u8>, name: &str| Span {
        trace_id: trace_id.clone(),
        span_id: vec![id; 8],
        parent_span_id: parent.map(|p| vec![p; 8]).unwrap_or_default(),
        name: name.into(),
        kind: span::SpanKind::Server as i32,
        start_time_unix_nano: 1_000 + u64::from(id),
        end_time_unix_nano: 2_000,
        attributes: attributes(),
        ..Default::default()
    };
    let mut child = span(2, Some(1), "SELECT users");
    child.events = vec![span::Event {
        name: "exception".into(),
        time_unix_nano: 1_500,
        attributes: vec![kv("exception.type", any_value::Value::StringValue("Io".into()))],
        ..Default::default()
    }];
    child.links = vec![span::Link {
        trace_id: vec![9; 16],
        span_id: vec![9; 8],
        trace_state: "rojo=1".into(),
        ..Default::default()
    }];
    child.status = Some(Status {
        message: "boom".into(),
        code: 2,
    });
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: resource(),
            scope_spans: vec![ScopeSpans {
                scope: scope(),
                spans: vec![span(1, None, "GET /users"), child, span(3, Some(7), "orphan")],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

fn metrics() -> ExportMetricsServiceRequest {
    let number = |v: f64| NumberDataPoint {
        attributes: attributes(),
        time_unix_nano: 2_000,
        value: Some(number_data_point::Value::AsDouble(v)),
        exemplars: vec![Exemplar {
            value: Some(exemplar::Value::AsInt(3)),
            span_id: vec![2; 8],
            trace_id: vec![0x4b; 16],
            ..Default::default()
        }],
        ..Default::default()
    };
    let cumulative = AggregationTemporality::Cumulative as i32;
    let metric = |name: &str, data: metric::Data| Metric {
        name: name.into(),
        unit: "s".into(),
        description: "d".into(),
        data: Some(data),
        ..Default::default()
    };
    ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: resource(),
            scope_metrics: vec![ScopeMetrics {
                scope: scope(),
                metrics: vec![
                    metric(
                        "requests",
                        metric::Data::Sum(Sum {
                            data_points: vec![number(4.0)],
                            aggregation_temporality: cumulative,
                            is_monotonic: true,
                        }),
                    ),
                    metric(
                        "in_flight",
                        metric::Data::Gauge(Gauge {
                            data_points: vec![number(1.0)],
                        }),
                    ),
                    metric(
                        "http.server.request.duration",
                        metric::Data::Histogram(Histogram {
                            data_points: vec![HistogramDataPoint {
                                count: 3,
                                sum: Some(0.3),
                                bucket_counts: vec![1, 2, 0],
                                explicit_bounds: vec![0.1, 0.5],
                                min: Some(0.05),
                                max: Some(0.2),
                                ..Default::default()
                            }],
                            aggregation_temporality: cumulative,
                        }),
                    ),
                    metric(
                        "latency",
                        metric::Data::ExponentialHistogram(ExponentialHistogram {
                            data_points: vec![ExponentialHistogramDataPoint {
                                count: 2,
                                scale: 3,
                                positive: Some(exponential_histogram_data_point::Buckets {
                                    offset: -2,
                                    bucket_counts: vec![1, 1],
                                }),
                                ..Default::default()
                            }],
                            aggregation_temporality: cumulative,
                        }),
                    ),
                    metric(
                        "summary",
                        metric::Data::Summary(Summary {
                            data_points: vec![SummaryDataPoint {
                                count: 2,
                                sum: 1.0,
                                quantile_values: vec![summary_data_point::ValueAtQuantile {
                                    quantile: 0.5,
                                    value: 0.4,
                                }],
                                ..Default::default()
                            }],
                        }),
                    ),
                ],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

fn logs() -> ExportLogsServiceRequest {
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource: resource(),
            scope_logs: vec![ScopeLogs {
                scope: scope(),
                log_records: vec![LogRecord {
                    time_unix_nano: 1_200,
                    severity_number: 17,
                    severity_text: "ERROR".into(),
                    body: Some(AnyValue {
                        value: Some(any_value::Value::StringValue("payment declined".into())),
                    }),
                    attributes: attributes(),
                    trace_id: vec![0x4b; 16],
                    span_id: vec![2; 8],
                    event_name: "payment.declined".into(),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(data).expect("gzip");
    enc.finish().expect("gzip")
}

fn with_selector(selector: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![selector];
    out.extend_from_slice(body);
    out
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");

    let sql = root.join("sql");
    for (i, statement) in sql_statements().iter().enumerate() {
        write(&sql, &format!("corpus-{i:03}.sql"), statement.as_bytes());
    }

    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../otel-genai/tests/it/fixtures");
    for entry in fs::read_dir(&fixtures).expect("otel-kit-genai fixtures") {
        let path = entry.expect("fixture").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_owned();
        let bytes = fs::read(&path).expect("fixture");
        if name.ends_with(".json") {
            write(&root.join("openai_response"), &name, &bytes);
        } else if name.ends_with(".sse") {
            // A 4-byte split header first (see the target); the short-split one is the
            // one that makes piece boundaries fall inside `data:` and `[DONE]`.
            write(
                &root.join("openai_sse"),
                &name,
                &with_selector_bytes(b"\x01\x02\x03\x04", &bytes),
            );
            let mut long = b"\xf0\x10\x40\x00".to_vec();
            long.extend_from_slice(&bytes);
            write(&root.join("openai_sse"), &format!("long-{name}"), &long);
            if name.starts_with("anthropic") {
                write(
                    &root.join("anthropic_sse"),
                    &name,
                    &with_selector_bytes(b"\x01\x02\x03\x04", &bytes),
                );
                write(&root.join("anthropic_sse"), &format!("long-{name}"), &long);
            }
        } else if name == "bedrock_stream.jsonl" {
            // One `<message-type> <event-type> <payload>` line a message (see the target).
            let mut seed = b"\x01\x02\x03\x04".to_vec();
            for line in bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                let event: serde_json::Value = serde_json::from_slice(line).expect("a JSON line");
                let kind = event[":event-type"].as_str().expect(":event-type");
                seed.extend_from_slice(format!("event {kind} {}\n", event["payload"]).as_bytes());
            }
            write(&root.join("bedrock_stream"), "stream.txt", &seed);
            let mut exception = seed.clone();
            exception.extend_from_slice(b"exception throttlingException {\"message\":\"slow down\"}\n");
            write(&root.join("bedrock_stream"), "exception.txt", &exception);
            let mut broken = seed.clone();
            broken[0] = 0x0f;
            write(&root.join("bedrock_stream"), "broken-framing.txt", &broken);
            seed[0] = 0xf0;
            write(&root.join("bedrock_stream"), "long.txt", &seed);
        }
    }

    let otlp = root.join("otlp_decode");
    let bodies: [(&str, u8, Vec<u8>, Vec<u8>); 3] = [
        (
            "traces",
            0,
            traces().encode_to_vec(),
            serde_json::to_vec(&traces()).expect("json"),
        ),
        (
            "metrics",
            1,
            metrics().encode_to_vec(),
            serde_json::to_vec(&metrics()).expect("json"),
        ),
        (
            "logs",
            2,
            logs().encode_to_vec(),
            serde_json::to_vec(&logs()).expect("json"),
        ),
    ];
    // Duplicate span ids whose parent links form a cycle under a root: X(1) <- Y(2) <- Z(1).
    // No SDK sends this; a hand-made payload can, and the span tree must still render.
    let mut cyclic = traces();
    let spans = &mut cyclic.resource_spans[0].scope_spans[0].spans;
    spans[2].span_id = vec![1; 8];
    spans[2].parent_span_id = vec![2; 8];
    write(
        &otlp,
        "traces-cyclic-ids.pb",
        &with_selector(0, &cyclic.encode_to_vec()),
    );
    for (name, signal, protobuf, json) in bodies {
        write(&otlp, &format!("{name}.pb"), &with_selector(signal, &protobuf));
        write(&otlp, &format!("{name}.json"), &with_selector(signal | 4, &json));
        write(
            &otlp,
            &format!("{name}.pb.gz"),
            &with_selector(signal | 8, &gzip(&protobuf)),
        );
    }
}

fn with_selector_bytes(header: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = header.to_vec();
    out.extend_from_slice(body);
    out
}
