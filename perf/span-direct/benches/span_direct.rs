//! Today's span pipeline against the prototype that encodes at span end, for the
//! server span of `perf/http-peers`' request, with the kit's default rules.
//!
//! - `span_direct/request_path/{today,direct}`: one span started from the incoming
//!   context, put in a child context, its status code set, ended through the
//!   processors (or the prototype's rules and encoding) and queued; timed in runs of
//!   512, each followed (untimed) by the export of what it queued, so that the export
//!   thread never runs beside the spans timed and no span is dropped.
//! - `span_direct/worker/{today,direct}`: one batch of 512 on the export thread: today
//!   the `TraceEncoder` over the `SpanData`s and their drop, the prototype the request
//!   written around the spans' bytes. Throughput is per span.
//!
//! `SPAN_DIRECT_ONLY=<today|direct>:<spans>` runs 1,000 spans then `<spans>` more through
//! one path and shuts it down (every span exported), for callgrind:
//! `perf/span-direct/callgrind.sh` takes the difference of two run lengths, per thread.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use criterion::{BatchSize, Criterion, Throughput, criterion_group};
use opentelemetry::KeyValue;
use opentelemetry::trace::{
    SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceId, TraceState, TracerProvider as _,
};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use otel_kit_otlp::otlp_encoding::TraceEncoder;
use span_direct::byte_queue::{RequestParts, RequestSink};
use span_direct::span_encoding::{EndedSpan, resource_field, schema_url_field, scope_field, span_field};
use span_direct::{KitRules, http_server_span, http_server_start_attributes, settings};

const BATCH: usize = 512;
/// Distinct incoming traces, taken in turn.
const TRACES: usize = 1024;

fn sink() -> RequestSink {
    Arc::new(|body: &[u8]| {
        black_box(body);
    })
}

/// `make` run `iters` times, timed in runs of one batch; after each run, untimed, the
/// export thread exports what was queued (`flush` waits for it). So the export thread
/// never works while spans are made, and the queue never fills: no span is dropped.
fn timed_in_batches(iters: u64, make: impl Fn(usize), flush: impl Fn()) -> Duration {
    let mut timed = Duration::ZERO;
    let mut done = 0;
    while done < iters {
        let n = (BATCH as u64).min(iters - done);
        let start = Instant::now();
        for i in done..done + n {
            make(i as usize % TRACES);
        }
        timed += start.elapsed();
        flush();
        done += n;
    }
    timed
}

fn request_path(c: &mut Criterion) {
    let parents = settings::incoming_contexts(TRACES);
    let mut g = c.benchmark_group("span_direct/request_path");
    let today = settings::today_pipeline(&KitRules::kit_defaults(), settings::QUEUE_CAPACITY, sink());
    g.bench_function("today", |b| {
        b.iter_custom(|iters| {
            timed_in_batches(
                iters,
                |i| http_server_span(&today.tracer, black_box(&parents[i])),
                || today.provider.force_flush().expect("flushed"),
            )
        })
    });
    today.shutdown().expect("today's pipeline shuts down");
    assert_eq!(today.stats.dropped(), 0, "no span dropped");
    let direct = settings::direct_tracer(KitRules::kit_defaults(), settings::QUEUE_CAPACITY, sink());
    g.bench_function("direct", |b| {
        b.iter_custom(|iters| {
            timed_in_batches(
                iters,
                |i| http_server_span(&direct, black_box(&parents[i])),
                || direct.force_flush(),
            )
        })
    });
    direct.shutdown();
    assert_eq!(direct.dropped(), 0, "no span dropped");
    g.finish();
}

/// A batch of today's `SpanData`, as the processors hand it to the exporter.
fn span_data_batch() -> Vec<SpanData> {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_resource(settings::resource())
        .with_sampler(settings::sampler())
        .with_simple_exporter(exporter.clone())
        .build();
    let tracer = provider.tracer_with_scope(settings::scope());
    let parent = settings::incoming_context();
    for _ in 0..BATCH {
        http_server_span(&tracer, &parent);
    }
    exporter.get_finished_spans().expect("the spans")
}

/// The same batch as the prototype queues it: each span's `ScopeSpans.spans` field.
fn encoded_batch() -> Vec<u8> {
    let mut attributes = http_server_start_attributes();
    attributes.push(KeyValue::new("http.response.status_code", 200));
    let context = SpanContext::new(
        TraceId::from(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736_u128),
        SpanId::from(0x5ab1_0c0f_fee0_0001_u64),
        TraceFlags::SAMPLED,
        false,
        TraceState::default(),
    );
    let start = SystemTime::now();
    let mut spans = Vec::new();
    for _ in 0..BATCH {
        span_field(
            &mut spans,
            &EndedSpan {
                span_context: &context,
                parent_span_id: SpanId::from(0x00f0_67aa_0ba9_02b7_u64),
                parent_is_remote: true,
                name: "GET /users/{id}",
                kind: &SpanKind::Server,
                start,
                end: start + Duration::from_micros(41),
                attributes: &attributes,
                dropped_attributes: 0,
                events: &[],
                dropped_events: 0,
                links: &[],
                dropped_links: 0,
                status: &Status::Unset,
            },
        );
    }
    spans
}

fn worker(c: &mut Criterion) {
    let mut g = c.benchmark_group("span_direct/worker");
    g.throughput(Throughput::Elements(BATCH as u64));
    let batch = span_data_batch();
    let mut encoder = TraceEncoder::new(&settings::resource());
    let mut body = Vec::new();
    g.bench_function("today", |b| {
        b.iter_batched(
            || batch.clone(),
            |batch| {
                encoder.encode(&batch, &mut body);
                black_box(&body);
                drop(batch);
            },
            BatchSize::LargeInput,
        )
    });
    let resource = settings::resource();
    let scope = settings::scope();
    let parts = RequestParts {
        resource: resource_field(&resource),
        resource_schema_url: schema_url_field(resource.schema_url()),
        scope: scope_field(&scope),
        scope_schema_url: schema_url_field(scope.schema_url()),
    };
    let spans = encoded_batch();
    g.bench_function("direct", |b| {
        b.iter(|| {
            parts.write_request(black_box(&spans), &mut body);
            black_box(&body);
        })
    });
    g.finish();
}

/// `SPAN_DIRECT_ONLY=<today|direct>:<spans>`: one path, every span exported, for callgrind.
fn only(spec: &str) {
    let (variant, spans) = spec.rsplit_once(':').expect("<today|direct>:<spans>");
    let spans: usize = spans.parse().expect("a span count");
    let total = 1_000 + spans;
    // Room for every span: under callgrind the threads take turns, and a drop would
    // take a span's export out of the count.
    let capacity = total + BATCH;
    let parents = settings::incoming_contexts(TRACES);
    let dropped = match variant {
        "today" => {
            let today = settings::today_pipeline(&KitRules::kit_defaults(), capacity, sink());
            for i in 0..total {
                http_server_span(&today.tracer, black_box(&parents[i % TRACES]));
            }
            today.shutdown().expect("today's pipeline shuts down");
            assert_eq!(today.stats.exported(), total as u64, "every span exported");
            today.stats.dropped()
        }
        "direct" => {
            let direct = settings::direct_tracer(KitRules::kit_defaults(), capacity, sink());
            for i in 0..total {
                http_server_span(&direct, black_box(&parents[i % TRACES]));
            }
            direct.shutdown();
            direct.dropped()
        }
        other => panic!("a variant: today or direct, not {other}"),
    };
    assert_eq!(dropped, 0, "no span dropped");
    println!("ended and exported {spans} {variant} spans (after 1,000)");
}

criterion_group!(benches, request_path, worker);

fn main() {
    if let Ok(spec) = std::env::var("SPAN_DIRECT_ONLY") {
        only(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
