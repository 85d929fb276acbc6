//! What the gRPC conventions 1.45 ask that a layer could leave out or get wrong: the
//! client's `server.address` / `server.port` (Required) from the URI the layer is made
//! with, its `network.peer.*` when that host is an IP address, the server's
//! `rpc.method` at span start (where samplers see it) with an unknown method corrected
//! to `_OTHER` at the end, and a client call its caller drops as a `CANCELLED` error.
//! Each test runs the registry check over what it recorded.

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use crate::support::pb::Msg;
use crate::support::pb::echo_client::EchoClient;
use crate::support::pb::echo_server::EchoServer;
use crate::support::{
    EchoImpl, assert_conforms, client_layer, msg, port, serve, traced_channel, wait_for_calls,
};
use opentelemetry::KeyValue;
use opentelemetry::trace::{Link, SpanKind, TraceId, TraceState};
use opentelemetry_sdk::trace::{SamplingDecision, SamplingResult, ShouldSample};
use otel_kit_grpc::{ClientLayer, PeerServices, ServerLayer};
use otel_kit_testing::TestTelemetry;
use tonic::Code;
use tonic::server::NamedService;
use tonic::transport::{Endpoint, Server};
use tower::{Layer as _, ServiceExt as _};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_layer_made_the_documented_way_records_its_server_and_peer_service() {
    let t = TestTelemetry::new();
    let addr = serve(ServerLayer::new().providers(t.providers())).await;
    let services = PeerServices::new()
        .map(&format!("127.0.0.1:{}", addr.port()), "echo-backend")
        .expect("entry");
    // As the guide builds it: the layer is made from the endpoint's URI.
    let endpoint = Endpoint::from_shared(format!("http://127.0.0.1:{}", addr.port())).expect("endpoint");
    let channel = tower::ServiceBuilder::new()
        .layer(ClientLayer::new(endpoint.uri()).providers(t.providers().peer_services(services)))
        .service(endpoint.connect_lazy());
    EchoClient::new(channel)
        .unary(msg("hello", 1))
        .await
        .expect("call");

    let spans = wait_for_calls(&t, 2).await;
    spans
        .span_where("client", |s| s.kind == SpanKind::Client)
        .has_attribute("server.address", "127.0.0.1")
        .has_attribute("server.port", port(addr))
        .has_attribute("server.service.name", "echo-backend");
    t.metrics()
        .metric("rpc.client.call.duration")
        .histogram_point(&[
            ("rpc.method", "otel.test.Echo/Unary".into()),
            ("server.address", "127.0.0.1".into()),
            ("server.port", port(addr).into()),
        ])
        .has_count(1);
    assert_conforms(&t);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ip_address_target_is_the_peer_and_a_host_name_is_not() {
    let t = TestTelemetry::new();
    let addr = serve(ServerLayer::new().providers(t.providers())).await;
    for host in ["127.0.0.1", "localhost"] {
        let endpoint = Endpoint::from_shared(format!("http://{host}:{}", addr.port())).expect("endpoint");
        let channel = tower::ServiceBuilder::new()
            .layer(ClientLayer::new(endpoint.uri()).providers(t.providers()))
            .service(endpoint.connect_lazy());
        EchoClient::new(channel).unary(msg(host, 1)).await.expect("call");
    }

    let spans = wait_for_calls(&t, 4).await;
    let client = |host: &'static str| {
        spans.span_where(host, move |s| {
            s.kind == SpanKind::Client && s.attribute("server.address") == Some(&host.into())
        })
    };
    client("127.0.0.1")
        .has_attribute("server.port", port(addr))
        .has_attribute("network.peer.address", "127.0.0.1")
        .has_attribute("network.peer.port", port(addr));
    // Which address `localhost` resolved to is the connection's, which tonic keeps.
    client("localhost")
        .has_attribute("server.port", port(addr))
        .lacks_attribute("network.peer.address")
        .lacks_attribute("network.peer.port");
    // A span attribute, not a metric one.
    let metrics = t.metrics();
    metrics
        .metric("rpc.client.call.duration")
        .histogram_point(&[("server.address", "127.0.0.1".into())])
        .lacks_attributes_under("network.peer.");
    assert_conforms(&t);
}

/// A channel stand-in answering every call `OK`, trailers-only.
fn answers_ok() -> impl tower::Service<
    http::Request<String>,
    Response = http::Response<String>,
    Error = Infallible,
    Future = impl Send,
> + Clone {
    tower::service_fn(|_: http::Request<String>| async {
        Ok::<_, Infallible>(
            http::Response::builder()
                .header("content-type", "application/grpc")
                .header("grpc-status", "0")
                .body(String::new())
                .expect("response"),
        )
    })
}

#[tokio::test]
async fn an_ipv6_target_and_a_request_authority() {
    let t = TestTelemetry::new();
    let target: http::Uri = "http://[::1]:50051".parse().expect("uri");
    let layer = ClientLayer::new(&target).providers(t.providers());
    // A bare path, as tonic's clients send: the target's server.
    let bare = http::Request::post("/shop.Orders/Get")
        .body(String::new())
        .expect("request");
    layer.layer(answers_ok()).oneshot(bare).await.expect("call");
    // A request URI with an authority goes there: it wins over the target.
    let routed = http::Request::post("http://10.0.0.9:7000/shop.Orders/Put")
        .body(String::new())
        .expect("request");
    layer.layer(answers_ok()).oneshot(routed).await.expect("call");

    let spans = t.spans();
    spans
        .span("shop.Orders/Get")
        .has_attribute("server.address", "::1")
        .has_attribute("server.port", 50051)
        .has_attribute("network.peer.address", "::1")
        .has_attribute("network.peer.port", 50051);
    spans
        .span("shop.Orders/Put")
        .has_attribute("server.address", "10.0.0.9")
        .has_attribute("server.port", 7000)
        .has_attribute("network.peer.address", "10.0.0.9")
        .has_attribute("network.peer.port", 7000);
    assert_conforms(&t);
}

/// A SERVER span's name and the `rpc.method` it started with.
type Started = (String, Option<String>);

/// A sampler that samples everything and keeps, for each SERVER span, the name and the
/// `rpc.method` it started with, as a sampler choosing by method reads them.
#[derive(Debug, Clone, Default)]
struct SeenAtStart(Arc<Mutex<Vec<Started>>>);

impl SeenAtStart {
    fn method_of(&self, name: &str) -> Option<Option<String>> {
        let seen = self.0.lock().expect("lock");
        seen.iter()
            .find(|(seen_name, _)| seen_name == name)
            .map(|(_, method)| method.clone())
    }
}

impl ShouldSample for SeenAtStart {
    fn should_sample(
        &self,
        _parent: Option<&opentelemetry::Context>,
        _trace_id: TraceId,
        name: &str,
        kind: &SpanKind,
        attributes: &[KeyValue],
        _links: &[Link],
    ) -> SamplingResult {
        if *kind == SpanKind::Server {
            let method = attributes
                .iter()
                .find(|kv| kv.key.as_str() == "rpc.method")
                .map(|kv| kv.value.to_string());
            self.0.lock().expect("lock").push((name.to_owned(), method));
        }
        SamplingResult {
            decision: SamplingDecision::RecordAndSample,
            attributes: Vec::new(),
            trace_state: TraceState::default(),
        }
    }
}

/// A service no other test calls, so that its methods are new to the process: every
/// call ends `OK` at once (trailers-only, no message).
#[derive(Debug, Clone)]
struct Fresh;

impl NamedService for Fresh {
    const NAME: &'static str = "otel.test.Fresh";
}

impl tower::Service<http::Request<tonic::body::Body>> for Fresh {
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: http::Request<tonic::body::Body>) -> Self::Future {
        ready(Ok(http::Response::builder()
            .header("content-type", "application/grpc")
            .header("grpc-status", "0")
            .body(tonic::body::Body::empty())
            .expect("response")))
    }
}

/// Calls `path` as a server-streaming call through a traced channel to `addr`.
async fn call(
    addr: std::net::SocketAddr,
    t: &TestTelemetry,
    path: &'static str,
) -> Result<(), tonic::Status> {
    let mut grpc =
        tonic::client::Grpc::new(traced_channel(addr, client_layer(addr).providers(t.providers())));
    grpc.ready().await.expect("ready");
    let codec = tonic_prost::ProstCodec::<Msg, Msg>::default();
    let mut stream = grpc
        .server_streaming(
            tonic::Request::new(msg("x", 0)),
            http::uri::PathAndQuery::from_static(path),
            codec,
        )
        .await?
        .into_inner();
    while stream.message().await?.is_some() {}
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn samplers_see_the_method_of_the_first_call_and_an_unknown_one_ends_as_other() {
    let seen = SeenAtStart::default();
    let t = TestTelemetry::builder().sampler(seen.clone()).build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let incoming = tonic::transport::server::TcpIncoming::from(listener);
    let layer = ServerLayer::new().providers(t.providers());
    tokio::spawn(async move {
        Server::builder()
            .layer(layer)
            .add_service(Fresh)
            .add_service(EchoServer::new(EchoImpl))
            .serve_with_incoming(incoming)
            .await
            .expect("serve");
    });

    // The first call this process makes to the method, through a new layer.
    call(addr, &t, "/otel.test.Fresh/FirstCall").await.expect("call");
    // A method of a served service that its server does not have.
    let status = call(addr, &t, "/otel.test.Echo/NeverServed")
        .await
        .expect_err("unimplemented");
    assert_eq!(status.code(), Code::Unimplemented);

    let spans = wait_for_calls(&t, 4).await;
    // At span start: the name and `rpc.method`, whether or not the method exists.
    for method in ["otel.test.Fresh/FirstCall", "otel.test.Echo/NeverServed"] {
        assert_eq!(
            seen.method_of(method),
            Some(Some(method.to_owned())),
            "{:?}",
            seen.0.lock().expect("lock")
        );
    }
    let server = |method: &'static str| {
        spans.span_where(method, move |s| {
            s.kind == SpanKind::Server
                && (s.name == method || s.attribute("rpc.method_original") == Some(&method.into()))
        })
    };
    server("otel.test.Fresh/FirstCall")
        .has_attribute("rpc.method", "otel.test.Fresh/FirstCall")
        .lacks_attribute("rpc.method_original")
        .has_attribute("rpc.status_code", "OK");
    // Answered UNIMPLEMENTED: corrected when the call ended, once (the last value of
    // the key the span was given twice).
    let unknown = server("otel.test.Echo/NeverServed");
    unknown
        .has_attribute("rpc.method", "_OTHER")
        .has_attribute("rpc.method_original", "otel.test.Echo/NeverServed")
        .has_attribute("error.type", "UNIMPLEMENTED")
        .is_error();
    assert_eq!(unknown.record().name, "grpc");
    let methods = unknown
        .record()
        .attributes
        .iter()
        .filter(|(key, _)| key == "rpc.method")
        .count();
    assert_eq!(methods, 1, "{:?}", unknown.record());
    let metrics = t.metrics();
    let durations = metrics.metric("rpc.server.call.duration");
    durations
        .histogram_point(&[
            ("rpc.method", "_OTHER".into()),
            ("rpc.status_code", "UNIMPLEMENTED".into()),
        ])
        .has_count(1);
    durations
        .histogram_point(&[("rpc.method", "otel.test.Fresh/FirstCall".into())])
        .has_count(1);
    assert_conforms(&t);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_its_caller_drops_is_a_cancelled_error_on_the_client_only() {
    let t = TestTelemetry::new();
    let addr = serve(ServerLayer::new().providers(t.providers())).await;
    let mut echo = EchoClient::new(traced_channel(addr, client_layer(addr).providers(t.providers())));
    // No deadline: the caller gives up (a timeout around the call drops its future), a
    // second into the handler's two: on a loaded machine the request can take longer
    // than 100 ms to reach the handler, and a call dropped before that is the server's
    // "missing request message", another case.
    let given_up = tokio::time::timeout(Duration::from_secs(1), echo.unary(msg("slow", 0))).await;
    assert!(given_up.is_err(), "the handler takes 2 s");

    let spans = wait_for_calls(&t, 2).await;
    spans
        .span_where("client", |s| s.kind == SpanKind::Client)
        .has_attribute("rpc.status_code", "CANCELLED")
        .has_attribute("error.type", "CANCELLED")
        .is_error();
    // The client going away is not the server's failure.
    spans
        .span_where("server", |s| s.kind == SpanKind::Server)
        .has_attribute("rpc.status_code", "CANCELLED")
        .lacks_attribute("error.type")
        .has_status_unset();
    t.metrics()
        .metric("rpc.client.call.duration")
        .histogram_point(&[
            ("rpc.status_code", "CANCELLED".into()),
            ("error.type", "CANCELLED".into()),
        ])
        .has_count(1);
    assert_conforms(&t);
}
