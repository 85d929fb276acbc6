//! Global mode: one harness at a time receives what the global providers and the global
//! `tracing` dispatcher produce, from any thread. The exact counts run alone in a child
//! process: in this binary, the collector's tests run HTTP/2 (h2 emits `tracing` spans
//! and events) on threads of their own, which the global dispatcher would hand to the
//! installed harness.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use opentelemetry::global;
use opentelemetry::trace::Tracer as _;
use otel_kit_testing::{AttributeValue, TestTelemetry, alone};

static INSIDE: AtomicUsize = AtomicUsize::new(0);

fn run_global_test(id: i64) {
    let t = TestTelemetry::new().install_global();
    // No other global test may be inside this section at the same time.
    assert_eq!(
        INSIDE.fetch_add(1, Ordering::SeqCst),
        0,
        "two global harnesses overlapped"
    );
    for _ in 0..20 {
        global::tracer("lib").in_span("global-api", |_| {});
        std::thread::spawn(move || tracing::info_span!("from-thread", id).in_scope(|| tracing::info!("hi")))
            .join()
            .expect("thread");
        std::thread::sleep(Duration::from_micros(200));
    }
    let counter = global::meter("lib").u64_counter("calls").build();
    counter.add(5, &[]);
    INSIDE.fetch_sub(1, Ordering::SeqCst);

    let spans = t.spans();
    spans.assert_count(40);
    for s in spans.named("from-thread") {
        s.has_attribute("id", AttributeValue::Int(id));
    }
    t.logs().assert_count(20);
    t.metrics().metric("calls").point(&[]).has_value(5);
}

#[test]
fn global_harnesses_never_interleave() {
    alone("global::global_harnesses_never_interleave", || {
        let threads: Vec<_> = (0..4)
            .map(|i| std::thread::spawn(move || run_global_test(i)))
            .collect();
        for t in threads {
            t.join().expect("global test thread");
        }
    });
}

#[test]
fn a_panicking_global_test_releases_the_lock() {
    let result = std::thread::spawn(|| {
        let _t = TestTelemetry::new().install_global();
        panic!("test failure inside global mode");
    })
    .join();
    assert!(result.is_err());
    // The next global harness gets in, and the propagator is installed for it.
    let t = TestTelemetry::new().install_global();
    let mut carrier = std::collections::HashMap::new();
    global::tracer("lib").in_span("outgoing", |cx| {
        global::get_text_map_propagator(|p| p.inject_context(&cx, &mut carrier));
    });
    assert!(carrier.contains_key("traceparent"));
    t.spans().span("outgoing");
}
