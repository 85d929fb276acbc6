//! `otel_kit.server.incoming_context` through real tonic calls over loopback: each call
//! counted by the state of its incoming trace context (valid, absent, invalid), hostile
//! metadata included, as a counter of its own. The client is a plain tonic channel, so
//! the test alone decides what metadata arrives. The harness's propagator is W3C trace
//! context and baggage: a `b3` header is absent, not invalid.

use otel_kit_grpc::ServerLayer;
use otel_kit_testing::TestTelemetry;
use tonic::metadata::{AsciiMetadataKey, AsciiMetadataValue};

use crate::support::pb::echo_client::EchoClient;
use crate::support::{assert_conforms, endpoint, msg, serve, wait_for_calls};

const NAME: &str = "otel_kit.server.incoming_context";
const STATE: &str = "otel_kit.context.state";
const PARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// A call's metadata (name, value) and what it is.
type Case<'a> = (&'a [(&'static str, &'a [u8])], &'static str);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tonic_counts_each_call_by_its_incoming_context() {
    let t = TestTelemetry::new();
    let addr = serve(ServerLayer::new().providers(t.providers())).await;
    // hyper's HTTP/2 server takes a header list of at most 16 KiB by default: a 400 KiB
    // `traceparent` is refused before any layer runs, and nothing is counted.
    let mut huge = PARENT.as_bytes().to_vec();
    huge.resize(400 * 1024, b'0');
    let mut request = tonic::Request::new(msg("hello", 1));
    request.metadata_mut().insert(
        "traceparent",
        AsciiMetadataValue::try_from(huge).expect("a metadata value"),
    );
    let refused = EchoClient::new(endpoint(addr).connect_lazy())
        .unary(request)
        .await;
    assert!(refused.is_err(), "the transport refuses it");
    // The largest the transport takes reaches the layer.
    let mut client = EchoClient::new(endpoint(addr).connect_lazy());
    let mut oversized = PARENT.as_bytes().to_vec();
    oversized.resize(12 * 1024, b'0');
    let cases: [Case<'_>; 8] = [
        (&[], "no metadata"),
        (&[("baggage", b"tenant.id=acme")], "baggage alone"),
        (
            &[("b3", b"80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1")],
            "b3, not configured",
        ),
        (&[("traceparent", PARENT.as_bytes())], "a parent"),
        (
            &[("traceparent", PARENT.as_bytes()), ("baggage", b"user.tier=gold")],
            "a parent and baggage",
        ),
        (&[("traceparent", b"00-garbage")], "malformed"),
        (&[("traceparent", b"\xff\xfe\x80\x81 not text")], "garbage bytes"),
        (&[("traceparent", &oversized)], "oversized"),
    ];
    for (metadata, what) in cases {
        let mut request = tonic::Request::new(msg("hello", 1));
        for (name, value) in metadata {
            request.metadata_mut().insert(
                AsciiMetadataKey::from_static(name),
                AsciiMetadataValue::try_from(*value).expect("a metadata value"),
            );
        }
        client
            .unary(request)
            .await
            .unwrap_or_else(|status| panic!("{what}: {status}"));
    }

    wait_for_calls(&t, 8).await;
    let metrics = t.metrics();
    let counter = metrics.metric(NAME).has_unit("{request}").has_point_count(3);
    for (state, count) in [("absent", 3), ("valid", 2), ("invalid", 3)] {
        counter.point(&[(STATE, state.into())]).has_value(count);
    }
    let duration = metrics
        .metric("rpc.server.call.duration")
        .histogram_point(&[])
        .has_count(8);
    assert!(
        !duration.record().attributes.iter().any(|(key, _)| key == STATE),
        "the state is a counter of its own"
    );
    assert_conforms(&t);
}

/// `public_endpoint`: a caller's trace context does not become the server span's parent;
/// the call starts a trace of its own, linked to the caller's span. A malformed one
/// starts a trace with no link.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_endpoint_starts_its_own_trace_linked_to_the_callers() {
    let t = TestTelemetry::new();
    let addr = serve(ServerLayer::new().public_endpoint(true).providers(t.providers())).await;
    let mut client = EchoClient::new(endpoint(addr).connect_lazy());
    for traceparent in [PARENT.as_bytes(), b"00-garbage"] {
        let mut request = tonic::Request::new(msg("hello", 1));
        request.metadata_mut().insert(
            "traceparent",
            AsciiMetadataValue::try_from(traceparent).expect("a metadata value"),
        );
        request
            .metadata_mut()
            .insert("baggage", AsciiMetadataValue::from_static("user.tier=gold"));
        client.unary(request).await.expect("the call");
    }
    let spans = wait_for_calls(&t, 2).await;
    let servers: Vec<_> = spans
        .iter()
        .filter(|s| s.scope.name == otel_kit_grpc::INSTRUMENTATION_SCOPE)
        .collect();
    assert_eq!(servers.len(), 2);
    let (trusted_trace, caller_span) = ("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7");
    let linked = spans
        .span_where("the call with a valid traceparent", |s| {
            s.scope.name == otel_kit_grpc::INSTRUMENTATION_SCOPE && !s.links.is_empty()
        })
        .is_root()
        .has_link_count(1)
        .has_link_to_ids(trusted_trace, caller_span);
    assert_ne!(linked.record().trace_id, trusted_trace, "a trace of its own");
    spans
        .span_where("the call with a malformed traceparent", |s| {
            s.scope.name == otel_kit_grpc::INSTRUMENTATION_SCOPE && s.links.is_empty()
        })
        .is_root()
        .has_link_count(0);
}
