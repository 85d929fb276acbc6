//! The span explosion guard: one request that makes 100,000 child spans beside ordinary
//! traffic, with an exporter slower than the runaway request. The runaway trace holds
//! at most its share of the queue, so every span of the ordinary traffic is exported,
//! and the runaway's excess is counted under its own reason, and reported under it as
//! `otel.sdk.processor.span.processed` with `error.type = trace_share_exceeded`.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::trace::{TraceContextExt as _, TraceId, Tracer as _, TracerProvider as _};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use otel_kit_processors::batch::{BatchSettings, SpanQueueProcessor};

/// Takes 20 ms per batch (about 25,000 spans a second at 512 a batch): slower than a
/// request making spans in a loop, far faster than the ordinary traffic here.
#[derive(Debug, Clone, Default)]
struct SlowExporter {
    received: Arc<Mutex<Vec<(TraceId, String)>>>,
}

impl SpanExporter for SlowExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        std::thread::sleep(Duration::from_millis(20));
        self.received.lock().expect("test lock").extend(
            batch
                .iter()
                .map(|span| (span.span_context.trace_id(), span.name.to_string())),
        );
        Ok(())
    }
}

const RUNAWAY_CHILDREN: usize = 100_000;

/// The points of `otel.sdk.processor.span.processed` in the last collection, each as
/// its `error.type` (`None`: the spans passed to the exporter) and value.
fn processed_points(exporter: &InMemoryMetricExporter) -> Vec<(Option<String>, u64)> {
    let collections = exporter.get_finished_metrics().expect("metrics");
    let last = collections.last().expect("one collection");
    let metric = last
        .scope_metrics()
        .flat_map(|s| s.metrics())
        .find(|m| m.name() == "otel.sdk.processor.span.processed")
        .expect("the processed counter");
    let AggregatedMetrics::U64(MetricData::Sum(sum)) = metric.data() else {
        panic!("a u64 sum: {:?}", metric.data());
    };
    sum.data_points()
        .map(|p| {
            let error_type = p
                .attributes()
                .find(|kv| kv.key.as_str() == "error.type")
                .map(|kv| kv.value.to_string());
            (error_type, p.value())
        })
        .collect()
}

#[test]
fn a_runaway_trace_cannot_crowd_out_other_requests() {
    let exporter = SlowExporter::default();
    let settings = BatchSettings {
        schedule_delay: Duration::from_millis(50),
        ..BatchSettings::SPAN_DEFAULTS
    };
    let processor = SpanQueueProcessor::new(exporter.clone(), settings);
    let stats = processor.stats();
    let metrics = InMemoryMetricExporter::default();
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(metrics.clone()).build())
        .build();
    stats.report_to(&meter_provider);
    let provider = SdkTracerProvider::builder()
        .with_span_processor(processor)
        .build();
    let tracer = provider.tracer("explosion");

    let start = Arc::new(Barrier::new(2));
    let runaway_done = Arc::new(AtomicBool::new(false));
    let runaway = {
        let (tracer, start, done) = (tracer.clone(), Arc::clone(&start), Arc::clone(&runaway_done));
        std::thread::spawn(move || {
            start.wait();
            let trace = tracer.in_span("runaway request", |cx| {
                for i in 0..RUNAWAY_CHILDREN {
                    tracer.in_span("runaway child", |cx| {
                        cx.span().set_attribute(KeyValue::new("i", i as i64));
                    });
                }
                cx.span().span_context().trace_id()
            });
            done.store(true, Ordering::Relaxed);
            trace
        })
    };

    // Ordinary requests (a server span and two children each) for as long as the
    // runaway request runs, and at least 100.
    start.wait();
    let mut ordinary = HashSet::new();
    let mut requests = 0;
    while requests < 100 || !runaway_done.load(Ordering::Relaxed) {
        let trace = tracer.in_span("ordinary request", |cx| {
            tracer.in_span("query", |_| {});
            tracer.in_span("render", |_| {});
            cx.span().span_context().trace_id()
        });
        ordinary.insert(trace);
        requests += 1;
        std::thread::sleep(Duration::from_millis(1));
    }
    let runaway_trace = runaway.join().expect("runaway thread");
    provider.force_flush().expect("flush");

    let received = exporter.received.lock().expect("test lock");
    let ordinary_received = received
        .iter()
        .filter(|(trace, _)| ordinary.contains(trace))
        .count();
    let runaway_received = received
        .iter()
        .filter(|(trace, _)| *trace == runaway_trace)
        .count();
    assert_eq!(
        ordinary_received,
        3 * requests,
        "every span of the {requests} ordinary requests arrives ({} dropped for a full queue, {} over a trace's share)",
        stats.dropped_queue_full(),
        stats.dropped_over_trace_share()
    );
    let runaway_total = RUNAWAY_CHILDREN + 1;
    assert!(
        runaway_received < runaway_total,
        "the runaway trace was not cut: the exporter kept up, so the test proves nothing"
    );
    assert_eq!(
        stats.dropped_over_trace_share(),
        (runaway_total - runaway_received) as u64,
        "the runaway's excess is counted under its own reason"
    );
    assert_eq!(stats.dropped_queue_full(), 0, "the queue never filled");
    assert_eq!(
        stats.exported() + stats.dropped(),
        stats.ended(),
        "every span is accounted for"
    );

    // The same counts reach the meter provider, each under its own `error.type`.
    meter_provider.force_flush().expect("metrics flush");
    let mut points = processed_points(&metrics);
    points.sort();
    assert_eq!(
        points,
        [
            (None, stats.submitted()),
            (Some("queue_full".to_owned()), stats.dropped_queue_full()),
            (
                Some("trace_share_exceeded".to_owned()),
                stats.dropped_over_trace_share()
            ),
        ],
        "the runaway's excess is reported as trace_share_exceeded, not queue_full"
    );
    assert!(stats.dropped_over_trace_share() > 0);
    provider.shutdown().expect("shutdown");
    meter_provider.shutdown().expect("metrics shutdown");
}

#[test]
fn the_guard_can_be_turned_off_and_bad_shares_are_refused() {
    let settings = BatchSettings::SPAN_DEFAULTS
        .with_max_trace_share(100)
        .expect("100 %");
    assert_eq!(settings.max_spans_per_trace(), settings.max_queue_size);
    let exporter = SlowExporter::default();
    let processor = SpanQueueProcessor::new(
        exporter.clone(),
        BatchSettings {
            max_queue_size: 64,
            max_export_batch_size: 64,
            schedule_delay: Duration::from_secs(60),
            ..settings
        },
    );
    let stats = processor.stats();
    let provider = SdkTracerProvider::builder()
        .with_span_processor(processor)
        .build();
    let tracer = provider.tracer("explosion");
    tracer.in_span("root", |_| {
        for _ in 0..63 {
            tracer.in_span("child", |_| {});
        }
    });
    provider.force_flush().expect("flush");
    assert_eq!(stats.dropped(), 0, "off: one trace may fill the queue");
    assert_eq!(exporter.received.lock().expect("test lock").len(), 64);
    for bad in [0, 101, 255] {
        assert!(
            BatchSettings::SPAN_DEFAULTS.with_max_trace_share(bad).is_err(),
            "{bad}"
        );
    }
}
