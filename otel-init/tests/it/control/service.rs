//! Shared by the `control` tests: `init()` exporting to an in-process collector, and an
//! axum service whose middleware starts a SERVER span per request, as an HTTP
//! instrumentation would (otel-kit-http cannot be a dev-dependency of this crate: it has
//! this crate as one).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use opentelemetry::KeyValue;
use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry::trace::{
    FutureExt as _, SpanKind, TraceContextExt as _, Tracer as _, TracerProvider as _,
};
use opentelemetry_sdk::trace::SdkTracer;
use otel_kit_init::{Builder, Telemetry};
use otel_kit_propagators::{HeaderExtractor, Propagators};
use otel_kit_testing::{LogRecord, Protocol, Rotel, SpanRecord, TestCollector};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::support::env;

/// The attribute each request's span carries, from the `x-request-id` header, so a test
/// can tell which requests were exported.
const REQUEST_ID: &str = "test.request_id";

/// The target of the handler's own log lines.
pub(crate) const HANDLER_TARGET: &str = "control_it";

/// A caller that did not sample this trace (`traceparent` flag `00`).
pub(crate) const UNSAMPLED_CALLER: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
pub(crate) const CALLER_SPAN_ID: &str = "00f067aa0ba902b7";

/// The collector, the telemetry exporting to it, and the service.
pub(crate) struct Running {
    pub(crate) collector: TestCollector,
    pub(crate) telemetry: Telemetry,
    addr: SocketAddr,
    /// The real collector in between, when the test asked for one.
    _rotel: Option<Rotel>,
}

/// Starts the collector, `init()` with `configure`'s settings exporting to it (batches
/// every 50 ms, no metrics), and the service.
pub(crate) async fn running(configure: impl FnOnce(Builder) -> Builder) -> Running {
    start(configure, false).await
}

/// The same through rotel, a real collector, relaying to the in-process one; `None`
/// (saying so) without `TEST_OTLP_COLLECTOR_BIN`. What it exports arrives a moment after
/// a flush: wait for it ([`wait_until`]).
pub(crate) async fn running_through_rotel(configure: impl FnOnce(Builder) -> Builder) -> Option<Running> {
    if Rotel::binary_from_env().is_none() {
        eprintln!("skipped: TEST_OTLP_COLLECTOR_BIN is not set");
        return None;
    }
    Some(start(configure, true).await)
}

async fn start(configure: impl FnOnce(Builder) -> Builder, through_rotel: bool) -> Running {
    let collector = TestCollector::start().await.expect("collector");
    let rotel = through_rotel
        .then(Rotel::binary_from_env)
        .flatten()
        .map(|bin| Rotel::start(&bin, &collector, Protocol::Grpc).expect("start rotel"));
    let endpoint = rotel
        .as_ref()
        .map_or_else(|| collector.endpoint(), |rotel| rotel.endpoint("http/protobuf"));
    let builder = otel_kit_init::builder().environment(env(&[
        ("OTEL_SERVICE_NAME", "control-it"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
        ("OTEL_METRICS_EXPORTER", "none"),
        ("OTEL_BSP_SCHEDULE_DELAY", "50"),
        ("OTEL_BLRP_SCHEDULE_DELAY", "50"),
    ]));
    let telemetry = configure(builder).init().expect("init");
    let addr = serve(&telemetry).await;
    Running {
        collector,
        telemetry,
        addr,
        _rotel: rotel,
    }
}

impl Running {
    /// `GET path` with `x-request-id: id`; panics unless it succeeds.
    pub(crate) async fn get(&self, path: &str, id: &str) {
        self.send(path, id, None).await;
    }

    /// The same, as the continuation of the caller's `traceparent`.
    pub(crate) async fn get_from(&self, path: &str, id: &str, traceparent: &str) {
        self.send(path, id, Some(traceparent)).await;
    }

    /// The same with any other request headers (`tracestate`, say).
    pub(crate) async fn get_with(&self, path: &str, id: &str, headers: &[(&str, &str)]) {
        self.send_with(path, id, headers).await;
    }

    /// HTTP/1.1 by hand over a fresh connection: reqwest, built with this crate's
    /// `rustls-no-provider`, would need a process-wide TLS provider installed first.
    async fn send(&self, path: &str, id: &str, traceparent: Option<&str>) {
        let headers: Vec<(&str, &str)> = traceparent.map(|t| ("traceparent", t)).into_iter().collect();
        self.send_with(path, id, &headers).await;
    }

    async fn send_with(&self, path: &str, id: &str, headers: &[(&str, &str)]) {
        let mut request = format!(
            "GET {path} HTTP/1.1\r\nhost: {}\r\nx-request-id: {id}\r\n",
            self.addr
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("connection: close\r\n\r\n");
        let mut stream = TcpStream::connect(self.addr).await.expect("the service accepts");
        stream
            .write_all(request.as_bytes())
            .await
            .expect("send the request");
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .await
            .expect("read the response");
        assert!(response.starts_with("HTTP/1.1 200 "), "{path}: {response}");
    }

    /// Exports everything queued now (blocking, off the async workers).
    pub(crate) fn flush(&self) {
        tokio::task::block_in_place(|| self.telemetry.force_flush()).expect("flush");
    }

    /// The request ids of the spans exported so far, sorted.
    pub(crate) fn exported_requests(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .collector
            .spans()
            .iter()
            .filter_map(|s| {
                s.attribute(REQUEST_ID)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            })
            .collect();
        ids.sort();
        ids
    }

    /// The exported span of request `id`.
    pub(crate) fn span_of(&self, id: &str) -> SpanRecord {
        self.collector
            .spans()
            .iter()
            .find(|s| s.attribute(REQUEST_ID).and_then(|v| v.as_str()) == Some(id))
            .unwrap_or_else(|| panic!("no span exported for request {id}"))
            .clone()
    }

    /// The bodies of the log records exported so far.
    pub(crate) fn log_bodies(&self) -> Vec<String> {
        self.collector
            .logs()
            .as_slice()
            .iter()
            .filter_map(LogRecord::body_str)
            .map(str::to_owned)
            .collect()
    }

    /// Shuts the telemetry down off the async workers, which the collector needs.
    pub(crate) async fn finish(self) {
        let telemetry = self.telemetry;
        tokio::task::spawn_blocking(move || telemetry.shutdown())
            .await
            .expect("join")
            .expect("clean shutdown");
    }
}

/// Waits until `done` holds, at most `timeout`; panics naming `what` otherwise.
pub(crate) async fn wait_until(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within {timeout:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[derive(Clone)]
struct ServerSpans {
    tracer: SdkTracer,
    propagators: Propagators,
}

/// Serves `/work` (which logs a `debug` and an `info` line) and `/health` on a loopback
/// port; returns its address.
async fn serve(telemetry: &Telemetry) -> SocketAddr {
    let spans = ServerSpans {
        tracer: telemetry.tracer_provider().tracer("control-it"),
        propagators: telemetry.propagators().clone(),
    };
    let app = Router::new()
        .route("/work", get(work))
        .route("/health", get(|| async { "ok" }))
        .layer(middleware::from_fn_with_state(spans, server_span));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let addr = listener.local_addr().expect("its address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    addr
}

/// A SERVER span around the request, continuing the caller's trace, with the route and
/// path the sampler's route exclusion reads.
async fn server_span(State(spans): State<ServerSpans>, request: Request, next: Next) -> Response {
    let parent = spans.propagators.extract(&HeaderExtractor(request.headers()));
    let path = request.uri().path().to_owned();
    let span = spans
        .tracer
        .span_builder(format!("GET {path}"))
        .with_kind(SpanKind::Server)
        .with_attributes([
            KeyValue::new("http.route", path.clone()),
            KeyValue::new("url.path", path),
            KeyValue::new(REQUEST_ID, request_id(request.headers())),
        ])
        .start_with_context(&spans.tracer, &parent);
    let cx = parent.with_span(span);
    let response = next.run(request).with_context(cx.clone()).await;
    cx.span().end();
    response
}

async fn work(headers: HeaderMap) -> &'static str {
    let id = request_id(&headers);
    tracing::debug!(target: HANDLER_TARGET, "debug detail for {id}");
    tracing::info!(target: HANDLER_TARGET, "handled {id}");
    "done"
}

fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}
