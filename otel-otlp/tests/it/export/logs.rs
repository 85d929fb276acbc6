//! Log records through `LogExporter` behind the SDK's `BatchLogProcessor`, on a plain
//! SDK logger provider: every record arrives exactly as opentelemetry-proto's transform
//! of what the provider emitted.

use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::trace::{SpanId, TraceFlags, TraceId};
use opentelemetry::{InstrumentationScope, Key};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::logs::v1::LogRecord as ProtoLogRecord;
use opentelemetry_proto::transform::logs::tonic::group_logs_by_resource_and_scope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::{
    BatchLogProcessor, InMemoryLogExporter, LogBatch, SdkLogRecord, SdkLoggerProvider, SimpleLogProcessor,
};
use otel_kit_otlp::{LogExporter, Protocol};
use otel_kit_processors::batch::BatchSettings;
use otel_kit_testing::TestCollector;

use super::{WAIT, blocking, each_route, endpoint};

const RECORDS: usize = 7;

/// [`RECORDS`] records from two loggers: severities, event names, a map body, bytes,
/// inside a span or not.
fn emit(provider: &SdkLoggerProvider) {
    let loggers = [
        provider.logger("orders"),
        provider.logger_with_scope(
            InstrumentationScope::builder("payments")
                .with_version("2.0")
                .build(),
        ),
    ];
    for i in 0..RECORDS {
        let logger = &loggers[i % 2];
        let mut record = logger.create_log_record();
        record.set_severity_number([Severity::Info, Severity::Warn, Severity::Error][i % 3]);
        record.set_severity_text(["INFO", "WARN", "ERROR"][i % 3]);
        record.set_event_name(["order.paid", "order.shipped", "order.lost"][i % 3]);
        record.set_body(AnyValue::Map(Box::new(
            [(Key::new("id"), AnyValue::Int(i as i64))].into_iter().collect(),
        )));
        record.add_attribute("n", i as i64);
        record.add_attribute("raw", AnyValue::Bytes(Box::new(vec![0, 1, 255])));
        if i % 2 == 0 {
            record.set_trace_context(
                TraceId::from(i as u128 + 1),
                SpanId::from(i as u64 + 1),
                Some(TraceFlags::SAMPLED),
            );
        }
        logger.emit(record);
    }
}

/// The records of the requests, in the order of their `n`.
fn records_of(requests: Vec<ExportLogsServiceRequest>) -> Vec<ProtoLogRecord> {
    let mut records: Vec<ProtoLogRecord> = requests
        .into_iter()
        .flat_map(|r| r.resource_logs)
        .flat_map(|r| r.scope_logs)
        .flat_map(|s| s.log_records)
        .collect();
    records.sort_by_cached_key(|r| format!("{:?}", r.attributes));
    records
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

async fn arrive_exactly(collector: &TestCollector, base: &str, protocol: Protocol) {
    let exporter = LogExporter::builder()
        .with_protocol(protocol)
        .with_endpoint(endpoint(base, protocol, "/v1/logs"))
        .build()
        .expect("exporter");
    let settings = BatchSettings {
        schedule_delay: std::time::Duration::from_millis(50),
        ..BatchSettings::LOG_DEFAULTS
    };
    let memory = InMemoryLogExporter::default();
    let provider = SdkLoggerProvider::builder()
        .with_resource(Resource::builder_empty().with_service_name("orders").build())
        .with_log_processor(SimpleLogProcessor::new(memory.clone()))
        .with_log_processor(
            BatchLogProcessor::builder(exporter)
                .with_batch_config(settings.log_batch_config())
                .build(),
        )
        .build();
    emit(&provider);
    collector.wait_for_logs(RECORDS, WAIT).await.assert_count(RECORDS);
    assert_eq!(
        records_of(collector.log_requests()),
        expected(&memory),
        "{protocol:?} via {base}"
    );
    for record in collector.logs().as_slice() {
        assert_eq!(record.resource.attribute("service.name"), Some(&"orders".into()));
    }
    blocking(move || provider.shutdown())
        .await
        .expect("clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_log_record_arrives_exactly_over_grpc_and_http_directly_and_through_rotel() {
    each_route(arrive_exactly).await;
}
