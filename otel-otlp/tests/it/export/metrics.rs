//! Metrics through `MetricExporter` behind the SDK's periodic reader, on a plain SDK
//! meter provider: every point arrives with its value, and the exemplars of an
//! `ExemplarMeterProvider` given to the exporter land on their histogram and counter
//! points.

use std::sync::Arc;

use opentelemetry::KeyValue;
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{TraceContextExt as _, Tracer as _, TracerProvider as _};
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider, Temporality};
use opentelemetry_sdk::trace::SdkTracerProvider;
use otel_kit_otlp::exemplar::{ExemplarFilter, ExemplarMeterProvider, Reservoirs};
use otel_kit_otlp::{MetricExporter, Protocol};
use otel_kit_testing::TestCollector;

use super::{WAIT, blocking, each_route, endpoint};

async fn arrive(collector: &TestCollector, base: &str, protocol: Protocol) {
    // The exporter holds the reservoirs before the provider that fills them exists.
    let reservoirs = Arc::new(Reservoirs::new(ExemplarFilter::TraceBased));
    let exporter = MetricExporter::builder()
        .with_protocol(protocol)
        .with_endpoint(endpoint(base, protocol, "/v1/metrics"))
        .with_temporality(Temporality::Cumulative)
        .with_exemplars(Arc::clone(&reservoirs))
        .build()
        .expect("exporter");
    // Only the flush below exports.
    let reader = PeriodicReader::builder(exporter)
        .with_interval(std::time::Duration::from_secs(600))
        .build();
    let provider = ExemplarMeterProvider::with_reservoirs(
        SdkMeterProvider::builder().with_reader(reader).build(),
        reservoirs,
    );
    let meter = provider.meter("orders");
    let tracer = SdkTracerProvider::builder().build().tracer("app");
    let mut spans = Vec::new();
    for (i, tier) in ["gold", "silver"].into_iter().enumerate() {
        let a = [KeyValue::new("tier", tier)];
        let n = i as u64 + 1;
        meter.u64_counter("orders.paid").build().add(n, &a);
        meter
            .i64_up_down_counter("orders.open")
            .build()
            .add(-(n as i64), &a);
        meter.f64_gauge("queue.fill").build().record(0.25 * n as f64, &a);
        let duration = meter
            .f64_histogram("http.server.request.duration")
            .with_unit("s")
            .build();
        let orders = meter.u64_counter("orders.paid").build();
        let span_id = tracer.in_span("request", |cx| {
            assert!(cx.span().span_context().is_sampled());
            duration.record(0.003 * n as f64, &a);
            orders.add(10, &a);
            cx.span().span_context().span_id()
        });
        spans.push((tier, span_id.to_string()));
    }
    let sdk = provider.inner().clone();
    let flushed = sdk.clone();
    blocking(move || flushed.force_flush()).await.expect("flush");
    let metrics = collector
        .wait_for_metric("http.server.request.duration", WAIT)
        .await;
    for (name, n) in [("gold", 1_i64), ("silver", 2)] {
        let tier = [("tier", name.into())];
        // The counter's measurement in the span is its point's exemplar (one a point).
        let paid = metrics.metric("orders.paid").point(&tier).has_value(n + 10);
        let span_id = spans.iter().find(|(t, _)| *t == name).map(|(_, s)| s.as_str());
        let exemplars = &paid.record().exemplars;
        assert_eq!(exemplars.len(), 1, "{protocol:?} via {base}: {exemplars:?}");
        assert_eq!(
            exemplars[0].span_id.as_deref(),
            span_id,
            "{protocol:?} via {base}"
        );
        assert_eq!(exemplars[0].value, otel_kit_testing::Number::Int(10));
        metrics.metric("orders.open").point(&tier).has_value(-n);
        metrics
            .metric("queue.fill")
            .point(&tier)
            .has_value(0.25 * n as f64);
        let point = metrics
            .metric("http.server.request.duration")
            .histogram_point(&tier)
            .has_count(1)
            .has_sum(0.003 * n as f64);
        assert_eq!(point.record().exemplars.len(), 1, "{protocol:?} via {base}");
    }
    blocking(move || sdk.shutdown()).await.expect("clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_point_arrives_with_its_exemplars_over_grpc_and_http_directly_and_through_rotel() {
    each_route(arrive).await;
}
