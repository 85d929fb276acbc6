//! The per-test harness and the assertion API, including what failures say.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::logs::Severity;
use opentelemetry::trace::{Link, Span as _, SpanKind, Status, TraceContextExt, Tracer, TracerProvider as _};
use otel_kit_testing::{AttributeValue, TestTelemetry};
use tracing::Instrument as _;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

/// Runs `f`, expecting a panic, and returns its message.
fn failure(f: impl FnOnce()) -> String {
    let err = catch_unwind(AssertUnwindSafe(f)).expect_err("the assertion should have failed");
    err.downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[tracing::instrument(fields(otel.kind = "server", http.response.status_code))]
fn handle(user_id: i64, name: &str) {
    tracing::Span::current().record("http.response.status_code", 200_i64);
    tracing::info!(cache_hit = true, "loaded user");
    load(user_id);
}

#[tracing::instrument]
fn load(user_id: i64) {
    tracing::warn!("slow query");
}

#[test]
fn tracing_spans_and_logs_land_in_the_harness_with_types() {
    let t = TestTelemetry::new();
    t.in_scope(|| handle(7, "ann"));

    let spans = t.spans();
    spans.assert_count(2).assert_single_trace().assert_tree(
        "
        handle
          load
        ",
    );
    let handle = spans.span("handle");
    handle
        .has_kind(SpanKind::Server)
        .has_attribute("user_id", 7)
        .has_attribute("name", "ann")
        .has_attribute("http.response.status_code", 200)
        .has_status_unset()
        .is_root()
        .has_scope_name(otel_kit_testing::TRACING_SCOPE)
        .has_resource_attribute("service.name", "otel-kit-testing");
    spans
        .span("load")
        .has_parent(&handle)
        .is_in_same_trace_as(&handle)
        .has_kind(SpanKind::Internal);

    let logs = t.logs();
    logs.assert_count(2);
    logs.record("loaded user")
        .has_severity(Severity::Info)
        .has_attribute("cache_hit", true)
        .is_in_span(&handle)
        .has_resource_attribute("service.name", "otel-kit-testing");
    logs.record("slow query")
        .has_severity(Severity::Warn)
        .is_in_span(&spans.span("load"));
}

#[test]
fn typed_attributes_never_match_across_types() {
    let t = TestTelemetry::new();
    t.tracer("typed").in_span("s", |cx| {
        cx.span().set_attribute(KeyValue::new("code", "200"));
        cx.span().set_attribute(KeyValue::new("ratio", 0.5));
        cx.span().set_attribute(KeyValue::new(
            "tags",
            opentelemetry::Value::Array(vec![opentelemetry::StringValue::from("a"), "b".into()].into()),
        ));
    });
    let spans = t.spans();
    let s = spans.span("s");
    s.has_attribute("code", "200")
        .has_attribute("ratio", 0.5)
        .has_attribute("tags", vec!["a", "b"]);

    let msg = failure(|| {
        s.has_attribute("code", 200);
    });
    assert!(msg.contains("span \"s\": attribute \"code\""), "{msg}");
    assert!(msg.contains("expected: Int(200) (int)"), "{msg}");
    assert!(msg.contains("actual:   String(\"200\") (string)"), "{msg}");
    assert!(msg.contains("span tree:"), "{msg}");
    assert_eq!(s.attribute("ratio"), Some(&AttributeValue::Double(0.5)));
}

#[test]
fn failure_messages_list_what_exists() {
    let t = TestTelemetry::new();
    let tracer = t.tracer("t");
    tracer.in_span("root", |_| tracer.in_span("child", |_| {}));
    let spans = t.spans();

    let msg = failure(|| {
        spans.span("missing");
    });
    assert!(msg.contains("no span named \"missing\""), "{msg}");
    assert!(msg.contains("[\"child\", \"root\"]"), "{msg}");
    // The tree shows nesting: child is indented under root.
    let span_line = |name: &str| {
        msg.lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")) && l.ends_with('|'))
            .unwrap_or_else(|| panic!("{name} in the waterfall: {msg}"))
    };
    let (root_line, child_line) = (span_line("root"), span_line("child"));
    let indent = |l: &str| l.len() - l.trim_start().len();
    assert!(indent(child_line) > indent(root_line), "{msg}");

    let msg = failure(|| {
        spans.span("child").is_root();
    });
    assert!(msg.contains("expected: no parent"), "{msg}");

    let msg = failure(|| {
        spans.span("root").has_kind(SpanKind::Client);
    });
    assert!(
        msg.contains("expected: Client") && msg.contains("actual:   Internal"),
        "{msg}"
    );

    let msg = failure(|| {
        spans
            .span("root")
            .lacks_attribute("nothing")
            .has_attribute_key("absent.key");
    });
    assert!(msg.contains("absent; attributes are []"), "{msg}");
}

#[test]
fn tree_shape_ignores_end_order_but_not_structure() {
    let t = TestTelemetry::new();
    let tracer = t.tracer("t");
    tracer.in_span("root", |_| {
        tracer.in_span("b", |_| tracer.in_span("b1", |_| {}));
        tracer.in_span("a", |_| {});
    });
    tracer.in_span("other-root", |_| {});
    let spans = t.spans();
    // Siblings and roots in any order.
    spans.assert_tree(
        "
        other-root
        root
          a
          b
            b1
        ",
    );
    let msg = failure(|| {
        spans.assert_tree("root\n  a\n  b1\n  b\nother-root\n");
    });
    assert!(
        msg.contains("span tree does not have the expected shape"),
        "{msg}"
    );
    assert!(msg.contains("expected: \n"), "{msg}");

    let msg = failure(|| {
        spans.assert_tree("root\n  a\n");
    });
    assert!(msg.contains("other-root"), "the actual shape is printed: {msg}");
}

#[test]
fn status_events_links_and_scope() {
    let t = TestTelemetry::new();
    let tracer = t.tracer_provider().tracer_with_scope(
        opentelemetry::InstrumentationScope::builder("my-lib")
            .with_version("1.2.3")
            .build(),
    );
    let first = tracer.in_span("first", |cx| cx.span().span_context().clone());
    let mut span = tracer
        .span_builder("second")
        .with_kind(SpanKind::Consumer)
        .with_links(vec![Link::with_context(first.clone())])
        .start(&tracer);
    use opentelemetry::trace::Span as _;
    span.add_event("retry", vec![KeyValue::new("attempt", 2)]);
    span.set_status(Status::error("boom"));
    span.end();

    let spans = t.spans();
    let second = spans.span("second");
    second
        .has_kind(SpanKind::Consumer)
        .is_error()
        .has_error_description("boom")
        .has_event("retry")
        .has_event_with_attribute("retry", "attempt", 2)
        .has_event_count(1)
        .has_link_to(&spans.span("first"))
        .has_link_count(1)
        .has_scope_name("my-lib")
        .has_scope_version("1.2.3");
    assert_eq!(second.trace_id.len(), 32);
    assert_ne!(
        second.trace_id,
        first.trace_id().to_string(),
        "a link does not make a parent"
    );
    let msg = failure(|| {
        second.has_event_with_attribute("retry", "attempt", "2");
    });
    assert!(msg.contains("retry with attempt = String(\"2\")"), "{msg}");
}

#[test]
fn harnesses_in_parallel_threads_do_not_see_each_other() {
    let handles: Vec<_> = (0..8)
        .map(|i| {
            std::thread::spawn(move || {
                let t = TestTelemetry::new();
                for _ in 0..50 {
                    t.in_scope(|| {
                        tracing::info_span!("work", worker = i).in_scope(|| tracing::info!("tick"))
                    });
                }
                let spans = t.spans();
                spans.assert_count(50);
                for s in &spans {
                    assert_eq!(s.attribute("worker"), Some(&AttributeValue::Int(i)));
                }
                t.logs().assert_count(50);
            })
        })
        .collect();
    for h in handles {
        h.join().expect("worker thread");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parent_child_across_spawned_tasks_and_wait_for_spans() {
    let t = TestTelemetry::new();
    let dispatch = t.dispatch().clone();
    let root = tracing::dispatcher::with_default(&dispatch, || tracing::info_span!("request"));
    let mut tasks = Vec::new();
    for i in 0..3 {
        let child =
            tracing::dispatcher::with_default(&dispatch, || tracing::info_span!(parent: &root, "job", n = i));
        let fut = async move {
            tokio::time::sleep(Duration::from_millis(5 * (3 - i))).await;
            tracing::info!("done");
        };
        // The task runs on any worker thread; the harness's dispatch travels with it.
        tasks.push(tokio::spawn(t.in_scope_async(fut.instrument(child))));
    }
    drop(root);
    for task in tasks {
        task.await.expect("task");
    }
    let spans = t.wait_for_spans(4, Duration::from_secs(5)).await;
    spans.assert_tree(
        "
        request
          job
          job
          job
        ",
    );
    let request = spans.span("request");
    for job in spans.named("job") {
        job.has_parent(&request);
    }
    assert_eq!(t.logs().len(), 3);
}

#[tokio::test]
async fn wait_for_spans_times_out_with_the_spans_it_saw() {
    let t = TestTelemetry::new();
    t.tracer("t").in_span("only", |_| {});
    let msg = panic_message_of(t.wait_for_spans(2, Duration::from_millis(50))).await;
    assert!(
        msg.contains("expected at least 2 spans") && msg.contains("only"),
        "{msg}"
    );
}

/// Polls a future to completion and returns the message it panicked with.
async fn panic_message_of<F: std::future::Future>(f: F) -> String {
    use std::pin::pin;
    use std::task::Poll;
    let mut f = pin!(f);
    std::future::poll_fn(
        |cx| match catch_unwind(AssertUnwindSafe(|| f.as_mut().poll(cx))) {
            Ok(Poll::Ready(_)) => panic!("the future should have panicked"),
            Ok(Poll::Pending) => Poll::Pending,
            Err(e) => Poll::Ready(e.downcast_ref::<String>().cloned().unwrap_or_default()),
        },
    )
    .await
}

#[test]
fn metrics_counters_histograms_and_reset() {
    let t = TestTelemetry::new();
    let meter = t.meter("shop");
    let orders = meter
        .u64_counter("orders")
        .with_unit("{order}")
        .with_description("Orders placed")
        .build();
    let duration = meter
        .f64_histogram("op.duration")
        .with_unit("s")
        .with_boundaries(vec![0.005, 0.01, 0.1, 1.0])
        .build();
    let inflight = meter.i64_up_down_counter("inflight").build();
    let temp = meter.f64_gauge("temperature").build();

    orders.add(2, &[KeyValue::new("status", "ok")]);
    orders.add(1, &[KeyValue::new("status", "ok")]);
    orders.add(1, &[KeyValue::new("status", "failed")]);
    duration.record(0.002, &[KeyValue::new("http.response.status_code", 200)]);
    duration.record(0.05, &[KeyValue::new("http.response.status_code", 200)]);
    inflight.add(3, &[]);
    inflight.add(-1, &[]);
    temp.record(21.5, &[]);

    let m = t.metrics();
    m.metric("orders")
        .has_unit("{order}")
        .has_description("Orders placed")
        .has_scope_name("shop")
        .is_counter()
        .has_point_count(2)
        .point(&[("status", "ok".into())])
        .has_value(3);
    m.metric("orders")
        .point(&[("status", "failed".into())])
        .has_value(1);
    m.metric("op.duration")
        .is_histogram()
        .histogram_point(&[("http.response.status_code", 200.into())])
        .has_count(2)
        .has_sum(0.052)
        .has_min_max(0.002, 0.05)
        .has_bucket_boundaries(&[0.005, 0.01, 0.1, 1.0])
        .has_bucket_counts(&[1, 0, 1, 0, 0]);
    m.metric("inflight").is_up_down_counter().point(&[]).has_value(2);
    m.metric("temperature").is_gauge().point(&[]).has_value(21.5);

    // Values accumulate across reads, like a cumulative exporter would report them.
    orders.add(4, &[KeyValue::new("status", "ok")]);
    t.metrics()
        .metric("orders")
        .point(&[("status", "ok".into())])
        .has_value(7);

    // A typed mismatch: a u64 counter holds integers, not floats; a string is not an int.
    let msg = failure(|| {
        m.metric("orders")
            .point(&[("status", "ok".into())])
            .has_value(3.0);
    });
    assert!(
        msg.contains("expected: Double(3.0)") && msg.contains("actual:   Int(3)"),
        "{msg}"
    );
    let msg = failure(|| {
        m.metric("op.duration")
            .histogram_point(&[("http.response.status_code", "200".into())]);
    });
    assert!(msg.contains("found 0"), "{msg}");
    let msg = failure(|| {
        m.metric("nope");
    });
    assert!(
        msg.contains("no metric named \"nope\"") && msg.contains("orders [sum"),
        "{msg}"
    );

    t.reset();
    assert!(t.spans().is_empty() && t.logs().is_empty());
    t.metrics().assert_absent("orders");
    orders.add(1, &[KeyValue::new("status", "ok")]);
    t.metrics().metric("orders").point(&[]).has_value(1);
}

#[test]
fn sampler_and_span_limits_are_configurable() {
    let t = TestTelemetry::builder()
        .service_name("checkout")
        .resource_attribute("deployment.environment.name", "test")
        .span_limits(opentelemetry_sdk::trace::SpanLimits {
            max_attributes_per_span: 1,
            ..Default::default()
        })
        .build();
    t.tracer("t").in_span("limited", |cx| {
        cx.span().set_attribute(KeyValue::new("a", 1));
        cx.span().set_attribute(KeyValue::new("b", 2));
    });
    let spans = t.spans();
    let s = spans.span("limited");
    s.has_resource_attribute("service.name", "checkout")
        .has_resource_attribute("deployment.environment.name", "test")
        .has_attribute("a", 1)
        .lacks_attribute("b");
    assert_eq!(s.dropped_attributes_count, 1);
}

#[test]
fn remote_parent_context_is_kept() {
    let t = TestTelemetry::new();
    let remote = opentelemetry::trace::SpanContext::new(
        opentelemetry::trace::TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").expect("hex"),
        opentelemetry::trace::SpanId::from_hex("00f067aa0ba902b7").expect("hex"),
        opentelemetry::trace::TraceFlags::SAMPLED,
        true,
        Default::default(),
    );
    let cx = opentelemetry::Context::new().with_remote_span_context(remote);
    t.in_scope(|| {
        let span = tracing::info_span!("server");
        let _ = span.set_parent(cx);
        span.in_scope(|| {});
    });
    t.spans()
        .span("server")
        .has_trace_id("4bf92f3577b34da6a3ce929d0e0e4736")
        .has_parent_span_id("00f067aa0ba902b7");
}

#[test]
fn histograms_keep_exemplars_of_sampled_spans_as_init_does() {
    use opentelemetry::trace::{Tracer as _, TracerProvider as _};

    let t = otel_kit_testing::TestTelemetry::new();
    let latency = t.meter("shop").f64_histogram("shop.latency").build();
    let tracer = t.tracer_provider().tracer("shop");
    tracer.in_span("pay", |_| latency.record(0.2, &[]));
    latency.record(0.3, &[]); // outside any span: no exemplar
    let spans = t.spans();
    let metrics = t.metrics();
    let point = metrics.metric("shop.latency").histogram_point(&[]);
    point.has_exemplar_in(&spans.span("pay"));
    assert_eq!(
        point.record().exemplars.len(),
        1,
        "{:?}",
        point.record().exemplars
    );

    // A later collection keeps what it has and adds the new period's.
    tracer.in_span("refund", |_| latency.record(900.0, &[]));
    let spans = t.spans();
    let metrics = t.metrics();
    let point = metrics.metric("shop.latency").histogram_point(&[]);
    point.has_exemplar_in(&spans.span("refund"));
    assert_eq!(point.record().count, 3);
}

#[test]
fn lacks_attributes_under_names_what_it_found() {
    use opentelemetry::metrics::MeterProvider as _;

    let t = TestTelemetry::new();
    let tracer = t.tracer("t");
    tracer
        .span_builder("pay")
        .with_attributes([KeyValue::new("network.peer.port", 5432_i64)])
        .start(&tracer)
        .end();
    let latency = t.meter_provider().meter("t").f64_histogram("t.latency").build();
    latency.record(1.0, &[KeyValue::new("network.peer.address", "10.0.0.1")]);
    let sent = t.meter_provider().meter("t").u64_counter("t.sent").build();
    sent.add(1, &[KeyValue::new("network.peer.address", "10.0.0.1")]);

    let spans = t.spans();
    let metrics = t.metrics();
    spans.span("pay").lacks_attributes_under("server.");
    metrics
        .metric("t.latency")
        .histogram_point(&[])
        .lacks_attributes_under("server.");
    metrics
        .metric("t.sent")
        .point(&[])
        .lacks_attributes_under("server.");

    let msg = failure(|| {
        spans.span("pay").lacks_attributes_under("network.peer.");
    });
    assert!(msg.contains("network.peer.port"), "{msg}");
    let msg = failure(|| {
        metrics
            .metric("t.latency")
            .histogram_point(&[])
            .lacks_attributes_under("network.");
    });
    assert!(msg.contains("network.peer.address"), "{msg}");
    let msg = failure(|| {
        metrics
            .metric("t.sent")
            .point(&[])
            .lacks_attributes_under("network.peer.address");
    });
    assert!(msg.contains("network.peer.address"), "{msg}");
}
