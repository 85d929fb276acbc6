//! `Conformance` finds each kind of nonconformance it claims to, on data recorded
//! through the SDK, and passes what conforms.

use opentelemetry::KeyValue;
use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _};
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{Span as _, SpanKind, Status, Tracer as _, TracerProvider as _};
use otel_kit_testing::{Conformance, TestTelemetry};

fn problems(t: &TestTelemetry) -> Vec<String> {
    let report = Conformance::semconv()
        .custom_namespace("shop")
        .check_spans(&t.spans())
        .check_metrics(&t.metrics())
        .check_logs(&t.logs())
        .report();
    println!("{report}");
    report.violations().iter().map(ToString::to_string).collect()
}

#[test]
fn a_conforming_http_server_span_and_its_metric_pass() {
    let t = TestTelemetry::new();
    let tracer = t.tracer_provider().tracer("app");
    let mut span = tracer
        .span_builder("GET /orders/{id}")
        .with_kind(SpanKind::Server)
        .with_attributes([
            KeyValue::new("http.request.method", "GET"),
            KeyValue::new("url.path", "/orders/7"),
            KeyValue::new("url.scheme", "https"),
            KeyValue::new("http.route", "/orders/{id}"),
            KeyValue::new("http.response.status_code", 500_i64),
            KeyValue::new("error.type", "500"),
            KeyValue::new("shop.order.id", 7_i64),
        ])
        .start(&tracer);
    span.set_status(Status::error("boom"));
    span.end();
    t.meter_provider()
        .meter("app")
        .f64_histogram("http.server.request.duration")
        .with_unit("s")
        .build()
        .record(
            0.01,
            &[
                KeyValue::new("http.request.method", "GET"),
                KeyValue::new("url.scheme", "https"),
            ],
        );
    assert_eq!(problems(&t), Vec::<String>::new());
}

#[test]
fn each_kind_of_nonconformance_is_found() {
    let t = TestTelemetry::new();
    let tracer = t.tracer_provider().tracer("app");
    let mut span = tracer
        .span_builder("GET")
        .with_kind(SpanKind::Server)
        .with_attributes([
            // Missing the Required url.path and url.scheme.
            KeyValue::new("http.request.method", "FETCH"),
            KeyValue::new("http.method", "GET"),
            KeyValue::new("http.response.status_code", "200"),
            KeyValue::new("order_id", 7_i64),
        ])
        .start(&tracer);
    // An error without error.type.
    span.set_status(Status::error("boom"));
    span.end();
    let meter = t.meter_provider().meter("app");
    meter
        .f64_histogram("http.client.request.duration")
        .with_unit("ms")
        .build()
        .record(12.0, &[]);
    meter.u64_counter("orders_total").build().add(1, &[]);
    let logger = t.logger_provider().logger("app");
    let mut record = logger.create_log_record();
    record.set_event_name("order.placed");
    record.set_body("placed".into());
    logger.emit(record);

    let found = problems(&t);
    let expected = [
        r#"span "GET" (Server): http.request.method: "FETCH" is not one of its members"#,
        r#"span "GET" (Server): http.method: deprecated (renamed:http.request.method)"#,
        r#"span "GET" (Server): http.response.status_code: string value, the registry says int"#,
        r#"span "GET" (Server): order_id: not in the registry (and not in a custom namespace)"#,
        r#"span "GET" (Server): url.path: Required by span.http.server, missing"#,
        r#"span "GET" (Server): url.scheme: Required by span.http.server, missing"#,
        r#"span "GET" (Server): error.type: Conditionally Required here by span.http.server, missing"#,
        r#"metric http.client.request.duration: unit "ms", the registry says "s""#,
        r#"metric http.client.request.duration: http.request.method: Required by http.client.request.duration, missing"#,
        r#"metric orders_total: not in the registry (and not in a custom namespace)"#,
        r#"log "placed": event name "order.placed": not a registered event"#,
    ];
    for problem in expected {
        assert!(
            found.iter().any(|f| f == problem),
            "not found: {problem}\nfound:\n{}",
            found.join("\n")
        );
    }
}

/// Starts and ends a span `name` of `kind` with `attributes`.
fn ended(t: &TestTelemetry, name: &'static str, kind: SpanKind, attributes: Vec<KeyValue>) {
    let tracer = t.tracer_provider().tracer("app");
    tracer
        .span_builder(name)
        .with_kind(kind)
        .with_attributes(attributes)
        .start(&tracer)
        .end();
}

#[test]
fn kinds_names_messaging_own_attributes_deprecated_members_and_exceptions_are_checked() {
    let t = TestTelemetry::new();
    let tracer = t.tracer_provider().tracer("app");
    // An HTTP server span named after its raw path, of the wrong kind for a client.
    ended(
        &t,
        "GET /orders/7",
        SpanKind::Server,
        vec![
            KeyValue::new("http.request.method", "GET"),
            KeyValue::new("url.path", "/orders/7"),
            KeyValue::new("url.scheme", "https"),
            KeyValue::new("http.route", "/orders/{id}"),
        ],
    );
    // A DB span of kind INTERNAL.
    ended(
        &t,
        "SELECT orders",
        SpanKind::Internal,
        vec![
            KeyValue::new("db.system.name", "postgresql"),
            KeyValue::new("db.query.summary", "SELECT orders"),
        ],
    );
    // A messaging span: no operation name, a deprecated operation type, a process span
    // of kind PRODUCER, named after the raw subject although a template is known.
    ended(
        &t,
        "process orders.7",
        SpanKind::Producer,
        vec![
            KeyValue::new("messaging.system.name", "rabbitmq"),
            KeyValue::new("messaging.operation.type", "deliver"),
            KeyValue::new("messaging.destination.name", "orders.7"),
            KeyValue::new("messaging.destination.template", "orders.{id}"),
        ],
    );
    // An exception event that names no exception.
    let mut span = tracer.span_builder("shop.work").start(&tracer);
    span.add_event(
        "exception",
        vec![KeyValue::new("exception.stacktrace", "at main")],
    );
    span.end();
    // A duration carrying an attribute registered for spans only.
    t.meter_provider()
        .meter("app")
        .f64_histogram("http.server.request.duration")
        .with_unit("s")
        .build()
        .record(
            0.01,
            &[
                KeyValue::new("http.request.method", "GET"),
                KeyValue::new("url.scheme", "https"),
                KeyValue::new("url.full", "https://shop.example/orders/7"),
            ],
        );
    // A domain exception log event without either.
    let logger = t.logger_provider().logger("app");
    let mut record = logger.create_log_record();
    record.set_event_name("http.client.request.exception");
    record.add_attribute("exception.stacktrace", "at main");
    logger.emit(record);

    let found = problems(&t);
    let expected = [
        r#"span "GET /orders/7" (Server): span name: {method} {target}, else {method} gives "GET /orders/{id}""#,
        r#"span "SELECT orders" (Internal): span kind Internal: its group's spans are CLIENT"#,
        r#"span "process orders.7" (Producer): messaging.operation.type: "deliver" is a deprecated member (renamed:process)"#,
        r#"span "process orders.7" (Producer): messaging.operation.name: Required by span.messaging.rabbitmq.send.producer, missing"#,
        r#"span "shop.work" (Internal) event "exception": exception.type or exception.message: one is Required by exception, both missing"#,
        r#"metric http.server.request.duration: url.full: not an attribute of http.server.request.duration"#,
        r#"log record (http.client.request.exception): exception.type or exception.message: one is Required by http.client.request.exception, both missing"#,
    ];
    for problem in expected {
        assert!(
            found.iter().any(|f| f == problem),
            "not found: {problem}\nfound:\n{}",
            found.join("\n")
        );
    }
    // With an operation name, the same process span is checked for its kind and name.
    let t = TestTelemetry::new();
    ended(
        &t,
        "process orders.7",
        SpanKind::Producer,
        vec![
            KeyValue::new("messaging.system.name", "rabbitmq"),
            KeyValue::new("messaging.operation.name", "process"),
            KeyValue::new("messaging.operation.type", "process"),
            KeyValue::new("messaging.destination.name", "orders.7"),
            KeyValue::new("messaging.destination.template", "orders.{id}"),
        ],
    );
    let found = problems(&t);
    let expected = [
        r#"span "process orders.7" (Producer): span kind Producer: a process span is CONSUMER"#,
        r#"span "process orders.7" (Producer): span name: {messaging.operation.name} {destination}, the destination's template when there is one gives "process orders.{id}""#,
    ];
    assert_eq!(found, expected, "found:\n{}", found.join("\n"));
}

/// The kit's `tokio.*` runtime metrics pass as its own namespace; the process metrics
/// are judged by the registry, so a misspelled one, a wrong unit or instrument, or a
/// missing required attribute is still found.
#[test]
fn the_kits_tokio_namespace_passes_and_process_metrics_are_still_checked() {
    let t = TestTelemetry::new();
    let meter = t.meter_provider().meter("otel-kit-init");
    let runtime = [KeyValue::new("tokio.runtime.name", "main")];
    meter
        .i64_up_down_counter("tokio.worker.count")
        .with_unit("{thread}")
        .build()
        .add(2, &runtime);
    let user = [KeyValue::new("cpu.mode", "user")];
    meter
        .f64_counter("process.cpu.time")
        .with_unit("s")
        .build()
        .add(1.5, &user);
    meter
        .i64_up_down_counter("process.thread.count")
        .with_unit("{thread}")
        .build()
        .add(4, &[]);
    let report = Conformance::semconv().check_metrics(&t.metrics()).report();
    report.assert_conforms();

    let t = TestTelemetry::new();
    let meter = t.meter_provider().meter("otel-kit-init");
    meter
        .i64_up_down_counter("process.threads.count")
        .with_unit("{thread}")
        .build()
        .add(4, &[]);
    meter
        .f64_counter("process.cpu.time")
        .with_unit("ms")
        .build()
        .add(1.5, &[]);
    meter
        .i64_up_down_counter("process.memory.usage")
        .with_unit("By")
        .build()
        .add(1, &[KeyValue::new("tokio.runtime.name", "main")]);
    meter
        .u64_counter("process.uptime")
        .with_unit("s")
        .build()
        .add(1, &[]);
    let found: Vec<String> = Conformance::semconv()
        .check_metrics(&t.metrics())
        .report()
        .violations()
        .iter()
        .map(ToString::to_string)
        .collect();
    let text = found.join("\n");
    for expected in [
        "process.threads.count",
        "process.cpu.time",
        "cpu.mode",
        "process.uptime",
    ] {
        assert!(text.contains(expected), "{expected} not found in:\n{text}");
    }
    assert!(found.len() >= 4, "{text}");
}

/// A metric in a custom namespace is not looked up in the registry, but its name and
/// unit still follow the naming guidance: no `_total`, no unit in the name, UCUM units.
#[test]
fn custom_metrics_follow_the_naming_guidance() {
    let t = TestTelemetry::new();
    let meter = t.meter_provider().meter("app");
    meter
        .u64_counter("shop.orders.placed")
        .with_unit("{order}")
        .build()
        .add(1, &[]);
    meter
        .f64_counter("shop.payment.amount")
        .with_unit("{USD}")
        .build()
        .add(9.5, &[]);
    meter
        .f64_histogram("shop.checkout.duration")
        .with_unit("s")
        .build()
        .record(0.1, &[]);
    assert_eq!(problems(&t), Vec::<String>::new());

    let t = TestTelemetry::new();
    let meter = t.meter_provider().meter("app");
    meter
        .u64_counter("shop.orders_total")
        .with_unit("{order}")
        .build()
        .add(1, &[]);
    meter
        .f64_histogram("shop.checkout.latency_ms")
        .with_unit("ms")
        .build()
        .record(1.0, &[]);
    meter
        .f64_histogram("shop.step.duration")
        .with_unit("seconds")
        .build()
        .record(1.0, &[]);
    meter
        .u64_counter("shop.Refunds")
        .with_unit("{refund}")
        .build()
        .add(1, &[]);
    let text = problems(&t).join("\n");
    for expected in [
        "metric shop.orders_total: name: drop `_total`",
        "metric shop.checkout.latency_ms: name: drop the unit \"ms\"",
        "metric shop.step.duration: unit \"seconds\": not UCUM: write \"s\"",
        "metric shop.Refunds: name: segment \"Refunds\"",
    ] {
        assert!(text.contains(expected), "{expected} not found in:\n{text}");
    }
}

/// A name new in 1.45, whose type the generated package does not give, is listed as
/// not checked, never a violation; a name 1.45 shares with 1.44 keeps 1.44's type, so a
/// wrong type on it is still one.
#[test]
fn a_1_45_name_of_unknown_type_is_listed_and_a_shared_name_keeps_its_type() {
    let t = TestTelemetry::new();
    ended(
        &t,
        "shop.Cart/Get",
        SpanKind::Client,
        vec![
            KeyValue::new("rpc.system.name", "grpc"),
            KeyValue::new("rpc.method", "shop.Cart/Get"),
            // New in 1.45 (replaces rpc.response.status_code): type unknown here.
            KeyValue::new("rpc.status_code", "OK"),
            // In 1.44 and 1.45: an int; a string is a violation.
            KeyValue::new("server.port", "443"),
            KeyValue::new("server.address", "cart.internal"),
        ],
    );
    let report = Conformance::semconv().check_spans(&t.spans()).report();
    println!("{report}");
    assert!(
        report
            .unknown_facts()
            .iter()
            .any(|f| f == "rpc.status_code: its type"),
        "{:?}",
        report.unknown_facts()
    );
    let violations: Vec<String> = report.violations().iter().map(ToString::to_string).collect();
    assert!(
        !violations.iter().any(|v| v.contains("rpc.status_code")),
        "{violations:?}"
    );
    assert!(
        violations.iter().any(|v| v.contains("server.port")),
        "{violations:?}"
    );
}
