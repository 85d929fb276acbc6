//! Exception events through a real tonic server and channel (docs/errors.md): a call the
//! channel fails (connection refused) and a call the service below the server layer
//! fails are each one exception event in their span; a handler's `Err(Status)` is a
//! response with a status, no exception.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::FutureExt as _;
use opentelemetry::logs::Severity;
use opentelemetry::trace::{SpanKind, Status as SpanStatus};
use otel_kit_grpc::ServerLayer;
use otel_kit_testing::{Conformance, Logs, TestTelemetry};
use tonic::Code;
use tonic::transport::Server;

use crate::support::pb::echo_client::EchoClient;
use crate::support::pb::echo_server::EchoServer;
use crate::support::{EchoImpl, client_layer, endpoint, msg, traced_channel, wait_for_calls};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn exception_events(logs: &Logs) -> usize {
    logs.as_slice()
        .iter()
        .filter(|r| r.event_name.ends_with(".exception"))
        .count()
}

fn conforms(t: &TestTelemetry) {
    Conformance::semconv()
        .check_spans(&t.spans())
        .check_logs(&t.logs())
        .report()
        .assert_conforms();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_the_channel_fails_is_one_client_exception_event() {
    let t = TestTelemetry::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let mut client = EchoClient::new(traced_channel(addr, client_layer(addr).providers(t.providers())));
    let status = client.unary(msg("hello", 0)).await.expect_err("nobody listens");
    assert_eq!(status.code(), Code::Unavailable);

    let spans = wait_for_calls(&t, 1).await;
    let span = spans
        .span_where("client", |s| s.kind == SpanKind::Client)
        .is_error()
        .has_attribute("rpc.status_code", "UNAVAILABLE")
        .has_attribute("error.type", "UNAVAILABLE");
    let logs = t.logs();
    assert_eq!(exception_events(&logs), 1, "{}", logs.listing());
    let event = logs
        .event("rpc.client.call.exception")
        .has_severity(Severity::Warn)
        .has_attribute("exception.type", "tonic::transport::error::Error")
        .is_in_span(&span);
    // The transport error's own text is only "transport error": its causes follow, and
    // the span's status description is the same message.
    let message = event
        .record()
        .attribute("exception.message")
        .and_then(|v| v.as_str())
        .expect("exception.message")
        .to_owned();
    assert!(
        message.starts_with("transport error: ") && message.contains("refused"),
        "{message}"
    );
    assert_eq!(
        span.record().status,
        SpanStatus::error(message.clone()),
        "the description is the exception's message"
    );
    conforms(&t);
}

/// The error of the service below the server layer: the ledger it needs is down.
#[derive(Debug)]
struct LedgerDown;

impl std::fmt::Display for LedgerDown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ledger unreachable")
    }
}

impl std::error::Error for LedgerDown {}

/// Below the server layer: fails every call whose metadata says `x-ledger: down`.
#[derive(Clone)]
struct Ledger<S>(S);

impl<S> tower::Layer<S> for LedgerLayer {
    type Service = Ledger<S>;

    fn layer(&self, inner: S) -> Ledger<S> {
        Ledger(inner)
    }
}

#[derive(Clone)]
struct LedgerLayer;

impl<S, B> tower::Service<http::Request<B>> for Ledger<S>
where
    S: tower::Service<http::Request<B>>,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.0.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        if request.headers().get("x-ledger").is_some_and(|v| v == "down") {
            return async { Err(Box::new(LedgerDown) as BoxError) }.boxed();
        }
        self.0
            .call(request)
            .map(|result| result.map_err(Into::into))
            .boxed()
    }
}

async fn serve_with_ledger(layer: ServerLayer) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let incoming = tonic::transport::server::TcpIncoming::from(listener);
    tokio::spawn(async move {
        Server::builder()
            .layer(tower::ServiceBuilder::new().layer(layer).layer(LedgerLayer))
            .add_service(EchoServer::new(EchoImpl))
            .serve_with_incoming(incoming)
            .await
            .expect("serve");
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_the_service_returns_is_one_server_exception_event() {
    let t = TestTelemetry::new();
    let addr = serve_with_ledger(ServerLayer::new().providers(t.providers())).await;
    // An untraced client: only the server's telemetry is under test.
    let mut client = EchoClient::new(endpoint(addr).connect_lazy());
    let mut request = tonic::Request::new(msg("pay", 1));
    request
        .metadata_mut()
        .insert("x-ledger", "down".parse().expect("value"));
    client.unary(request).await.expect_err("the service failed");

    let spans = wait_for_calls(&t, 1).await;
    let span = spans
        .span_where("server", |s| s.kind == SpanKind::Server)
        .is_error()
        .has_error_description("ledger unreachable")
        .has_attribute("rpc.status_code", "UNKNOWN")
        .has_attribute("error.type", "_OTHER");
    let logs = t.logs();
    assert_eq!(exception_events(&logs), 1, "{}", logs.listing());
    logs.event("rpc.server.call.exception")
        .has_severity(Severity::Error)
        // The service's error type is a box: an application's type behind it is not
        // known to the layer, so the box is what is named.
        .has_attribute("exception.type", std::any::type_name::<BoxError>())
        .has_attribute("exception.message", "ledger unreachable")
        .is_in_span(&span);
    conforms(&t);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_the_handler_returns_is_no_exception_on_either_side() {
    let t = TestTelemetry::new();
    let addr = serve_with_ledger(ServerLayer::new().providers(t.providers())).await;
    let mut client = EchoClient::new(traced_channel(addr, client_layer(addr).providers(t.providers())));
    for (text, code) in [("internal", Code::Internal), ("not-found", Code::NotFound)] {
        let status = client.unary(msg(text, 0)).await.expect_err("an error status");
        assert_eq!(status.code(), code);
    }

    let spans = wait_for_calls(&t, 4).await;
    spans
        .span_where("an INTERNAL server span", |s| {
            s.kind == SpanKind::Server
                && s.attribute("error.type").and_then(|v| v.as_str()) == Some("INTERNAL")
        })
        .is_error();
    let logs = t.logs();
    assert_eq!(
        exception_events(&logs),
        0,
        "a status is the call's answer: {}",
        logs.listing()
    );
    conforms(&t);
}
