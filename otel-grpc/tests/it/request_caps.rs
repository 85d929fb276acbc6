//! Request-derived strings are capped: a real tonic round trip calling a method path
//! of 60,000 bytes (about what `http::Uri` admits; the server raises h2's 16 KiB header
//! list limit, as a service with large metadata does). The path is no method name:
//! both spans record `rpc.method = _OTHER` and `rpc.method_original` cut to 4 KiB,
//! and the metric points carry `_OTHER`, never the path.

use opentelemetry::trace::SpanKind;
use otel_kit_grpc::ServerLayer;
use otel_kit_testing::{AttributeValue, TestTelemetry};
use tonic::Code;
use tonic::transport::Server;

use crate::support::pb::Msg;
use crate::support::pb::echo_server::EchoServer;
use crate::support::{EchoImpl, client_layer, msg, traced_channel, wait_for_calls};

const LONG_PATH: usize = 60_000;
const DEFAULT_LIMIT: usize = otel_kit_core::request_value::DEFAULT_MAX_REQUEST_VALUE_BYTES;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_unknown_method_path_yields_spans_within_the_cap() {
    let t = TestTelemetry::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let incoming = tonic::transport::server::TcpIncoming::from(listener);
    let layer = ServerLayer::new().providers(t.providers());
    tokio::spawn(async move {
        Server::builder()
            .http2_max_header_list_size(1 << 20)
            .layer(layer)
            .add_service(EchoServer::new(EchoImpl))
            .serve_with_incoming(incoming)
            .await
            .expect("serve");
    });

    let path = format!("/otel.test.Echo/{}", "M".repeat(LONG_PATH));
    let mut grpc =
        tonic::client::Grpc::new(traced_channel(addr, client_layer(addr).providers(t.providers())));
    grpc.ready().await.expect("ready");
    let status = grpc
        .unary::<Msg, Msg, _>(
            tonic::Request::new(msg("x", 0)),
            http::uri::PathAndQuery::from_maybe_shared(path.clone()).expect("path"),
            tonic_prost::ProstCodec::default(),
        )
        .await
        .expect_err("no such method");
    assert_eq!(status.code(), Code::Unimplemented, "{status:?}");

    let spans = wait_for_calls(&t, 2).await;
    let expected = &path[1..=DEFAULT_LIMIT];
    for kind in [SpanKind::Client, SpanKind::Server] {
        let span = spans.span_where("the call", |s| {
            s.kind == kind && s.scope.name == otel_kit_grpc::INSTRUMENTATION_SCOPE
        });
        span.has_attribute("rpc.method", "_OTHER")
            .has_attribute("rpc.method_original", expected);
        assert_eq!(span.record().name, "grpc", "{kind:?}");
        for (key, value) in &span.record().attributes {
            if let AttributeValue::String(s) = value {
                assert!(
                    s.len() <= DEFAULT_LIMIT,
                    "{kind:?}: {key} holds {} bytes",
                    s.len()
                );
            }
        }
    }
    let metrics = t.metrics();
    for name in ["rpc.server.call.duration", "rpc.client.call.duration"] {
        metrics
            .metric(name)
            .histogram_point(&[("rpc.method", "_OTHER".into())])
            .has_count(1);
    }
}
