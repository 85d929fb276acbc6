//! Route exclusion: spans for health checks and similar endpoints are never sampled.

use opentelemetry::trace::{Span as _, TraceContextExt as _, Tracer as _};
use opentelemetry::{Context, KeyValue};
use otel_kit_sampling::Sampling;

use crate::pipeline::{Pipeline, harness, remote_parent, root, span};

#[test]
fn health_check_routes_are_dropped_and_other_routes_kept() {
    let t = harness(Sampling::ratio(1.0).excluding_health_checks());
    let tracer = t.tracer("routes");
    root(&tracer, "GET /health", &[("http.route", "/health")]);
    root(&tracer, "GET /users/{id}", &[("http.route", "/users/{id}")]);
    root(&tracer, "GET /healthz", &[("url.path", "/healthz")]);
    root(&tracer, "GET /users/7", &[("url.path", "/users/7")]);
    root(&tracer, "no route", &[]);
    for route in Sampling::DEFAULT_EXCLUDED_ROUTES {
        root(&tracer, &format!("route {route}"), &[("http.route", route)]);
        root(&tracer, &format!("path {route}"), &[("url.path", route)]);
    }

    let spans = t.spans();
    spans.assert_count(3);
    spans
        .span("GET /users/{id}")
        .has_attribute("http.route", "/users/{id}")
        .is_root();
    spans.span("GET /users/7").has_attribute("url.path", "/users/7");
    spans.span("no route").lacks_attribute("http.route");
}

#[test]
fn an_excluded_route_under_a_sampled_parent_is_dropped_with_its_children() {
    let pipeline = Pipeline::new(Sampling::default().excluding_health_checks());
    let tracer = pipeline.tracer();
    let upstream = remote_parent(7, true);

    let health = tracer
        .span_builder("GET /health")
        .with_attributes([KeyValue::new("http.route", "/health")])
        .start_with_context(&tracer, &upstream);
    assert!(!health.span_context().is_sampled());
    let inside_health = upstream.with_span(health);
    assert!(
        !span(&tracer, "db ping", &inside_health, &[]),
        "children follow the dropped span"
    );
    assert!(span(
        &tracer,
        "GET /users/{id}",
        &upstream,
        &[("http.route", "/users/{id}")]
    ));
    drop(inside_health);

    assert_eq!(pipeline.exported_names(), ["GET /users/{id}"]);
}

#[test]
fn excluded_routes_are_dropped_even_by_always_on() {
    let pipeline = Pipeline::new(Sampling::always_on().excluding_routes(["/ping"]));
    let tracer = pipeline.tracer();
    assert!(!span(
        &tracer,
        "ping",
        &remote_parent(1, true),
        &[("url.path", "/ping")]
    ));
    assert!(!span(
        &tracer,
        "ping",
        &remote_parent(2, false),
        &[("url.path", "/ping")]
    ));
    assert!(!root(&tracer, "ping", &[("http.route", "/ping")]));
    assert!(root(&tracer, "pong", &[("http.route", "/pong")]));
    assert_eq!(pipeline.exported_names(), ["pong"]);
}

#[test]
fn excluded_routes_do_not_use_up_the_rate_limit() {
    let t = harness(Sampling::rate_limited(1.0).excluding_health_checks());
    let tracer = t.tracer("routes");
    for _ in 0..10 {
        root(&tracer, "GET /health", &[("http.route", "/health")]);
    }
    assert!(root(&tracer, "first", &[("http.route", "/users/{id}")]));
    assert!(
        !root(&tracer, "second", &[("http.route", "/users/{id}")]),
        "the burst is one trace"
    );
    assert_eq!(t.spans().names(), ["first"]);
}

#[test]
fn added_routes_join_the_defaults_and_match_exactly() {
    let t = harness(
        Sampling::always_on()
            .excluding_health_checks()
            .excluding_routes(["/status"]),
    );
    let tracer = t.tracer("routes");
    let dropped = [
        ("http.route", "/status"),
        ("http.route", "/health"),
        ("url.path", "/metrics"),
    ];
    for (key, value) in dropped {
        assert!(!root(&tracer, value, &[(key, value)]), "{key}={value}");
    }
    let kept = [
        ("http.route", "/Health"),
        ("http.route", "/health/"),
        ("url.path", "/health?full=1"),
        ("url.path", "/api/health"),
        ("http.target", "/health"),
        ("url.full", "/health"),
    ];
    for (key, value) in kept {
        assert!(
            root(&tracer, &format!("{key}={value}"), &[(key, value)]),
            "{key}={value}"
        );
    }
    assert_eq!(t.spans().len(), kept.len());
}

#[test]
fn only_string_attributes_present_at_start_are_matched() {
    let t = harness(Sampling::default().excluding_health_checks());
    let tracer = t.tracer("routes");
    // Known only once the request is routed: too late for a sampling decision.
    let mut late = tracer.start("late route");
    late.set_attribute(KeyValue::new("http.route", "/health"));
    late.end();
    // A route that is not a string is not a route.
    let mut odd = tracer
        .span_builder("array route")
        .with_attributes([KeyValue::new(
            "http.route",
            opentelemetry::Value::Array(vec![opentelemetry::StringValue::from("/health")].into()),
        )])
        .start(&tracer);
    odd.end();

    let spans = t.spans();
    spans.assert_count(2);
    spans.span("late route").has_attribute("http.route", "/health");
    spans.span("array route").has_attribute_key("http.route");
}

#[test]
fn without_excluded_routes_health_checks_are_sampled() {
    let pipeline = Pipeline::new(Sampling::default());
    let tracer = pipeline.tracer();
    assert!(root(&tracer, "GET /health", &[("http.route", "/health")]));
    assert!(span(
        &tracer,
        "GET /health",
        &Context::new(),
        &[("url.path", "/health")]
    ));
    assert_eq!(pipeline.exported().len(), 2);
}
