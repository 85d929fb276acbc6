//! Unary calls through a real tonic server and client over loopback, both layered:
//! names, kinds, parents, attributes with their types, status rules, metrics.

use crate::support::pb::echo_client::EchoClient;
use crate::support::{client, client_layer, msg, port, seconds, serve, traced_channel, wait_for_calls};
use opentelemetry::trace::SpanKind;
use otel_kit_grpc::{HeaderCapture, INSTRUMENTATION_SCOPE, ServerLayer};
use otel_kit_testing::TestTelemetry;
use tonic::Code;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unary_ok_gives_a_client_and_a_child_server_span() {
    let t = TestTelemetry::new().install_global();
    let addr = serve(ServerLayer::new()).await;
    let reply = client(addr).unary(msg("hello", 1)).await.expect("call");
    assert_eq!(reply.into_inner().text, "hello");

    let spans = wait_for_calls(&t, 2).await;
    let client_span = spans.span_where("client", |s| s.kind == SpanKind::Client);
    let server_span = spans.span_where("server", |s| s.kind == SpanKind::Server);
    client_span
        .has_scope_name(INSTRUMENTATION_SCOPE)
        .is_root()
        .has_attribute("rpc.system.name", "grpc")
        .has_attribute("rpc.method", "otel.test.Echo/Unary")
        .has_attribute("rpc.status_code", "OK")
        .has_attribute("server.address", "127.0.0.1")
        .has_attribute("server.port", port(addr))
        .lacks_attribute("error.type")
        .lacks_attribute("rpc.method_original")
        .has_status_unset();
    server_span
        .has_parent(&client_span)
        .has_attribute("rpc.system.name", "grpc")
        .has_attribute("rpc.method", "otel.test.Echo/Unary")
        .has_attribute("rpc.status_code", "OK")
        .has_attribute("server.address", "127.0.0.1")
        .has_attribute("server.port", port(addr))
        .has_attribute("network.peer.address", "127.0.0.1")
        .has_attribute_key("network.peer.port")
        .lacks_attribute("error.type")
        .has_status_unset();
    assert_eq!(client_span.record().name, "otel.test.Echo/Unary");
    assert_eq!(server_span.record().name, "otel.test.Echo/Unary");

    let metrics = t.metrics();
    metrics
        .metric("rpc.server.call.duration")
        .has_unit("s")
        .is_histogram()
        .histogram_point(&[
            ("rpc.system.name", "grpc".into()),
            ("rpc.method", "otel.test.Echo/Unary".into()),
            ("rpc.status_code", "OK".into()),
        ])
        .has_count(1)
        .has_sum(seconds(server_span.record()))
        .has_bucket_boundaries(&otel_kit_http::conventions::HTTP_RPC_DURATION_BUCKETS);
    let client_point = metrics
        .metric("rpc.client.call.duration")
        .has_unit("s")
        .histogram_point(&[
            ("rpc.method", "otel.test.Echo/Unary".into()),
            ("rpc.status_code", "OK".into()),
            ("server.address", "127.0.0.1".into()),
            ("server.port", port(addr).into()),
        ])
        .has_count(1)
        .has_sum(seconds(client_span.record()));
    assert!(
        client_point
            .record()
            .attributes
            .iter()
            .all(|(k, _)| k != "error.type")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_found_is_an_error_for_the_client_only() {
    let t = TestTelemetry::new().install_global();
    let addr = serve(ServerLayer::new()).await;
    let status = client(addr).unary(msg("not-found", 0)).await.expect_err("fails");
    assert_eq!(status.code(), Code::NotFound);

    let spans = wait_for_calls(&t, 2).await;
    let client_span = spans.span_where("client", |s| s.kind == SpanKind::Client);
    spans
        .span_where("server", |s| s.kind == SpanKind::Server)
        .has_parent(&client_span)
        .has_attribute("rpc.status_code", "NOT_FOUND")
        .lacks_attribute("error.type")
        .has_status_unset();
    client_span
        .has_attribute("rpc.status_code", "NOT_FOUND")
        .has_attribute("error.type", "NOT_FOUND")
        .is_error();
    let metrics = t.metrics();
    metrics
        .metric("rpc.client.call.duration")
        .histogram_point(&[
            ("rpc.status_code", "NOT_FOUND".into()),
            ("error.type", "NOT_FOUND".into()),
        ])
        .has_count(1)
        .has_sum(seconds(client_span.record()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_is_an_error_on_both_sides() {
    let t = TestTelemetry::new().install_global();
    let addr = serve(ServerLayer::new()).await;
    let status = client(addr).unary(msg("internal", 0)).await.expect_err("fails");
    assert_eq!(status.code(), Code::Internal);

    let spans = wait_for_calls(&t, 2).await;
    for kind in [SpanKind::Server, SpanKind::Client] {
        spans
            .span_where("span", |s| s.kind == kind)
            .has_attribute("rpc.method", "otel.test.Echo/Unary")
            .has_attribute("rpc.status_code", "INTERNAL")
            .has_attribute("error.type", "INTERNAL")
            // The handler's message, from `grpc-message` (trailers-only here).
            .has_error_description("it broke");
    }
    t.metrics()
        .metric("rpc.server.call.duration")
        .histogram_point(&[
            ("rpc.status_code", "INTERNAL".into()),
            ("error.type", "INTERNAL".into()),
        ])
        .has_count(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handler_spans_and_logs_are_children_of_the_server_span() {
    let t = TestTelemetry::new().install_global();
    let addr = serve(ServerLayer::new()).await;
    client(addr).unary(msg("log", 0)).await.expect("call");

    let spans = wait_for_calls(&t, 2).await;
    // hyper and h2 make `tracing` spans of their own (connections): only our trace counts.
    let client_span = spans.span_where("client", |s| s.kind == SpanKind::Client);
    let spans = spans.in_trace(&client_span.record().trace_id);
    spans.assert_tree(
        "
        otel.test.Echo/Unary
          otel.test.Echo/Unary
            handler.work
        ",
    );
    let server_span = spans.span_where("server", |s| s.kind == SpanKind::Server);
    spans.span("handler.work").has_parent(&server_span);
    t.logs()
        .record("handling unary")
        .is_in_span(&spans.span("handler.work"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metadata_is_captured_by_allow_list_never_authorization() {
    let t = TestTelemetry::new().install_global();
    let capture = HeaderCapture::default()
        .request(["x-tenant", "authorization"])
        .response(["x-tenant"]);
    let addr = serve(ServerLayer::new().capture_headers(capture.clone())).await;
    let mut client = EchoClient::new(traced_channel(addr, client_layer(addr).capture_headers(capture)));
    let mut request = tonic::Request::new(msg("echo-header", 0));
    request
        .metadata_mut()
        .insert("x-tenant", "acme".parse().expect("value"));
    request
        .metadata_mut()
        .insert("authorization", "Bearer secret".parse().expect("value"));
    client.unary(request).await.expect("call");

    let spans = wait_for_calls(&t, 2).await;
    for kind in [SpanKind::Server, SpanKind::Client] {
        spans
            .span_where("span", |s| s.kind == kind)
            .has_attribute("rpc.request.header.x-tenant", vec!["acme"])
            .has_attribute("rpc.response.header.x-tenant", vec!["acme"])
            .lacks_attribute("rpc.request.header.authorization")
            .lacks_attributes_under("rpc.response.trailer.")
            .lacks_attributes_under("rpc.request.metadata.")
            .lacks_attributes_under("rpc.response.metadata.");
    }
}

/// A status without messages comes trailers-only: gRPC defines that response's head as
/// its trailers, so the metadata that came with it is `rpc.response.trailer.<key>`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_metadata_of_a_trailers_only_status_is_captured_as_trailers() {
    let t = TestTelemetry::new().install_global();
    let capture = HeaderCapture::default()
        .request(["x-tenant"])
        .response(["x-tenant"]);
    let addr = serve(ServerLayer::new().capture_headers(capture.clone())).await;
    let mut client = EchoClient::new(traced_channel(addr, client_layer(addr).capture_headers(capture)));
    let mut request = tonic::Request::new(msg("not-found", 0));
    request
        .metadata_mut()
        .insert("x-tenant", "acme".parse().expect("value"));
    let status = client.unary(request).await.expect_err("not found");
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(
        status
            .metadata()
            .get("x-tenant")
            .map(|v| v.to_str().expect("ascii")),
        Some("acme")
    );

    let spans = wait_for_calls(&t, 2).await;
    for kind in [SpanKind::Server, SpanKind::Client] {
        spans
            .span_where("span", |s| s.kind == kind)
            .has_attribute("rpc.status_code", "NOT_FOUND")
            .has_attribute("rpc.request.header.x-tenant", vec!["acme"])
            .has_attribute("rpc.response.trailer.x-tenant", vec!["acme"])
            .lacks_attributes_under("rpc.response.header.");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn given_providers_get_the_spans_and_metrics_and_carry_the_context() {
    // Two harnesses, no globals: the client's telemetry goes to one, the server's to
    // the other, and the server still continues the client's trace.
    let client_side = TestTelemetry::new();
    let server_side = TestTelemetry::new();
    let addr = serve(ServerLayer::new().providers(server_side.providers())).await;
    let channel = traced_channel(addr, client_layer(addr).providers(client_side.providers()));
    EchoClient::new(channel)
        .unary(msg("given", 1))
        .await
        .expect("call");

    let client_spans = wait_for_calls(&client_side, 1).await;
    let server_spans = wait_for_calls(&server_side, 1).await;
    assert_eq!((client_spans.len(), server_spans.len()), (1, 1));
    let client_span = client_spans.span_where("client", |s| s.kind == SpanKind::Client);
    server_spans
        .span_where("server", |s| s.kind == SpanKind::Server)
        .has_parent(&client_span);
    client_side
        .metrics()
        .assert_absent("rpc.server.call.duration")
        .metric("rpc.client.call.duration")
        .has_point_count(1);
    server_side
        .metrics()
        .assert_absent("rpc.client.call.duration")
        .metric("rpc.server.call.duration")
        .has_point_count(1);
}

/// A sampler that samples everything and keeps the `rpc.method` each SERVER span
/// started with, as a sampler choosing by method would read it.
#[derive(Debug, Clone, Default)]
struct SeenAtStart(std::sync::Arc<std::sync::Mutex<Vec<Option<String>>>>);

impl opentelemetry_sdk::trace::ShouldSample for SeenAtStart {
    fn should_sample(
        &self,
        _parent: Option<&opentelemetry::Context>,
        _trace_id: opentelemetry::trace::TraceId,
        _name: &str,
        kind: &SpanKind,
        attributes: &[opentelemetry::KeyValue],
        _links: &[opentelemetry::trace::Link],
    ) -> opentelemetry_sdk::trace::SamplingResult {
        if *kind == SpanKind::Server {
            let method = attributes
                .iter()
                .find(|kv| kv.key.as_str() == "rpc.method")
                .map(|kv| kv.value.to_string());
            self.0.lock().expect("lock").push(method);
        }
        opentelemetry_sdk::trace::SamplingResult {
            decision: opentelemetry_sdk::trace::SamplingDecision::RecordAndSample,
            attributes: Vec::new(),
            trace_state: opentelemetry::trace::TraceState::default(),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn samplers_see_the_method_of_every_call() {
    let seen = SeenAtStart::default();
    let t = TestTelemetry::builder()
        .sampler(seen.clone())
        .build()
        .install_global();
    let addr = serve(ServerLayer::new()).await;
    // The first call may be the first this process serves: `rpc.method` is set at its
    // start all the same (corrected at its end only if it is answered UNIMPLEMENTED).
    for i in 0..3 {
        client(addr).unary(msg("hello", i)).await.expect("call");
    }
    let spans = wait_for_calls(&t, 6).await;
    let seen = seen.0.lock().expect("lock").clone();
    assert_eq!(seen.len(), 3, "{seen:?}");
    for call in &seen {
        assert_eq!(call.as_deref(), Some("otel.test.Echo/Unary"), "{seen:?}");
    }
    // Set once on every span.
    for server in spans.iter().filter(|s| s.kind == SpanKind::Server) {
        let methods = server
            .attributes
            .iter()
            .filter(|(key, _)| key == "rpc.method")
            .count();
        assert_eq!(methods, 1, "{server:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mapped_address_names_the_peer_service_on_the_client_span_only() {
    let t = TestTelemetry::new();
    let addr = serve(ServerLayer::new().providers(t.providers())).await;
    let services = otel_kit_grpc::PeerServices::new()
        .map(&format!("127.0.0.1:{}", addr.port()), "echo-backend")
        .expect("entry");
    let layer = client_layer(addr).providers(t.providers().peer_services(services));
    EchoClient::new(traced_channel(addr, layer))
        .unary(msg("hello", 1))
        .await
        .expect("call");

    let spans = wait_for_calls(&t, 2).await;
    spans
        .span_where("client", |s| s.kind == SpanKind::Client)
        .has_attribute("server.service.name", "echo-backend");
    spans
        .span_where("server", |s| s.kind == SpanKind::Server)
        .lacks_attribute("server.service.name");
    // A span attribute only: not a metric dimension.
    let metrics = t.metrics();
    metrics
        .metric("rpc.client.call.duration")
        .histogram_point(&[("rpc.method", "otel.test.Echo/Unary".into())])
        .lacks_attributes_under("server.service.name");
}
