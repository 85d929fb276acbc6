//! The Java agent's switches, end to end through otel-kit-init's `init()` (each test in its
//! own process: `init()` sets the globals the layers read): header capture and known
//! methods from the environment over a real axum round trip, secrets never captured,
//! and `OTEL_INSTRUMENTATION_<NAME>_ENABLED` turning one instrumentation off while the
//! trace still flows through it.

use axum::Router;
use axum::routing::any;
use opentelemetry::trace::{SpanKind, TraceContextExt as _, Tracer as _, TracerProvider as _};
use opentelemetry::{Context, Value, context::FutureExt as _};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SimpleSpanProcessor, SpanData};
use otel_kit_http::{ClientMiddleware, ServerLayer};

use crate::support::server::serve;

/// `init()` over exactly these variables, exporting nothing, its spans kept in memory.
pub(crate) fn init(variables: &[(&str, &str)]) -> (otel_kit_init::Telemetry, InMemorySpanExporter) {
    let spans = InMemorySpanExporter::default();
    let telemetry = otel_kit_init::builder()
        .service_name("switches")
        .environment_variables(variables.iter().copied())
        .exporter(otel_kit_init::Exporter::None)
        .without_tracing_subscriber()
        .with_span_processor(SimpleSpanProcessor::new(spans.clone()))
        .init()
        .expect("init");
    (telemetry, spans)
}

fn client() -> reqwest_middleware::ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(reqwest::Client::builder().no_proxy().build().expect("client"))
        .with(ClientMiddleware::default())
        .build()
}

pub(crate) fn strings(value: &'static str) -> Value {
    Value::Array(opentelemetry::Array::String(vec![value.into()]))
}

pub(crate) fn attribute(span: &SpanData, key: &str) -> Option<Value> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| kv.value.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_capture_and_known_methods_from_the_environment_and_a_disabled_client() {
    if otel_kit_testing::ran_alone(
        "java_switches::server_capture_and_known_methods_from_the_environment_and_a_disabled_client",
    ) {
        return;
    }
    let (telemetry, spans) = init(&[
        (
            "OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS",
            "x-tenant, authorization, cookie",
        ),
        (
            "OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_RESPONSE_HEADERS",
            "x-served-by,set-cookie",
        ),
        ("OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS", "GET,PURGE"),
        ("OTEL_INSTRUMENTATION_REQWEST_ENABLED", "false"),
    ]);
    assert!(telemetry.warnings().is_empty(), "{:?}", telemetry.warnings());
    let app = Router::new()
        .route(
            "/items",
            any(|| async {
                (
                    [("x-served-by", "node-7"), ("set-cookie", "session=s3cret")],
                    "ok",
                )
            }),
        )
        .layer(ServerLayer::new());
    let base = serve(app).await;
    let client = client();
    let outer = telemetry.tracer_provider().tracer("test").start("outer");
    let cx = Context::current_with_span(outer);
    let outer_trace = cx.span().span_context().trace_id();
    for method in ["GET", "POST", "PURGE"] {
        let response = client
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
                format!("{base}/items"),
            )
            .header("x-tenant", "acme")
            .header("authorization", "Bearer s3cret")
            .header("cookie", "session=s3cret")
            .send()
            .with_context(cx.clone())
            .await
            .expect("response");
        assert_eq!(response.status(), 200);
    }
    cx.span().end();
    telemetry.force_flush().expect("flush");
    let finished = spans.get_finished_spans().expect("spans");
    let servers: Vec<&SpanData> = finished
        .iter()
        .filter(|s| s.span_kind == SpanKind::Server)
        .collect();
    assert_eq!(servers.len(), 3, "{finished:#?}");
    assert!(
        finished.iter().all(|s| s.span_kind != SpanKind::Client),
        "the disabled reqwest middleware made spans: {finished:#?}"
    );
    let methods: Vec<Option<Value>> = servers
        .iter()
        .map(|s| attribute(s, "http.request.method"))
        .collect();
    assert_eq!(
        methods,
        [Some("GET".into()), Some("_OTHER".into()), Some("PURGE".into())],
        "the list replaces the default"
    );
    for server in &servers {
        // The trace flowed through the disabled client.
        assert_eq!(server.span_context.trace_id(), outer_trace);
        assert_eq!(
            attribute(server, "http.request.header.x-tenant"),
            Some(strings("acme"))
        );
        assert_eq!(
            attribute(server, "http.response.header.x-served-by"),
            Some(strings("node-7"))
        );
        for secret in [
            "http.request.header.authorization",
            "http.request.header.cookie",
            "http.response.header.set-cookie",
        ] {
            assert_eq!(attribute(server, secret), None, "{secret} captured");
        }
        assert!(!format!("{server:?}").contains("s3cret"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_instrumentations_switched_on_when_the_common_default_is_off() {
    if otel_kit_testing::ran_alone(
        "java_switches::only_the_instrumentations_switched_on_when_the_common_default_is_off",
    ) {
        return;
    }
    let (telemetry, spans) = init(&[
        ("OTEL_INSTRUMENTATION_COMMON_DEFAULT_ENABLED", "false"),
        ("OTEL_INSTRUMENTATION_REQWEST_ENABLED", "true"),
        (
            "OTEL_INSTRUMENTATION_HTTP_CLIENT_CAPTURE_RESPONSE_HEADERS",
            "x-request-id,set-cookie",
        ),
    ]);
    let app = Router::new()
        .route(
            "/items",
            any(|| async { ([("x-request-id", "r-42"), ("set-cookie", "session=s3cret")], "ok") }),
        )
        .layer(ServerLayer::new());
    let base = serve(app).await;
    let response = client()
        .get(format!("{base}/items"))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    telemetry.force_flush().expect("flush");
    let finished = spans.get_finished_spans().expect("spans");
    assert_eq!(finished.len(), 1, "only the client's span: {finished:#?}");
    let span = &finished[0];
    assert_eq!(span.span_kind, SpanKind::Client);
    assert_eq!(
        attribute(span, "http.response.header.x-request-id"),
        Some(strings("r-42"))
    );
    assert_eq!(attribute(span, "http.response.header.set-cookie"), None);
}
