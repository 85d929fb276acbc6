//! Metrics through our exporters: what arrives over gRPC and HTTP/protobuf (directly
//! and through rotel) is opentelemetry-proto's transform of what a second, in-memory
//! reader of the same provider collected, times aside (each reader collects at its own
//! moment).

use opentelemetry::KeyValue;
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::metrics::v1::{ResourceMetrics as ProtoResourceMetrics, metric};
use opentelemetry_sdk::metrics::{Aggregation, InMemoryMetricExporter, Instrument, PeriodicReader, Stream};
use otel_kit_init::Telemetry;
use otel_kit_testing::TestCollector;

use super::WAIT;
use crate::support::env;

fn init(endpoint: &str, protocol: &str) -> (Telemetry, InMemoryMetricExporter) {
    let memory = InMemoryMetricExporter::default();
    let telemetry = otel_kit_init::builder()
        .without_globals()
        .without_tracing_subscriber()
        // Only the metrics recorded below: the request's one scope and seven metrics.
        .without_runtime_metrics()
        .environment(env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
            ("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"),
            // Only the flush below exports.
            ("OTEL_METRIC_EXPORT_INTERVAL", "600000"),
            ("OTEL_TRACES_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
            ("OTEL_SERVICE_NAME", "orders"),
        ]))
        .with_view(|i: &Instrument| {
            (i.name() == "payment.amount")
                .then(|| {
                    Stream::builder()
                        .with_aggregation(Aggregation::Base2ExponentialHistogram {
                            max_size: 20,
                            max_scale: 10,
                            record_min_max: true,
                        })
                        .build()
                        .ok()
                })
                .flatten()
        })
        .with_metric_reader(PeriodicReader::builder(memory.clone()).build())
        .init()
        .expect("init");
    (telemetry, memory)
}

/// Each kind of data: sums (monotonic or not), gauges, a histogram and an exponential
/// one, of each number type, over two attribute sets.
fn record(telemetry: &Telemetry) {
    let meter = telemetry.meter_provider().meter("orders");
    for (i, tier) in ["gold", "silver"].into_iter().enumerate() {
        let a = [KeyValue::new("tier", tier)];
        let n = i as u64 + 1;
        meter
            .u64_counter("orders.paid")
            .with_unit("{order}")
            .build()
            .add(n, &a);
        meter
            .f64_counter("orders.revenue")
            .build()
            .add(n as f64 * 9.5, &a);
        meter
            .i64_up_down_counter("orders.open")
            .build()
            .add(-(n as i64), &a);
        meter.f64_gauge("queue.fill").build().record(0.25 * n as f64, &a);
        meter.i64_gauge("queue.depth").build().record(n as i64 * 7, &a);
        meter
            .f64_histogram("http.server.request.duration")
            .with_unit("s")
            .build()
            .record(0.003 * n as f64, &a);
        meter.u64_histogram("payment.amount").build().record(n * 1234, &a);
    }
}

/// The request's resource metrics with the collection times zeroed and everything in
/// a fixed order.
fn normalized(request: &ExportMetricsServiceRequest) -> Vec<ProtoResourceMetrics> {
    let mut resource_metrics = request.resource_metrics.clone();
    for rm in &mut resource_metrics {
        // Two readers collect apart, and the SDK keeps no order among scopes.
        rm.scope_metrics.sort_by(|a, b| {
            a.scope
                .as_ref()
                .map(|s| &s.name)
                .cmp(&b.scope.as_ref().map(|s| &s.name))
        });
        for sm in &mut rm.scope_metrics {
            sm.metrics.sort_by(|a, b| a.name.cmp(&b.name));
            for m in &mut sm.metrics {
                macro_rules! points {
                    ($points:expr) => {{
                        for p in $points.iter_mut() {
                            p.time_unix_nano = 0;
                            p.start_time_unix_nano = 0;
                        }
                        $points.sort_by_cached_key(|p| format!("{:?}", p.attributes));
                    }};
                }
                match &mut m.data {
                    Some(metric::Data::Gauge(g)) => points!(g.data_points),
                    Some(metric::Data::Sum(s)) => points!(s.data_points),
                    Some(metric::Data::Histogram(h)) => points!(h.data_points),
                    Some(metric::Data::ExponentialHistogram(h)) => points!(h.data_points),
                    _ => {}
                }
            }
        }
    }
    resource_metrics
}

async fn arrives(collector: &TestCollector, endpoint: &str, protocol: &str) {
    let (telemetry, memory) = init(endpoint, protocol);
    record(&telemetry);
    telemetry.meter_provider().force_flush().expect("flush");
    collector.wait_for_metric("payment.amount", WAIT).await;
    let arrived = collector.metric_requests();
    assert_eq!(arrived.len(), 1, "one flush, one request");
    let collected = memory.get_finished_metrics().expect("in-memory metrics");
    let expected = ExportMetricsServiceRequest::from(collected.last().expect("collected"));
    assert_eq!(normalized(&arrived[0]), normalized(&expected), "{protocol}");
    // The application's scope; `init()` also reports its sampler's (otel-kit-sampling).
    let orders = arrived[0].resource_metrics[0]
        .scope_metrics
        .iter()
        .find(|scope| scope.scope.as_ref().is_some_and(|scope| scope.name == "orders"))
        .expect("the orders scope");
    assert_eq!(orders.metrics.len(), 7);
    super::shut_down(telemetry).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_arrive_as_collected_over_grpc_and_http() {
    super::directly(async |collector, endpoint, protocol| {
        arrives(collector, endpoint, protocol).await;
        for r in collector.requests() {
            assert_eq!(r.compression(), Some("gzip"));
            let agent = r.header("user-agent").unwrap_or_default();
            assert!(agent.contains("otel-kit-otlp/"), "ours, not upstream's: {agent}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotel_accepts_our_metrics_over_grpc_and_http() {
    super::through_rotel(arrives).await;
}
