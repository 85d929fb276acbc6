//! Our OTLP protobuf encoding against opentelemetry-proto's, side by side in one run.
//!
//! Both turn the same batch of 512 server spans (the default export batch size), each
//! with 8 attributes, into the bytes of an `ExportTraceServiceRequest`:
//!
//! - `ours`: `TraceEncoder::encode` into a buffer kept from one batch to the next;
//! - `opentelemetry_proto`: what opentelemetry-otlp 0.33 does,
//!   `group_spans_by_resource_and_scope` and prost's `encode`, into a kept buffer too
//!   (upstream allocates a new one per batch; this is its best case).
//!
//! Each iteration is given its own copy of the batch, made outside the timing (the
//! upstream transform consumes it); what each case returns (the batch, the request
//! structs) is dropped outside the timing too. Divide by 512 for the time per span. Run
//! with `cargo bench -p otel-kit-otlp --bench otlp_encoding`.
//!
//! `otlp_compression` compresses the encoded request of that batch (184 KB) as the
//! OTLP/HTTP exporter does: gzip at flate2's default level (6), zstd at its default
//! level (3) with a context kept from one batch to the next, and, for comparison, gzip
//! fast (1) and zstd 1; it prints the compressed sizes first. Run with
//! `cargo bench -p otel-kit-otlp --bench otlp_encoding -- otlp_compression`.
//!
//! `OTLP_BENCH_ONLY=<case>:<batches>` runs one case (`ours`, `opentelemetry_proto`, or
//! `copy`: making and dropping the copy alone) that many times after a warm-up of 20
//! batches, and exits: for instruction counts under callgrind.
#![allow(missing_docs)]

use std::borrow::Cow;
use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use criterion::{BatchSize, Criterion, Throughput, criterion_group};
use opentelemetry::trace::{SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceId, TraceState};
use opentelemetry::{InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
use opentelemetry_proto::transform::trace::tonic::group_spans_by_resource_and_scope;
use opentelemetry_sdk::trace::{SpanData, SpanEvents, SpanLinks};
use otel_kit_otlp::otlp_encoding::TraceEncoder;
use prost::Message as _;

const BATCH: usize = 512;

#[path = "fixtures/resource.rs"]
mod fixtures;
use fixtures::resource;

/// A server span as otel-kit-http records it: 8 attributes, two of them formatted per
/// request.
fn span(i: u64, scope: &InstrumentationScope) -> SpanData {
    let start = UNIX_EPOCH + Duration::from_nanos(1_767_225_600_000_000_000 + i * 1_000_000);
    SpanData {
        span_context: SpanContext::new(
            TraceId::from((u128::from(i) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835)),
            SpanId::from((i + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            TraceFlags::SAMPLED,
            false,
            TraceState::NONE,
        ),
        parent_span_id: if i.is_multiple_of(2) {
            SpanId::from(i + 7)
        } else {
            SpanId::INVALID
        },
        parent_span_is_remote: i.is_multiple_of(2),
        span_kind: SpanKind::Server,
        name: Cow::Borrowed("GET /orders/{id}"),
        start_time: start,
        end_time: start + Duration::from_micros(850 + i),
        attributes: vec![
            KeyValue::new("http.request.method", "GET"),
            KeyValue::new("url.path", format!("/orders/{}", 8800 + i)),
            KeyValue::new("url.scheme", "https"),
            KeyValue::new("http.route", "/orders/{id}"),
            KeyValue::new("http.response.status_code", 200),
            KeyValue::new("server.address", "checkout.internal"),
            KeyValue::new("server.port", 8443),
            KeyValue::new(
                "user_agent.original",
                format!("Mozilla/5.0 (X11; Linux x86_64) Firefox/{}.0", 120 + i % 8),
            ),
        ],
        dropped_attributes_count: 0,
        events: SpanEvents::default(),
        links: SpanLinks::default(),
        status: Status::Unset,
        instrumentation_scope: scope.clone(),
    }
}

fn batch() -> Vec<SpanData> {
    let scope = InstrumentationScope::builder("otel-kit-http")
        .with_version("0.1.0")
        .with_schema_url("https://opentelemetry.io/schemas/1.40.0")
        .build();
    (0..BATCH as u64).map(|i| span(i, &scope)).collect()
}

/// The cases; each takes a batch and a kept buffer and returns what is to be dropped
/// outside the timing.
struct Cases {
    ours: TraceEncoder,
    upstream_resource: ResourceAttributesWithSchema,
    buffer: Vec<u8>,
}

enum Left {
    Batch(#[allow(dead_code)] Vec<SpanData>),
    Request(#[allow(dead_code)] ExportTraceServiceRequest),
}

impl Cases {
    fn new() -> Self {
        let resource = resource();
        Cases {
            ours: TraceEncoder::new(&resource),
            upstream_resource: (&resource).into(),
            buffer: Vec::new(),
        }
    }

    fn run(&mut self, case: &str, spans: Vec<SpanData>) -> Left {
        match case {
            "ours" => {
                self.ours.encode(&spans, &mut self.buffer);
                black_box(&self.buffer);
                Left::Batch(spans)
            }
            "opentelemetry_proto" => {
                let request = ExportTraceServiceRequest {
                    resource_spans: group_spans_by_resource_and_scope(spans, &self.upstream_resource),
                };
                self.buffer.clear();
                request.encode(&mut self.buffer).expect("a Vec grows");
                black_box(&self.buffer);
                Left::Request(request)
            }
            "copy" => Left::Batch(spans),
            other => panic!("no case {other}"),
        }
    }
}

fn encoding(c: &mut Criterion) {
    let spans = batch();
    let mut cases = Cases::new();
    let mut group = c.benchmark_group("otlp_encoding/512_spans_8_attributes");
    group.throughput(Throughput::Elements(BATCH as u64));
    for case in ["opentelemetry_proto", "ours"] {
        group.bench_function(case, |b| {
            b.iter_batched(|| spans.clone(), |s| cases.run(case, s), BatchSize::LargeInput);
        });
    }
    group.finish();
}

/// One compression of the encoded request into a kept buffer: its size.
fn compress(
    case: &str,
    encoded: &[u8],
    out: &mut Vec<u8>,
    zstd: &mut [zstd::bulk::Compressor<'static>; 2],
) -> usize {
    use std::io::Write as _;

    let gzip = |level, out: &mut Vec<u8>| {
        out.clear();
        let mut encoder = flate2::write::GzEncoder::new(std::mem::take(out), level);
        encoder.write_all(encoded).expect("a Vec grows");
        *out = encoder.finish().expect("a Vec grows");
        out.len()
    };
    match case {
        "gzip_6" => gzip(flate2::Compression::default(), out),
        "gzip_1" => gzip(flate2::Compression::fast(), out),
        "zstd_3" | "zstd_1" => {
            out.clear();
            out.reserve(zstd::zstd_safe::compress_bound(encoded.len()));
            let compressor = &mut zstd[usize::from(case == "zstd_1")];
            compressor
                .compress_to_buffer(encoded, out)
                .expect("within the bound")
        }
        other => panic!("no case {other}"),
    }
}

fn compression(c: &mut Criterion) {
    let mut encoded = Vec::new();
    TraceEncoder::new(&resource()).encode(&batch(), &mut encoded);
    let mut out = Vec::new();
    let mut zstd = [3, 1].map(|level| zstd::bulk::Compressor::new(level).expect("a zstd context"));
    let cases = ["gzip_6", "zstd_3", "gzip_1", "zstd_1"];
    eprintln!("otlp_compression: {BATCH} spans, {} bytes encoded", encoded.len());
    for case in cases {
        let size = compress(case, &encoded, &mut out, &mut zstd);
        eprintln!(
            "  {case}: {size} bytes, {:.1}% of the encoded request",
            100.0 * size as f64 / encoded.len() as f64
        );
    }
    let mut group = c.benchmark_group("otlp_compression/512_spans_8_attributes");
    group.throughput(Throughput::Elements(BATCH as u64));
    for case in cases {
        group.bench_function(case, |b| {
            b.iter(|| black_box(compress(case, &encoded, &mut out, &mut zstd)));
        });
    }
    group.finish();
}

criterion_group!(benches, encoding, compression);

fn main() {
    if let Ok(only) = std::env::var("OTLP_BENCH_ONLY") {
        let (case, batches) = only.rsplit_once(':').expect("OTLP_BENCH_ONLY=<case>:<batches>");
        let batches: usize = batches.parse().expect("a batch count");
        let spans = batch();
        let mut cases = Cases::new();
        for _ in 0..20 + batches {
            drop(black_box(cases.run(case, spans.clone())));
        }
        println!("ran {case} {batches} times");
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
