//! Calls that do not simply succeed: deadlines, unknown methods, a server that is
//! down, malformed trace context; and the excluded health service.

use std::time::Duration;

use crate::support::health::HealthCheckRequest;
use crate::support::health::health_client::HealthClient;
use crate::support::pb::Msg;
use crate::support::pb::echo_client::EchoClient;
use crate::support::pb::echo_server::EchoServer;
use crate::support::{
    EchoImpl, client, client_layer, endpoint, msg, port, seconds, serve, traced_channel, wait_for_calls,
};
use opentelemetry::trace::SpanKind;
use otel_kit_grpc::ServerLayer;
use otel_kit_testing::TestTelemetry;
use tonic::Code;

/// Calls `path` with an Echo message through a traced channel, as a client whose
/// stub knows a method the server does not.
async fn call_path(addr: std::net::SocketAddr, path: &'static str) -> tonic::Status {
    let mut grpc = tonic::client::Grpc::new(traced_channel(addr, client_layer(addr)));
    grpc.ready().await.expect("ready");
    let codec = tonic_prost::ProstCodec::<Msg, Msg>::default();
    grpc.unary(
        tonic::Request::new(msg("x", 0)),
        http::uri::PathAndQuery::from_static(path),
        codec,
    )
    .await
    .expect_err("the server does not serve it")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadline_exceeded_on_both_sides() {
    let t = TestTelemetry::new().install_global();
    let addr = serve(ServerLayer::new()).await;
    let mut request = tonic::Request::new(msg("slow", 0));
    request.set_timeout(Duration::from_millis(100));
    let status = client(addr).unary(request).await.expect_err("times out");
    // tonic reports its own timeout as CANCELLED; the gRPC code for an expired
    // deadline is DEADLINE_EXCEEDED, which the spans record.
    assert!(matches!(status.code(), Code::Cancelled | Code::DeadlineExceeded));

    let spans = wait_for_calls(&t, 2).await;
    let client_span = spans.span_where("client", |s| s.kind == SpanKind::Client);
    let server_span = spans.span_where("server", |s| s.kind == SpanKind::Server);
    server_span
        .has_parent(&client_span)
        .has_attribute("rpc.method", "otel.test.Echo/Unary");
    client_span
        .has_attribute("rpc.method", "otel.test.Echo/Unary")
        .has_attribute("rpc.status_code", "DEADLINE_EXCEEDED")
        .has_attribute("error.type", "DEADLINE_EXCEEDED")
        .is_error();
    assert!((0.1..1.5).contains(&seconds(client_span.record())));
    // The server races two events: its own `grpc-timeout` timer (counted from when it
    // received the call, so it fires a little after the client's), and the client's
    // RST_STREAM when the client gives up. Either way it is recorded as what it is.
    let server = server_span.record();
    match server.attribute("rpc.status_code") {
        Some(code) if *code == "DEADLINE_EXCEEDED".into() => {
            server_span
                .has_attribute("error.type", "DEADLINE_EXCEEDED")
                .is_error();
        }
        Some(code) if *code == "CANCELLED".into() => {
            server_span.lacks_attribute("error.type").has_status_unset();
        }
        other => panic!("unexpected server status {other:?}"),
    }
    // Neither can end it before the client's 100 ms deadline has passed, counted from the
    // client's start: the server's own start lags by however late a loaded machine
    // delivers the call, so its duration alone has no firm lower bound.
    let server_end_after_client_start = server
        .end_time_unix_nano
        .saturating_sub(client_span.record().start_time_unix_nano)
        as f64
        / 1e9;
    assert!(
        (0.09..1.5).contains(&server_end_after_client_start),
        "the server span ended {server_end_after_client_start} s after the client's start"
    );
    assert!(seconds(server) < 1.5);
    t.metrics()
        .metric("rpc.server.call.duration")
        .histogram_point(&[("rpc.method", "otel.test.Echo/Unary".into())])
        .has_count(1)
        .has_sum(seconds(server));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_methods_are_other_on_the_server() {
    let t = TestTelemetry::new().install_global();
    let addr = serve(ServerLayer::new()).await;
    assert_eq!(
        call_path(addr, "/otel.test.Echo/Nope").await.code(),
        Code::Unimplemented
    );
    assert_eq!(
        call_path(addr, "/no.Such/Thing").await.code(),
        Code::Unimplemented
    );

    let spans = wait_for_calls(&t, 4).await;
    let servers: Vec<_> = spans.iter().filter(|s| s.kind == SpanKind::Server).collect();
    assert_eq!(servers.len(), 2);
    for original in ["otel.test.Echo/Nope", "no.Such/Thing"] {
        spans
            .span_where(original, |s| {
                s.kind == SpanKind::Server && s.attribute("rpc.method_original") == Some(&original.into())
            })
            .has_attribute("rpc.method", "_OTHER")
            .has_attribute("rpc.status_code", "UNIMPLEMENTED")
            .has_attribute("error.type", "UNIMPLEMENTED")
            .is_error();
        // The client's stub names the method it sent.
        spans
            .span_where(original, |s| s.kind == SpanKind::Client && s.name == original)
            .has_attribute("rpc.method", original)
            .has_attribute("rpc.status_code", "UNIMPLEMENTED")
            .is_error();
    }
    assert!(
        servers.iter().all(|s| s.name == "grpc"),
        "no span name per unknown path"
    );
    t.metrics()
        .metric("rpc.server.call.duration")
        .histogram_point(&[("rpc.method", "_OTHER".into())])
        .has_count(2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declared_services_decide_known_methods_up_front() {
    let t = TestTelemetry::new().install_global();
    let layer = ServerLayer::new().known_service::<EchoServer<EchoImpl>>();
    let addr = serve(layer).await;
    // A declared method whose handler answers UNIMPLEMENTED keeps its name.
    let status = client(addr)
        .unary(msg("unimplemented", 0))
        .await
        .expect_err("fails");
    assert_eq!(status.code(), Code::Unimplemented);
    call_path(addr, "/no.Such/Thing").await;

    let spans = wait_for_calls(&t, 4).await;
    spans
        .span_where("declared", |s| {
            s.kind == SpanKind::Server && s.name == "otel.test.Echo/Unary"
        })
        .has_attribute("rpc.method", "otel.test.Echo/Unary")
        .lacks_attribute("rpc.method_original")
        .has_attribute("rpc.status_code", "UNIMPLEMENTED");
    spans
        .span_where("undeclared", |s| s.kind == SpanKind::Server && s.name == "grpc")
        .has_attribute("rpc.method", "_OTHER")
        .has_attribute("rpc.method_original", "no.Such/Thing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_is_down_is_unavailable_with_no_server_span() {
    let t = TestTelemetry::new().install_global();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let status = client(addr)
        .unary(msg("hello", 0))
        .await
        .expect_err("nobody listens");
    assert_eq!(status.code(), Code::Unavailable);

    let spans = wait_for_calls(&t, 1).await;
    assert!(spans.iter().all(|s| s.kind != SpanKind::Server));
    let client_span = spans.span_where("client", |s| s.kind == SpanKind::Client);
    client_span
        .has_attribute("rpc.method", "otel.test.Echo/Unary")
        .has_attribute("rpc.status_code", "UNAVAILABLE")
        .has_attribute("error.type", "UNAVAILABLE")
        .has_attribute("server.address", "127.0.0.1")
        .has_attribute("server.port", port(addr))
        .is_error();
    t.metrics()
        .metric("rpc.client.call.duration")
        .histogram_point(&[
            ("rpc.status_code", "UNAVAILABLE".into()),
            ("error.type", "UNAVAILABLE".into()),
        ])
        .has_count(1)
        .has_sum(seconds(client_span.record()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_trace_context_starts_a_new_trace() {
    let t = TestTelemetry::new().install_global();
    let addr = serve(ServerLayer::new()).await;
    // An untraced client sending garbage propagation metadata.
    let mut plain = EchoClient::new(endpoint(addr).connect_lazy());
    for (traceparent, tracestate) in [
        ("00-zzzz-not-a-trace-01", "=,=,==="),
        ("00-00000000000000000000000000000000-0000000000000000-01", "a=1"),
        (
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "\u{7f}",
        ),
    ] {
        let mut request = tonic::Request::new(msg("hello", 0));
        request
            .metadata_mut()
            .insert("traceparent", traceparent.parse().expect("ascii"));
        if let Ok(value) = tracestate.parse() {
            request.metadata_mut().insert("tracestate", value);
        }
        plain.unary(request).await.expect("the call still works");
    }

    let spans = wait_for_calls(&t, 3).await;
    let servers: Vec<_> = spans.iter().filter(|s| s.kind == SpanKind::Server).collect();
    assert_eq!(servers.len(), 3);
    for server in servers {
        assert!(server.parent_span_id.is_none(), "{server:?}");
        assert_ne!(server.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(server.attribute("rpc.status_code"), Some(&"OK".into()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_checks_are_excluded_by_default_and_can_be_traced() {
    let t = TestTelemetry::new().install_global();
    let addr = serve(ServerLayer::new()).await;
    let mut health = HealthClient::new(traced_channel(addr, client_layer(addr)));
    health
        .check(HealthCheckRequest::default())
        .await
        .expect("healthy");
    client(addr).unary(msg("after", 0)).await.expect("call");
    let spans = wait_for_calls(&t, 2).await;
    assert!(
        spans.iter().all(|s| !s.name.starts_with("grpc.health")),
        "{}",
        spans.tree()
    );
    t.metrics()
        .metric("rpc.server.call.duration")
        .histogram_point(&[])
        .has_count(1);

    t.reset();
    let addr = serve(ServerLayer::new().exclude_nothing()).await;
    let mut health = HealthClient::new(traced_channel(addr, client_layer(addr).exclude_nothing()));
    health
        .check(HealthCheckRequest::default())
        .await
        .expect("healthy");
    let spans = wait_for_calls(&t, 2).await;
    let client_span = spans.span_where("client", |s| s.kind == SpanKind::Client);
    spans
        .span_where("server", |s| s.kind == SpanKind::Server)
        .has_parent(&client_span)
        .has_attribute("rpc.method", "grpc.health.v1.Health/Check");
}

/// A service error of a typed error, generic over its detail.
#[derive(Debug)]
struct RouteError<T>(T);

impl<T: std::fmt::Debug> std::fmt::Display for RouteError<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no route for {:?}", self.0)
    }
}

fn grpc_request() -> http::Request<String> {
    http::Request::post("/otel.test.Echo/Unary")
        .header("content-type", "application/grpc")
        .body(String::new())
        .expect("request")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_service_error_has_a_status_code_and_a_low_cardinality_error_type() {
    use tower::{Layer as _, ServiceExt as _};
    let t = TestTelemetry::new();
    let typed = ServerLayer::new()
        .providers(t.providers())
        .layer(tower::service_fn(|_: http::Request<String>| async {
            Err::<http::Response<String>, _>(RouteError(vec![1_u8]))
        }));
    typed.oneshot(grpc_request()).await.expect_err("a service error");
    let boxed = ServerLayer::new()
        .providers(t.providers())
        .layer(tower::service_fn(|_: http::Request<String>| async {
            Err::<http::Response<String>, tower::BoxError>("no route".into())
        }));
    boxed.oneshot(grpc_request()).await.expect_err("a service error");
    // A `Status` as the error (an interceptor's, say) is what tonic answers with.
    let status = ServerLayer::new()
        .providers(t.providers())
        .layer(tower::service_fn(|_: http::Request<String>| async {
            Err::<http::Response<String>, tower::BoxError>(Box::new(tonic::Status::permission_denied("no")))
        }));
    status.oneshot(grpc_request()).await.expect_err("a service error");

    let spans = t.spans();
    let [typed, boxed, status] =
        <[_; 3]>::try_from(spans.named("otel.test.Echo/Unary")).expect("three spans");
    // The Required status code is UNKNOWN, what gRPC answers for an error without a
    // status; error.type is the type's path without generics, `_OTHER` when boxed.
    // The status description is the error's message.
    typed
        .is_error()
        .has_error_description("no route for [1]")
        .has_attribute("rpc.status_code", "UNKNOWN")
        .has_attribute("error.type", concat!(module_path!(), "::RouteError"));
    boxed
        .is_error()
        .has_error_description("no route")
        .has_attribute("rpc.status_code", "UNKNOWN")
        .has_attribute("error.type", "_OTHER");
    // PERMISSION_DENIED is the caller's problem, not a server error.
    status
        .has_status_unset()
        .has_attribute("rpc.status_code", "PERMISSION_DENIED")
        .lacks_attribute("error.type");
    t.metrics()
        .metric("rpc.server.call.duration")
        .histogram_point(&[
            ("rpc.status_code", "UNKNOWN".into()),
            ("error.type", "_OTHER".into()),
        ])
        .has_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_panic_has_a_status_code_and_unwinds_on() {
    use tower::{Layer as _, ServiceExt as _};
    let t = TestTelemetry::new();
    let panics = ServerLayer::new()
        .providers(t.providers())
        .layer(tower::service_fn(|_: http::Request<String>| async {
            if true {
                panic!("handler bug");
            }
            Ok::<http::Response<String>, std::convert::Infallible>(http::Response::new(String::new()))
        }));
    let joined = tokio::spawn(panics.oneshot(grpc_request())).await;
    assert!(
        joined.is_err_and(|e| e.is_panic()),
        "the panic reaches the server"
    );

    let spans = t.spans();
    let span = spans
        .span("otel.test.Echo/Unary")
        .is_error()
        .has_error_description("handler bug")
        .has_attribute("rpc.status_code", "UNKNOWN")
        .has_attribute("error.type", otel_kit_grpc::ERROR_TYPE_PANIC);
    // Recorded once as the exception event, in the span (docs/errors.md).
    t.logs()
        .assert_count(1)
        .event("rpc.server.call.exception")
        .has_severity(opentelemetry::logs::Severity::Error)
        .has_attribute("exception.type", "panic")
        .has_attribute("exception.message", "handler bug")
        .is_in_span(&span);
}
