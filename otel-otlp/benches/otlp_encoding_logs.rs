//! Our OTLP protobuf encoding of log records against opentelemetry-proto's, side by side
//! in one run.
//!
//! Both turn the same `LogBatch` of 512 records (the batch log processor's default
//! export batch size), as the SDK hands it to an exporter, into the bytes of an
//! `ExportLogsServiceRequest`:
//!
//! - `ours`: `LogEncoder::encode` into a buffer kept from one batch to the next, as
//!   `proto_export/logs.rs` calls it;
//! - `opentelemetry_proto`: what opentelemetry-otlp 0.33 does for logs,
//!   `group_logs_by_resource_and_scope` and prost's `encode`, into a kept buffer too
//!   (upstream allocates a new one per batch; this is its best case).
//!
//! The records are what the kit's `tracing` bridge emits for a log line in a handler:
//! the `tracing` target (which names the record's scope; four targets, in runs), the
//! severity number and text, the message as a string body, six fields as attributes
//! (four strings formatted per record, two integers), the span's trace context, an
//! observed timestamp, and for one record in eight a declared event name (the others
//! have none, as `DeclaredEventNames` leaves them). Both cases borrow the batch, so it
//! is built once. Each case's whole cost is timed, dropping the request structs
//! upstream builds included (upstream's exporter drops them after each export). Divide
//! by 512 for the time per record. Run with
//! `cargo bench -p otel-kit-otlp --bench otlp_encoding_logs`.
//!
//! `OTLP_LOGS_BENCH_ONLY=<case>:<batches>` runs one case (`ours` or
//! `opentelemetry_proto`) that many times after a warm-up of 20 batches, and exits: for
//! instruction counts under callgrind (subtract two run lengths to leave out the
//! set-up).
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use criterion::{Criterion, Throughput, criterion_group};
use opentelemetry::InstrumentationScope;
use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::trace::{SpanId, TraceFlags, TraceId};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
use opentelemetry_proto::transform::logs::tonic::group_logs_by_resource_and_scope;
use opentelemetry_sdk::logs::{LogBatch, SdkLogRecord, SdkLoggerProvider};
use otel_kit_otlp::otlp_encoding::LogEncoder;
use prost::Message as _;

const BATCH: usize = 512;
const CASES: [&str; 2] = ["opentelemetry_proto", "ours"];

/// The targets of the service's log lines; a handler logs a few lines from one module.
const TARGETS: [&str; 4] = [
    "checkout::orders",
    "checkout::payments",
    "otel_kit_http::server",
    "checkout::inventory",
];

#[path = "fixtures/resource.rs"]
mod fixtures;
use fixtures::resource;

/// A log line as the `tracing` bridge makes it of
/// `info!(order.id = %id, customer.id = %c, payment.provider = "stripe", currency = "EUR",
/// amount_cents = .., items = .., "order {id} paid")` in a sampled span.
fn record(i: u64, logger: &opentelemetry_sdk::logs::SdkLogger) -> SdkLogRecord {
    let mut record = logger.create_log_record();
    record.set_target(TARGETS[(i / 4) as usize % TARGETS.len()]);
    if i.is_multiple_of(8) {
        record.set_event_name("checkout.order.paid");
    }
    let (severity, text) = if i % 16 == 5 {
        (Severity::Warn, "WARN")
    } else {
        (Severity::Info, "INFO")
    };
    record.set_severity_number(severity);
    record.set_severity_text(text);
    record.set_body(AnyValue::from(format!("order {} paid", 8800 + i)));
    record.add_attribute("order.id", format!("{}", 8800 + i));
    record.add_attribute("customer.id", format!("c-{:06}", 31 * i % 100_000));
    record.add_attribute("payment.provider", "stripe".to_owned());
    record.add_attribute("currency", "EUR".to_owned());
    record.add_attribute("amount_cents", 1299 + (i as i64 % 50) * 100);
    record.add_attribute("items", 1 + (i as i64 % 5));
    // A handler's lines share its span: four records per trace.
    let span = i / 4;
    record.set_trace_context(
        TraceId::from((u128::from(span) + 1) * 0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835),
        SpanId::from((span + 1) * 0x9E37_79B9_7F4A_7C15),
        Some(TraceFlags::SAMPLED),
    );
    record.set_observed_timestamp(UNIX_EPOCH + Duration::from_nanos(1_767_225_600_000_000_000 + i * 250_000));
    record
}

/// The batch's records, and the scope the bridge's logger has (an empty name: the
/// target names the scope in the request).
fn records() -> (Vec<SdkLogRecord>, InstrumentationScope) {
    let logger = SdkLoggerProvider::builder().build().logger("");
    let records = (0..BATCH as u64).map(|i| record(i, &logger)).collect();
    (records, InstrumentationScope::builder("").build())
}

struct Cases {
    ours: LogEncoder,
    upstream_resource: ResourceAttributesWithSchema,
    buffer: Vec<u8>,
}

impl Cases {
    /// The cases, once checked to write requests of the same length for `batch` (the
    /// same request up to the order of the scopes; the property tests prove it), with
    /// nothing left out.
    fn new(batch: &LogBatch<'_>) -> Self {
        let resource = resource();
        let mut cases = Cases {
            ours: LogEncoder::new(&resource),
            upstream_resource: (&resource).into(),
            buffer: Vec::new(),
        };
        let lengths = CASES.map(|case| {
            cases.run(case, batch);
            cases.buffer.len()
        });
        assert_eq!(lengths[0], lengths[1], "{CASES:?}");
        assert_eq!(cases.ours.dropped_values(), 0);
        cases
    }

    fn run(&mut self, case: &str, batch: &LogBatch<'_>) {
        match case {
            "ours" => self.ours.encode(batch, &mut self.buffer),
            "opentelemetry_proto" => {
                let request = ExportLogsServiceRequest {
                    resource_logs: group_logs_by_resource_and_scope(batch, &self.upstream_resource),
                };
                self.buffer.clear();
                request.encode(&mut self.buffer).expect("a Vec grows");
            }
            other => panic!("no case {other}; one of {CASES:?}"),
        }
        black_box(&self.buffer);
    }
}

fn encoding(c: &mut Criterion) {
    let (records, scope) = records();
    let refs: Vec<(&SdkLogRecord, &InstrumentationScope)> = records.iter().map(|r| (r, &scope)).collect();
    let batch = LogBatch::new(&refs);
    let mut cases = Cases::new(&batch);
    let mut group = c.benchmark_group("otlp_encoding/512_log_records_6_attributes");
    group.throughput(Throughput::Elements(BATCH as u64));
    for case in CASES {
        group.bench_function(case, |b| b.iter(|| cases.run(case, &batch)));
    }
    group.finish();
}

criterion_group!(benches, encoding);

fn main() {
    if let Ok(only) = std::env::var("OTLP_LOGS_BENCH_ONLY") {
        let (case, batches) = only
            .rsplit_once(':')
            .expect("OTLP_LOGS_BENCH_ONLY=<case>:<batches>");
        let batches: usize = batches.parse().expect("a batch count");
        let (records, scope) = records();
        let refs: Vec<(&SdkLogRecord, &InstrumentationScope)> = records.iter().map(|r| (r, &scope)).collect();
        let batch = LogBatch::new(&refs);
        let mut cases = Cases::new(&batch);
        for _ in 0..20 + batches {
            cases.run(case, &batch);
        }
        println!("ran {case} {batches} times ({} bytes)", cases.buffer.len());
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
