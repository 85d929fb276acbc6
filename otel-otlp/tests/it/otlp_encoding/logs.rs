//! Log records: `LogEncoder` against `group_logs_by_resource_and_scope` and prost.

use std::collections::HashMap;

use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::trace::{SpanId, TraceFlags, TraceId};
use opentelemetry::{InstrumentationScope, Key};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::transform::logs::tonic::group_logs_by_resource_and_scope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::{LogBatch, SdkLogRecord, SdkLoggerProvider};
use otel_kit_otlp::otlp_encoding::LogEncoder;
use proptest::prelude::*;
use prost::Message as _;

use super::arbitrary::{float, key, resource, scope, text, time};

/// Every log value type, lists and maps nested up to three deep.
fn log_value() -> impl Strategy<Value = AnyValue> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(AnyValue::Int),
        float().prop_map(AnyValue::Double),
        text().prop_map(|s| AnyValue::String(s.into())),
        any::<bool>().prop_map(AnyValue::Boolean),
        prop::collection::vec(any::<u8>(), 0..20).prop_map(|b| AnyValue::Bytes(Box::new(b))),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| AnyValue::ListAny(Box::new(v))),
            prop::collection::vec((key(), inner), 0..4).prop_map(|kvs| {
                let map: HashMap<Key, AnyValue> = kvs.into_iter().map(|(k, v)| (Key::new(k), v)).collect();
                AnyValue::Map(Box::new(map))
            }),
        ]
    })
}

fn severity() -> impl Strategy<Value = Severity> {
    use Severity::*;
    prop::sample::select(vec![
        Trace, Trace2, Trace3, Trace4, Debug, Debug2, Debug3, Debug4, Info, Info2, Info3, Info4, Warn, Warn2,
        Warn3, Warn4, Error, Error2, Error3, Error4, Fatal, Fatal2, Fatal3, Fatal4,
    ])
}

/// A static string, as the log API takes event names and severity texts.
fn static_text() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", "INFO", "checkout.paid", "ünïcödé"])
}

type TraceContext = (u128, u64, Option<u8>);

/// What a record is made of (a record itself comes only from a logger).
#[derive(Debug, Clone)]
struct Parts {
    event_name: Option<&'static str>,
    target: Option<String>,
    timestamp: Option<std::time::SystemTime>,
    observed: std::time::SystemTime,
    severity: Option<Severity>,
    severity_text: Option<&'static str>,
    body: Option<AnyValue>,
    attributes: Vec<(String, AnyValue)>,
    trace_context: Option<TraceContext>,
}

fn parts() -> impl Strategy<Value = Parts> {
    (
        (
            prop::option::of(static_text()),
            prop::option::of(prop::sample::select(vec!["app::orders", "db", ""]).prop_map(str::to_owned)),
            prop::option::of(time()),
            time(),
        ),
        (prop::option::of(severity()), prop::option::of(static_text())),
        (
            prop::option::of(log_value()),
            prop::collection::vec((key(), log_value()), 0..5),
            prop::option::of((any::<u128>(), any::<u64>(), prop::option::of(any::<u8>()))),
        ),
    )
        .prop_map(
            |(
                (event_name, target, timestamp, observed),
                (severity, severity_text),
                (body, attributes, trace_context),
            )| Parts {
                event_name,
                target,
                timestamp,
                observed,
                severity,
                severity_text,
                body,
                attributes,
                trace_context,
            },
        )
}

fn record(parts: &Parts) -> SdkLogRecord {
    let mut record = SdkLoggerProvider::builder()
        .build()
        .logger("test")
        .create_log_record();
    if let Some(name) = parts.event_name {
        record.set_event_name(name);
    }
    if let Some(target) = &parts.target {
        record.set_target(target.clone());
    }
    if let Some(t) = parts.timestamp {
        record.set_timestamp(t);
    }
    // opentelemetry-proto unwraps it (`LogEncoder` writes 0 without one).
    record.set_observed_timestamp(parts.observed);
    if let Some(s) = parts.severity {
        record.set_severity_number(s);
    }
    if let Some(s) = parts.severity_text {
        record.set_severity_text(s);
    }
    if let Some(body) = &parts.body {
        record.set_body(body.clone());
    }
    for (k, v) in &parts.attributes {
        record.add_attribute(k.clone(), v.clone());
    }
    if let Some((trace, span, flags)) = parts.trace_context {
        record.set_trace_context(
            TraceId::from(trace),
            SpanId::from(span),
            flags.map(TraceFlags::new),
        );
    }
    record
}

/// Scopes in a fixed order: opentelemetry-proto takes them from a `HashMap`.
fn sorted(mut request: ExportLogsServiceRequest) -> ExportLogsServiceRequest {
    for resource_logs in &mut request.resource_logs {
        resource_logs
            .scope_logs
            .sort_by_cached_key(|s| format!("{:?} {}", s.scope, s.schema_url));
    }
    request
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn log_records_decode_to_what_opentelemetry_proto_produces(
        resource in resource(),
        batches in prop::collection::vec(prop::collection::vec((parts(), scope()), 0..6), 1..3),
    ) {
        let mut encoder = LogEncoder::new(&resource);
        let mut ours = vec![0xFF; 7];
        for batch in &batches {
            let records: Vec<(SdkLogRecord, InstrumentationScope)> =
                batch.iter().map(|(p, s)| (record(p), s.clone())).collect();
            let refs: Vec<(&SdkLogRecord, &InstrumentationScope)> = records.iter().map(|(r, s)| (r, s)).collect();
            let logs = LogBatch::new(&refs);
            encoder.encode(&logs, &mut ours);
            let expected = ExportLogsServiceRequest {
                resource_logs: group_logs_by_resource_and_scope(&logs, &(&resource).into()),
            };
            let decoded = ExportLogsServiceRequest::decode(ours.as_slice()).expect("our bytes decode");
            let one_scope = expected.resource_logs[0].scope_logs.len() <= 1;
            let expected_bytes = expected.encode_to_vec();
            prop_assert_eq!(sorted(decoded), sorted(expected));
            if one_scope {
                prop_assert!(ours == expected_bytes, "the bytes differ from prost's");
            }
        }
        prop_assert_eq!(encoder.dropped_values(), 0);
    }
}

#[test]
fn a_record_without_an_observed_timestamp_is_encoded_not_a_panic() {
    let record = SdkLoggerProvider::builder()
        .build()
        .logger("test")
        .create_log_record();
    let scope = InstrumentationScope::builder("s").build();
    let mut out = Vec::new();
    let mut encoder = LogEncoder::new(&Resource::builder_empty().build());
    encoder.encode(&LogBatch::new(&[(&record, &scope)]), &mut out);
    let decoded = ExportLogsServiceRequest::decode(out.as_slice()).expect("decodes");
    let record = &decoded.resource_logs[0].scope_logs[0].log_records[0];
    assert_eq!(record.observed_time_unix_nano, 0);
}
