//! The record path of each application-metric helper (`otel_kit_core::app_metrics`,
//! re-exported by otel-kit-init) against the SDK's own instrument, side by side, on one
//! SDK meter provider whose reader exports once an hour (not during the run) and the
//! view `init()` installs:
//!
//! - `histogram_sdk` / `histogram_helper`: a duration with two declared attributes;
//! - `counter_sdk` / `counter_helper`: `add(1)` with two declared attributes;
//! - `updown_sdk` / `updown_helper`: `add(±1)` with two declared attributes;
//! - `counter_helper_undeclared`: a third, undeclared attribute (warned about once,
//!   then dropped on every call: the copy of the declared ones);
//! - `counter_helper_no_view`, `histogram_helper_no_view`: the helper on a provider
//!   without the view (its own filter only), which isolates the view's cost: the SDK
//!   copies the attributes into a new `Vec` on every measurement of a stream with an
//!   allow-list.
//!
//! Run with `cargo bench -p otel-kit-core --features sdk-metrics --bench app_metrics`.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use opentelemetry::KeyValue;
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use otel_kit_core::app_metrics::{AppCounter, AppUpDownCounter, DurationHistogram, declared_attributes_view};

fn attributes() -> [KeyValue; 2] {
    [
        KeyValue::new("shop.payment.method", "visa"),
        KeyValue::new("shop.order.outcome", "confirmed"),
    ]
}

fn record(c: &mut Criterion) {
    let provider = SdkMeterProvider::builder()
        .with_reader(
            PeriodicReader::builder(InMemoryMetricExporter::default())
                .with_interval(Duration::from_secs(3600))
                .build(),
        )
        .with_view(declared_attributes_view)
        .build();
    let meter = provider.meter("bench");
    let keys = ["shop.payment.method", "shop.order.outcome"];
    let attributes = attributes();
    let with_undeclared = [
        attributes[0].clone(),
        attributes[1].clone(),
        KeyValue::new("user.id", "u-1"),
    ];

    let sdk_histogram = meter
        .f64_histogram("bench.sdk.duration")
        .with_unit("s")
        .with_boundaries(otel_kit_core::__private::HTTP_RPC_DURATION_BUCKETS.to_vec())
        .build();
    let histogram = DurationHistogram::builder("bench.helper.duration")
        .attributes(keys)
        .build(&meter)
        .expect("valid");
    let sdk_counter = meter.u64_counter("bench.sdk.orders").with_unit("{order}").build();
    let counter = AppCounter::<u64>::builder("bench.helper.orders", "{order}")
        .attributes(keys)
        .build(&meter)
        .expect("valid");
    let sdk_updown = meter.i64_up_down_counter("bench.sdk.active").build();
    let updown = AppUpDownCounter::builder("bench.helper.active", "{checkout}")
        .attributes(keys)
        .build(&meter)
        .expect("valid");

    let bare = SdkMeterProvider::builder()
        .with_reader(
            PeriodicReader::builder(InMemoryMetricExporter::default())
                .with_interval(Duration::from_secs(3600))
                .build(),
        )
        .build();
    let bare_meter = bare.meter("bench");
    let counter_no_view = AppCounter::<u64>::builder("bench.no_view.orders", "{order}")
        .attributes(keys)
        .build(&bare_meter)
        .expect("valid");
    let histogram_no_view = DurationHistogram::builder("bench.no_view.duration")
        .attributes(keys)
        .build(&bare_meter)
        .expect("valid");

    let mut group = c.benchmark_group("app_metrics");
    let took = Duration::from_millis(42);
    group.bench_function("histogram_sdk", |b| {
        b.iter(|| sdk_histogram.record(black_box(took.as_secs_f64()), black_box(&attributes)))
    });
    group.bench_function("histogram_helper", |b| {
        b.iter(|| histogram.record(black_box(took), black_box(&attributes)))
    });
    group.bench_function("counter_sdk", |b| {
        b.iter(|| sdk_counter.add(black_box(1), black_box(&attributes)))
    });
    group.bench_function("counter_helper", |b| {
        b.iter(|| counter.add(black_box(1), black_box(&attributes)))
    });
    group.bench_function("updown_sdk", |b| {
        b.iter(|| sdk_updown.add(black_box(1), black_box(&attributes)))
    });
    group.bench_function("updown_helper", |b| {
        b.iter(|| updown.add(black_box(1), black_box(&attributes)))
    });
    group.bench_function("counter_helper_undeclared", |b| {
        b.iter(|| counter.add(black_box(1), black_box(&with_undeclared)))
    });
    group.bench_function("counter_helper_no_view", |b| {
        b.iter(|| counter_no_view.add(black_box(1), black_box(&attributes)))
    });
    group.bench_function("histogram_helper_no_view", |b| {
        b.iter(|| histogram_no_view.record(black_box(took), black_box(&attributes)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = record
}
criterion_main!(benches);
