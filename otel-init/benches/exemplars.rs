//! The cost of exemplars per recorded measurement, side by side in one run.
//!
//! The histogram cases record `http.server.request.duration` (the HTTP server's five
//! metric attributes, `HTTP_RPC_DURATION_BUCKETS`) on the SDK's meter provider, with a sampled
//! span's context current, cycling through values that fall in different buckets:
//!
//! - `sdk`: the SDK's own histogram, no wrapper (the baseline);
//! - `always_off`: through `ExemplarMeterProvider` with `ExemplarFilter::AlwaysOff`;
//! - `trace_based`: the default filter, in the sampled span: each measurement kept;
//! - `trace_based_unsampled`: the default filter in an unsampled span: read and rejected;
//! - `always_on`: every measurement kept.
//!
//! The counter cases add 1 to a `u64` counter with the same five attributes
//! (`Counter::add`):
//!
//! - `counter_sdk`: the SDK's own counter, no wrapper (their baseline);
//! - `counter_always_off`: through the wrapper, filter off;
//! - `counter_trace_based`: the default filter in the sampled span: each measurement
//!   offered to the reservoir, which keeps the `n`th of a collection with chance `1/n`
//!   (no collection here: almost none is stored);
//! - `counter_trace_based_unsampled`: the default filter in an unsampled span;
//! - `counter_no_span`: the default filter with no span current: rejected.
//!
//! Run with `cargo bench -p otel-kit-init --bench exemplars`.
//! `EXEMPLAR_BENCH_ONLY=<case>:<n>` records `n` measurements in one case after a
//! warm-up of 1,000, and exits: for instruction counts under callgrind.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use opentelemetry::metrics::{Counter, Histogram, Meter, MeterProvider as _};
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::metrics::{ManualReader, SdkMeterProvider};
use otel_kit_core::__private::HTTP_RPC_DURATION_BUCKETS;
use otel_kit_init::ExemplarMeterProvider;
use otel_kit_init::config::ExemplarFilter;

const CASES: [&str; 10] = [
    "sdk",
    "always_off",
    "trace_based",
    "trace_based_unsampled",
    "always_on",
    "counter_sdk",
    "counter_always_off",
    "counter_trace_based",
    "counter_trace_based_unsampled",
    "counter_no_span",
];

/// Durations across six buckets.
const VALUES: [f64; 6] = [0.003, 0.008, 0.02, 0.06, 0.3, 1.7];

fn attributes() -> [KeyValue; 5] {
    [
        KeyValue::new("http.request.method", "GET"),
        KeyValue::new("http.route", "/orders/{id}"),
        KeyValue::new("http.response.status_code", 200),
        KeyValue::new("url.scheme", "https"),
        KeyValue::new("network.protocol.version", "1.1"),
    ]
}

fn sdk() -> SdkMeterProvider {
    SdkMeterProvider::builder()
        .with_reader(ManualReader::default())
        .build()
}

/// The instrument a case records on.
enum Instrument {
    Histogram(Histogram<f64>),
    Counter(Counter<u64>),
}

/// The case's instrument, the context its measurements are made in, and what must
/// live as long as they are made (the provider).
fn setup(case: &str) -> (Instrument, Context, Box<dyn std::any::Any>) {
    let kind = case.strip_prefix("counter_").unwrap_or(case);
    let filter = match kind {
        "sdk" => None,
        "always_off" => Some(ExemplarFilter::AlwaysOff),
        "always_on" => Some(ExemplarFilter::AlwaysOn),
        "trace_based" | "trace_based_unsampled" | "no_span" => Some(ExemplarFilter::TraceBased),
        _ => panic!("unknown case {case}; one of {CASES:?}"),
    };
    let build = |meter: Meter| {
        if case.starts_with("counter_") {
            Instrument::Counter(meter.u64_counter("http.server.requests").build())
        } else {
            Instrument::Histogram(
                meter
                    .f64_histogram("http.server.request.duration")
                    .with_unit("s")
                    .with_boundaries(HTTP_RPC_DURATION_BUCKETS.to_vec())
                    .build(),
            )
        }
    };
    let (instrument, keep): (_, Box<dyn std::any::Any>) = match filter {
        None => {
            let provider = sdk();
            (build(provider.meter("otel-kit-http")), Box::new(provider))
        }
        Some(filter) => {
            let provider = ExemplarMeterProvider::new(sdk(), filter);
            (build(provider.meter("otel-kit-http")), Box::new(provider))
        }
    };
    if kind == "no_span" {
        return (instrument, Context::new(), keep);
    }
    let flags = if kind == "trace_based_unsampled" {
        TraceFlags::default()
    } else {
        TraceFlags::SAMPLED
    };
    let cx = Context::new().with_remote_span_context(SpanContext::new(
        TraceId::from(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736_u128),
        SpanId::from(0x00f0_67aa_0ba9_02b7_u64),
        flags,
        true,
        TraceState::NONE,
    ));
    (instrument, cx, keep)
}

fn run(instrument: &Instrument, attributes: &[KeyValue], i: usize) {
    match instrument {
        Instrument::Histogram(h) => h.record(black_box(VALUES[i % VALUES.len()]), black_box(attributes)),
        Instrument::Counter(c) => c.add(black_box(1), black_box(attributes)),
    }
}

fn bench(c: &mut Criterion) {
    let attributes = attributes();
    let mut group = c.benchmark_group("exemplars");
    for case in CASES {
        let (instrument, cx, _keep) = setup(case);
        let _attached = cx.attach();
        let mut i = 0;
        group.bench_function(case, |b| {
            b.iter(|| {
                i += 1;
                run(&instrument, &attributes, i);
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    targets = bench
}

fn main() {
    if let Ok(only) = std::env::var("EXEMPLAR_BENCH_ONLY") {
        let (case, n) = only.split_once(':').expect("EXEMPLAR_BENCH_ONLY=<case>:<n>");
        let n: usize = n.parse().expect("a count");
        let attributes = attributes();
        let (instrument, cx, _keep) = setup(case);
        let _attached = cx.attach();
        for i in 0..1_000 + n {
            run(&instrument, &attributes, i);
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
