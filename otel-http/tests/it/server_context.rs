//! Context propagation through the server layer: the caller's `traceparent`, `tracing`
//! spans and logs in handlers, excluded routes, malformed headers, many concurrent
//! requests on a multi-threaded runtime, and the caller's baggage dropped on a public
//! endpoint.

use std::time::Duration;

use crate::support::server::{PARENT, TRACE, current_trace_id, serve, traceparent};
use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use otel_kit_http::ServerLayer;
use otel_kit_testing::TestTelemetry;

const WAIT: Duration = Duration::from_secs(5);

#[tracing::instrument]
async fn load_user(id: i64) -> String {
    // Across an await point: the task may resume on another worker thread.
    tokio::time::sleep(Duration::from_millis(5)).await;
    tracing::info!("user loaded");
    format!("user-{id}")
}

async fn user(Path(id): Path<i64>) -> String {
    tracing::info!("handling user");
    tokio::task::yield_now().await;
    load_user(id).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn handler_tracing_spans_and_logs_are_children_of_the_server_span() {
    let t = TestTelemetry::new().install_global();
    let base = serve(
        Router::new()
            .route("/users/{id}", get(user))
            .layer(ServerLayer::new()),
    )
    .await;
    let body = reqwest::Client::new()
        .get(format!("{base}/users/7"))
        .header("traceparent", traceparent(TRACE, PARENT))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    assert_eq!(body, "user-7");

    let spans = t.wait_for_spans(2, WAIT).await;
    spans.assert_single_trace().assert_tree(
        "
        GET /users/{id}
          load_user
        ",
    );
    let server = spans
        .span("GET /users/{id}")
        .has_trace_id(TRACE)
        .has_parent_span_id(PARENT);
    let load = spans.span("load_user").has_parent(&server);
    let logs = t.logs();
    logs.record("handling user").is_in_span(&server);
    logs.record("user loaded").is_in_span(&load);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn excluded_routes_have_no_telemetry_but_keep_the_incoming_context() {
    let t = TestTelemetry::new().install_global();
    let probe = || async {
        let seen = current_trace_id();
        tracing::info_span!("probe-work").in_scope(|| {});
        seen
    };
    let app = Router::new()
        .route("/health", get(probe))
        .route("/internal/stats", get(probe))
        .route("/users/{id}", get(user))
        .layer(ServerLayer::new().exclude_prefix("/internal/"));
    let base = serve(app).await;
    let client = reqwest::Client::new();
    for path in ["/health", "/internal/stats"] {
        let seen = client
            .get(format!("{base}{path}"))
            .header("traceparent", traceparent(TRACE, PARENT))
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("body");
        assert_eq!(seen, TRACE, "{path}: the handler runs in the caller's context");
    }

    let spans = t.wait_for_spans(2, WAIT).await;
    // Only the handlers' own spans, children of the caller's span: no server span.
    spans.assert_count(2);
    for span in spans.named("probe-work") {
        span.has_trace_id(TRACE).has_parent_span_id(PARENT);
    }
    t.metrics().assert_absent("http.server.request.duration");

    // A non-excluded request in the same app is traced.
    client
        .get(format!("{base}/users/1"))
        .send()
        .await
        .expect("request");
    t.wait_for_spans(4, WAIT).await.span("GET /users/{id}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_traceparent_starts_a_new_trace() {
    let t = TestTelemetry::new().install_global();
    let base = serve(
        Router::new()
            .route("/users/{id}", get(user))
            .layer(ServerLayer::new()),
    )
    .await;
    let response = reqwest::Client::new()
        .get(format!("{base}/users/3"))
        .header("traceparent", "00-not-a-trace-id-01")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200, "still served");

    let spans = t.wait_for_spans(2, WAIT).await;
    let server = spans.span("GET /users/{id}").is_root();
    spans.span("load_user").has_parent(&server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_never_mix_traces() {
    const N: usize = 50;
    let t = TestTelemetry::new().install_global();
    let handler = |Path(id): Path<i64>| async move {
        let before = current_trace_id();
        // Interleave with the other requests, possibly moving between workers.
        tokio::time::sleep(Duration::from_millis(20 + (id as u64 % 7) * 3)).await;
        let after = current_trace_id();
        load_user(id).await;
        format!("{before} {after}")
    };
    let base = serve(
        Router::new()
            .route("/work/{id}", get(handler))
            .layer(ServerLayer::new()),
    )
    .await;
    let client = reqwest::Client::new();
    let trace_of = |i: usize| format!("{:032x}", 0xabc0_0000 + i);
    let requests = (0..N).map(|i| {
        let request = client
            .get(format!("{base}/work/{i}"))
            .header("traceparent", traceparent(&trace_of(i), PARENT));
        async move { request.send().await.expect("request").text().await.expect("body") }
    });
    let bodies = futures_join_all(requests).await;
    for (i, body) in bodies.iter().enumerate() {
        assert_eq!(
            body,
            &format!("{0} {0}", trace_of(i)),
            "request {i} saw another trace"
        );
    }

    let spans = t.wait_for_spans(2 * N, WAIT).await;
    spans.assert_count(2 * N);
    for i in 0..N {
        let trace = trace_of(i);
        let in_trace = spans.in_trace(&trace);
        in_trace.assert_count(2);
        let server = in_trace
            .span("GET /work/{id}")
            .has_parent_span_id(PARENT)
            .has_attribute("url.path", format!("/work/{i}"));
        in_trace
            .span("load_user")
            .has_parent(&server)
            .has_attribute("id", i as i64);
    }
}

/// Runs the futures concurrently on the runtime (spawned, so they truly run in parallel).
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<String>
where
    F: std::future::Future<Output = String> + Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await.expect("task"));
    }
    out
}

/// What the handler's context holds: its trace id, then its baggage members sorted.
async fn trace_and_baggage() -> String {
    use opentelemetry::baggage::BaggageExt as _;
    let cx = opentelemetry::Context::current();
    let mut members: Vec<String> = cx
        .baggage()
        .iter()
        .map(|(key, (value, _))| format!("{key}={value}"))
        .collect();
    members.sort();
    format!("{} {}", current_trace_id(), members.join(","))
}

/// A client on the internet sets baggage a service may copy onto its spans
/// (docs/configuration.md "Baggage onto spans and logs", docs/reliability.md): on a
/// public endpoint none of it reaches the handler's context, the server span or an
/// excluded request's handler; on a trusted one (the default) all of it does, so the
/// test can tell.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_endpoint_drops_the_callers_baggage() {
    use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor};
    use otel_kit_init::baggage::{BaggageAllowList, BaggageSpanProcessor};

    let t = TestTelemetry::new();
    // As `init()` with OTEL_KIT_BAGGAGE_ATTRIBUTES=user.id,tenant: the members copied
    // from the server span's parent context onto it.
    let exporter = InMemorySpanExporter::default();
    let list = BaggageAllowList::new(["user.id", "tenant"]).expect("member names");
    let provider = SdkTracerProvider::builder()
        .with_span_processor(BaggageSpanProcessor::new(
            SimpleSpanProcessor::new(exporter.clone()),
            list,
        ))
        .build();
    let app = |public: bool| {
        let layer = ServerLayer::new()
            .providers(t.providers().tracer_provider(provider.clone()))
            .exclude_prefix("/internal/")
            .public_endpoint(public);
        Router::new()
            .route("/users/{id}", get(trace_and_baggage))
            .route("/internal/stats", get(trace_and_baggage))
            .layer(layer)
    };
    let trusted = serve(app(false)).await;
    let public = serve(app(true)).await;
    let client = reqwest::Client::builder().no_proxy().build().expect("client");
    let seen = async |url: String| {
        client
            .get(url)
            .header("traceparent", traceparent(TRACE, PARENT))
            .header("baggage", "user.id=42,tenant=acme")
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("body")
    };
    let none = opentelemetry::trace::TraceId::INVALID.to_string();

    // Trusted: the caller's trace and baggage, traced or excluded.
    assert_eq!(
        seen(format!("{trusted}/users/1")).await,
        format!("{TRACE} tenant=acme,user.id=42")
    );
    assert_eq!(
        seen(format!("{trusted}/internal/stats")).await,
        format!("{TRACE} tenant=acme,user.id=42")
    );
    // Public: a new trace without the baggage; an excluded request, no context at all.
    let traced = seen(format!("{public}/users/1")).await;
    let (trace, baggage) = traced.split_once(' ').expect("trace and baggage");
    assert!(trace != TRACE && trace != none, "a new trace: {traced}");
    assert_eq!(baggage, "", "the caller's baggage in the handler's context");
    assert_eq!(seen(format!("{public}/internal/stats")).await, format!("{none} "));

    // The server spans: the trusted one carries the members, the public one none.
    let spans = exporter.get_finished_spans().expect("spans");
    assert_eq!(spans.len(), 2, "the excluded requests have no span");
    let copied = |trace_id: &str| {
        let span = spans
            .iter()
            .find(|s| s.span_context.trace_id().to_string() == trace_id)
            .expect("a server span in that trace");
        let mut members: Vec<String> = span
            .attributes
            .iter()
            .filter(|kv| ["user.id", "tenant"].contains(&kv.key.as_str()))
            .map(|kv| format!("{}={}", kv.key, kv.value))
            .collect();
        members.sort();
        members
    };
    assert_eq!(copied(TRACE), ["tenant=acme", "user.id=42"]);
    assert_eq!(
        copied(trace),
        Vec::<String>::new(),
        "members copied on a public endpoint"
    );
}
