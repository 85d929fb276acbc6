//! The resolver's unit tests: the given providers and propagator used, the globals' copy
//! resolved again when they change or grow old, one copy per configuration per thread.

use std::sync::atomic::{AtomicUsize, Ordering};

use opentelemetry::logs::Severity;
use opentelemetry::metrics::Counter;
use opentelemetry::trace::{Span as _, Tracer as _};
use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};

use super::*;
use crate::log_events::LogEvent;

struct Counting {
    calls: Counter<u64>,
}

impl Instruments for Counting {
    fn scope() -> InstrumentationScope {
        InstrumentationScope::builder("resolver-test").build()
    }

    fn new(meter: Meter) -> Self {
        Self {
            calls: meter.u64_counter("calls").build(),
        }
    }

    crate::__private::instruments_cache!(Counting);
}

/// Built only by `given_providers_receive_the_spans_and_measurements`, so its count
/// is that test's alone while the other tests run in parallel.
static ONCE_BUILT: AtomicUsize = AtomicUsize::new(0);

struct CountedOnce(Counting);

impl Instruments for CountedOnce {
    fn scope() -> InstrumentationScope {
        Counting::scope()
    }

    fn new(meter: Meter) -> Self {
        ONCE_BUILT.fetch_add(1, Ordering::Relaxed);
        Self(Counting::new(meter))
    }

    crate::__private::instruments_cache!(CountedOnce);
}

#[test]
fn given_providers_receive_the_spans_and_measurements() {
    let spans = InMemorySpanExporter::default();
    let tracer_provider = SdkTracerProvider::builder()
        .with_simple_exporter(spans.clone())
        .build();
    let metrics = InMemoryMetricExporter::default();
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(metrics.clone()).build())
        .build();
    let logs = InMemoryLogExporter::default();
    let logger_provider = SdkLoggerProvider::builder()
        .with_simple_exporter(logs.clone())
        .build();
    let resolver = Resolver::<CountedOnce>::new(
        Providers::new()
            .tracer_provider(tracer_provider.clone())
            .meter_provider(meter_provider.clone())
            .propagator(TraceContextPropagator::new())
            .logger_provider(logger_provider),
    );
    for _ in 0..3 {
        let clone = resolver.clone();
        std::thread::spawn(move || {
            clone.with(Some(Instant::now()), |resolved| {
                resolved.tracer().start("given").end();
                resolved.instruments().0.calls.add(1, &[]);
                let logger = resolved.logger().expect("the given logger provider");
                LogEvent::new("given.event", Severity::Info).emit(logger, &Context::new());
            });
        })
        .join()
        .expect("thread");
    }
    assert_eq!(
        ONCE_BUILT.load(Ordering::Relaxed),
        1,
        "complete providers resolve once, whatever the thread"
    );
    tracer_provider.force_flush().expect("flush");
    meter_provider.force_flush().expect("flush");
    assert_eq!(spans.get_finished_spans().expect("spans").len(), 3);
    assert_eq!(logs.get_emitted_logs().expect("logs").len(), 3);
    assert!(!metrics.get_finished_metrics().expect("metrics").is_empty());
}

#[test]
fn the_given_propagator_reads_and_writes_headers() {
    let resolver = Resolver::<Counting>::new(Providers::new().propagator(TraceContextPropagator::new()));
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "traceparent",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
            .parse()
            .expect("value"),
    );
    let cx = resolver
        .with(None, |resolved| resolved.incoming_context(&headers))
        .expect("a traceparent header, read by the given propagator");
    let mut out = std::collections::HashMap::new();
    resolver.with(None, |resolved| resolved.inject(&cx, &mut out));
    assert_eq!(
        out.get("traceparent"),
        headers
            .get("traceparent")
            .and_then(|v| v.to_str().ok())
            .map(String::from)
            .as_ref()
    );
}

#[test]
fn a_change_of_the_globals_is_resolved_at_the_next_request_without_the_clock() {
    let resolver = Resolver::<Counting>::new(Providers::new());
    std::thread::spawn(move || {
        let first = resolver.with(None, |resolved| resolved.generation);
        // No clock reading, no change: the same copy.
        assert_eq!(resolver.with(None, |resolved| resolved.generation), first);
        crate::globals_changed();
        let second = resolver.with(None, |resolved| resolved.generation);
        assert_ne!(second, first, "resolved again after globals_changed");
        assert_eq!(
            resolver.with(Some(Instant::now()), |resolved| resolved.generation),
            second
        );
    })
    .join()
    .expect("thread");
}

#[test]
fn a_copy_is_resolved_again_once_older_than_the_refresh_interval() {
    let resolver = Resolver::<Counting>::new(Providers::new());
    std::thread::spawn(move || {
        let resolved_at = |now: Instant| resolver.with(Some(now), |resolved| resolved.stale_after);
        // Another test that changes the globals meanwhile also makes a copy stale:
        // the sequence counts only when the generation held throughout it.
        for _ in 0..100 {
            let generation = crate::globals_generation::current();
            let start = Instant::now() + REFRESH * 10;
            let first = resolved_at(start);
            // Up to the interval itself, the same copy.
            let at_interval = resolved_at(start + REFRESH);
            let later = start + REFRESH + Duration::from_millis(1);
            let after_it = resolved_at(later);
            // A caller that reads no clock never makes it stale by age.
            let unclocked = resolver.with(None, |resolved| resolved.stale_after);
            if crate::globals_generation::current() != generation {
                continue;
            }
            assert_eq!(first, start.checked_add(REFRESH), "resolved at the new time");
            assert_eq!(at_interval, first);
            assert_eq!(after_it, later.checked_add(REFRESH), "resolved again");
            assert_eq!(unclocked, after_it);
            return;
        }
        panic!("the globals changed during every attempt");
    })
    .join()
    .expect("thread");
}

#[test]
fn a_thread_keeps_one_copy_per_configuration() {
    let a = Resolver::<Counting>::new(Providers::new().propagator(TraceContextPropagator::new()));
    let b = Resolver::<Counting>::new(Providers::new());
    std::thread::spawn(move || {
        for _ in 0..5 {
            a.with(None, |_| ());
            b.with(None, |_| ());
        }
        Counting::cache().with(|cache| assert_eq!(cache.entries.borrow().len(), 2));
    })
    .join()
    .expect("thread");
}
