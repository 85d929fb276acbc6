//! Log records through our exporters: what arrives is exactly opentelemetry-proto's
//! transform of the records the pipeline emitted, over gRPC and HTTP/protobuf, to the
//! in-process collector and through rotel.

use std::collections::HashMap;

use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::trace::{TraceContextExt as _, Tracer as _, TracerProvider as _};
use opentelemetry::{InstrumentationScope, Key};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::logs::v1::LogRecord as ProtoLogRecord;
use opentelemetry_proto::transform::logs::tonic::group_logs_by_resource_and_scope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::{InMemoryLogExporter, LogBatch, SdkLogRecord, SimpleLogProcessor};
use otel_kit_init::Telemetry;
use otel_kit_testing::TestCollector;

use super::WAIT;
use crate::support::env;

const RECORDS: usize = 9;

fn init(endpoint: &str, protocol: &str) -> (Telemetry, InMemoryLogExporter) {
    let memory = InMemoryLogExporter::default();
    let telemetry = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        .environment(env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
            ("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=acme"),
            ("OTEL_BLRP_SCHEDULE_DELAY", "50"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_TRACES_EXPORTER", "none"),
            ("OTEL_SERVICE_NAME", "orders"),
        ]))
        .with_log_processor(SimpleLogProcessor::new(memory.clone()))
        .init()
        .expect("init");
    (telemetry, memory)
}

/// [`RECORDS`] records from two loggers: every value type in bodies and attributes
/// (maps, lists, bytes), severities, event names, targets, inside a span or not.
fn emit(telemetry: &Telemetry) {
    let provider = telemetry.logger_provider();
    let loggers = [
        provider.logger("orders"),
        provider.logger_with_scope(
            InstrumentationScope::builder("payments")
                .with_version("2.0")
                .build(),
        ),
    ];
    let tracer = telemetry.tracer_provider().tracer("app");
    for i in 0..RECORDS {
        let logger = &loggers[i % 2];
        let mut record = logger.create_log_record();
        record.set_severity_number([Severity::Info, Severity::Warn2, Severity::Fatal4][i % 3]);
        record.set_severity_text(["INFO", "WARN2", "FATAL4"][i % 3]);
        record.set_event_name(["order.paid", "order.shipped", "order.lost"][i % 3]);
        if i % 4 == 0 {
            record.set_target("app::orders");
        }
        let map: HashMap<Key, AnyValue> = HashMap::from([
            (Key::new("id"), AnyValue::Int(i as i64)),
            (
                Key::new("items"),
                AnyValue::ListAny(Box::new(vec![AnyValue::Double(1.5), AnyValue::Boolean(true)])),
            ),
        ]);
        record.set_body(AnyValue::Map(Box::new(map)));
        record.add_attribute("n", i as i64);
        record.add_attribute("raw", AnyValue::Bytes(Box::new(vec![0, 1, 255])));
        record.add_attribute("note", format!("record {i}"));
        if i % 2 == 0 {
            tracer.in_span("op", |cx| {
                let span = cx.span();
                let context = span.span_context();
                record.set_trace_context(context.trace_id(), context.span_id(), Some(context.trace_flags()));
                logger.emit(record);
            });
        } else {
            logger.emit(record);
        }
    }
}

/// Records in a fixed order: each carries its `n`.
fn sorted(mut records: Vec<ProtoLogRecord>) -> Vec<ProtoLogRecord> {
    records.sort_by_cached_key(|r| format!("{:?}", r.attributes));
    records
}

fn records_of(requests: Vec<ExportLogsServiceRequest>) -> Vec<ProtoLogRecord> {
    sorted(
        requests
            .into_iter()
            .flat_map(|r| r.resource_logs)
            .flat_map(|r| r.scope_logs)
            .flat_map(|s| s.log_records)
            .collect(),
    )
}

fn expected(memory: &InMemoryLogExporter) -> Vec<ProtoLogRecord> {
    let logs = memory.get_emitted_logs().expect("in-memory logs");
    let refs: Vec<(&SdkLogRecord, &InstrumentationScope)> =
        logs.iter().map(|l| (&l.record, &l.instrumentation)).collect();
    let resource = (&Resource::builder_empty().build()).into();
    records_of(vec![ExportLogsServiceRequest {
        resource_logs: group_logs_by_resource_and_scope(&LogBatch::new(&refs), &resource),
    }])
}

async fn arrives_exactly(collector: &TestCollector, endpoint: &str, protocol: &str) {
    let (telemetry, memory) = init(endpoint, protocol);
    emit(&telemetry);
    collector.wait_for_logs(RECORDS, WAIT).await.assert_count(RECORDS);
    let arrived = records_of(collector.log_requests());
    assert_eq!(arrived.len(), RECORDS);
    assert_eq!(arrived, expected(&memory), "{protocol}");
    super::shut_down(telemetry).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_records_arrive_exactly_over_grpc_and_http() {
    super::directly(async |collector, endpoint, protocol| {
        arrives_exactly(collector, endpoint, protocol).await;
        for r in collector.requests() {
            assert_eq!(r.header("x-tenant"), Some("acme"));
            assert_eq!(r.compression(), Some("gzip"));
            let agent = r.header("user-agent").unwrap_or_default();
            assert!(agent.contains("otel-kit-otlp/"), "ours, not upstream's: {agent}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotel_accepts_our_log_records_over_grpc_and_http() {
    super::through_rotel(arrives_exactly).await;
}
