//! Streaming calls: the span ends at the end of the stream, and a status that
//! arrives only in the trailers (after messages) is read on both sides.

use crate::support::pb::echo_client::EchoClient;
use crate::support::{client, client_layer, msg, seconds, serve, traced_channel, wait_for_calls};
use futures_util::{StreamExt as _, stream};
use opentelemetry::trace::SpanKind;
use otel_kit_grpc::{HeaderCapture, ServerLayer};
use otel_kit_testing::TestTelemetry;
use tonic::Code;

/// The client and server spans of the one call in `spans`, checked to be parent
/// and child with the same method.
macro_rules! pair {
    ($spans:expr, $method:expr) => {{
        let client_span = $spans.span_where("client", |s| s.kind == SpanKind::Client);
        let server_span = $spans.span_where("server", |s| s.kind == SpanKind::Server);
        server_span
            .has_parent(&client_span)
            .has_attribute("rpc.method", $method);
        client_span.has_attribute("rpc.method", $method);
        assert_eq!(client_span.record().name, $method);
        assert_eq!(server_span.record().name, $method);
        (client_span, server_span)
    }};
}

/// Metadata sent before the messages is `rpc.response.header.<key>`; metadata sent after
/// them, in the trailers with the status, is `rpc.response.trailer.<key>`: each key is
/// looked for in both, on both sides of a real call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn response_headers_and_trailers_are_captured_apart() {
    let t = TestTelemetry::new().install_global();
    let capture = HeaderCapture::default().response(["x-tenant", "x-shard"]);
    let addr = serve(ServerLayer::new().capture_headers(capture.clone())).await;
    let mut client = EchoClient::new(traced_channel(addr, client_layer(addr).capture_headers(capture)));
    let response = client.server_stream(msg("shard", 2)).await.expect("call");
    assert_eq!(
        response
            .metadata()
            .get("x-tenant")
            .map(|v| v.to_str().expect("ascii")),
        Some("acme")
    );
    let mut stream = response.into_inner();
    let mut received = 0;
    while let Some(item) = stream.next().await {
        item.expect("message");
        received += 1;
    }
    assert_eq!(received, 2);
    let trailers = stream.trailers().await.expect("OK").expect("trailers");
    assert_eq!(
        trailers.get("x-shard").map(|v| v.to_str().expect("ascii")),
        Some("7"),
        "the client got x-shard as a trailer"
    );

    let spans = wait_for_calls(&t, 2).await;
    let (client_span, server_span) = pair!(spans, "otel.test.Echo/ServerStream");
    for span in [client_span, server_span] {
        span.has_attribute("rpc.status_code", "OK")
            .has_attribute("rpc.response.header.x-tenant", vec!["acme"])
            .has_attribute("rpc.response.trailer.x-shard", vec!["7"])
            .lacks_attribute("rpc.response.trailer.x-tenant")
            .lacks_attribute("rpc.response.header.x-shard")
            .lacks_attributes_under("rpc.response.metadata.");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_streaming_ends_the_span_at_the_end_of_the_stream() {
    let t = TestTelemetry::new().install_global();
    let addr = serve(ServerLayer::new()).await;
    let mut stream = client(addr)
        .server_stream(msg("go", 3))
        .await
        .expect("call")
        .into_inner();
    assert!(
        t.spans().iter().all(|s| s.kind != SpanKind::Client),
        "the client span does not end before the stream does"
    );
    let mut received = 0;
    while let Some(item) = stream.next().await {
        item.expect("message");
        received += 1;
    }
    assert_eq!(received, 3);

    let spans = wait_for_calls(&t, 2).await;
    let (client_span, server_span) = pair!(spans, "otel.test.Echo/ServerStream");
    client_span
        .has_attribute("rpc.status_code", "OK")
        .has_status_unset();
    server_span
        .has_attribute("rpc.status_code", "OK")
        .has_status_unset();
    t.metrics()
        .metric("rpc.server.call.duration")
        .histogram_point(&[("rpc.method", "otel.test.Echo/ServerStream".into())])
        .has_count(1)
        .has_sum(seconds(server_span.record()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_only_in_the_trailers_after_messages_is_recorded() {
    let t = TestTelemetry::new().install_global();
    let addr = serve(ServerLayer::new()).await;
    let mut stream = client(addr)
        .server_stream(msg("fail-late", 2))
        .await
        .expect("the head is OK")
        .into_inner();
    let mut received = 0;
    let mut status = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(_) => received += 1,
            Err(error) => status = Some(error.code()),
        }
    }
    assert_eq!((received, status), (2, Some(Code::DataLoss)));

    let spans = wait_for_calls(&t, 2).await;
    let (client_span, server_span) = pair!(spans, "otel.test.Echo/ServerStream");
    for span in [client_span, server_span] {
        span.has_attribute("rpc.status_code", "DATA_LOSS")
            .has_attribute("error.type", "DATA_LOSS")
            // The message came in the trailers, after the streamed messages.
            .has_error_description("lost the rest");
    }
    let metrics = t.metrics();
    for name in ["rpc.server.call.duration", "rpc.client.call.duration"] {
        metrics
            .metric(name)
            .histogram_point(&[
                ("rpc.status_code", "DATA_LOSS".into()),
                ("error.type", "DATA_LOSS".into()),
            ])
            .has_count(1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_streaming() {
    let t = TestTelemetry::new().install_global();
    let addr = serve(ServerLayer::new()).await;
    let requests = stream::iter((1..=4).map(|i| msg("n", i)));
    let reply = client(addr).client_stream(requests).await.expect("call");
    assert_eq!(reply.into_inner().count, 10);

    let spans = wait_for_calls(&t, 2).await;
    let (client_span, server_span) = pair!(spans, "otel.test.Echo/ClientStream");
    client_span.has_attribute("rpc.status_code", "OK");
    server_span
        .has_attribute("rpc.status_code", "OK")
        .has_attribute("rpc.system.name", "grpc");
    t.metrics()
        .metric("rpc.client.call.duration")
        .histogram_point(&[("rpc.method", "otel.test.Echo/ClientStream".into())])
        .has_count(1)
        .has_sum(seconds(client_span.record()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bidi_streaming() {
    let t = TestTelemetry::new().install_global();
    let addr = serve(ServerLayer::new()).await;
    let requests = stream::iter((0..5).map(|i| msg("n", i)));
    let replies: Vec<_> = client(addr)
        .bidi(requests)
        .await
        .expect("call")
        .into_inner()
        .collect()
        .await;
    assert_eq!(replies.len(), 5);

    let spans = wait_for_calls(&t, 2).await;
    let (client_span, server_span) = pair!(spans, "otel.test.Echo/Bidi");
    client_span
        .has_attribute("rpc.status_code", "OK")
        .has_status_unset();
    server_span
        .has_attribute("rpc.status_code", "OK")
        .has_status_unset();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_dropping_the_stream_is_a_cancelled_error_on_the_client_only() {
    let t = TestTelemetry::new().install_global();
    let addr = serve(ServerLayer::new()).await;
    let mut stream = client(addr)
        .server_stream(msg("endless", 0))
        .await
        .expect("call")
        .into_inner();
    stream.next().await.expect("one").expect("message");
    drop(stream);

    let spans = wait_for_calls(&t, 2).await;
    let (client_span, server_span) = pair!(spans, "otel.test.Echo/ServerStream");
    // The client generated CANCELLED, and on the client every code but OK is an error
    // (gRPC conventions 1.45).
    client_span
        .has_attribute("rpc.status_code", "CANCELLED")
        .has_attribute("error.type", "CANCELLED")
        .is_error();
    t.metrics()
        .metric("rpc.client.call.duration")
        .histogram_point(&[
            ("rpc.status_code", "CANCELLED".into()),
            ("error.type", "CANCELLED".into()),
        ])
        .has_count(1);
    // A client that goes away is not the server's failure.
    server_span
        .has_attribute("rpc.status_code", "CANCELLED")
        .has_status_unset();
}
