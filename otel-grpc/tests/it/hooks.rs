//! The layers' hooks, through a real tonic server and client over loopback, the same
//! hook on both sides: attributes from the request (seen by the sampler) and from how
//! the call ended, the span name, bounded metric attributes, and the per-call filter.
//! Each test has its own harness, handed to both layers with `.providers(..)`, except
//! the one that looks at the handler's `tracing` span.

use std::borrow::Cow;

use crate::support::pb::echo_client::EchoClient;
use crate::support::{TracedChannel, client_layer, msg, serve, traced_channel, wait_for_calls};
use opentelemetry::context::FutureExt as _;
use opentelemetry::trace::{
    Link, Span as _, SpanKind, TraceContextExt as _, TraceId, Tracer as _, TracerProvider as _,
};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::{SamplingDecision, SamplingResult, ShouldSample};
use otel_kit_grpc::{ClientLayer, MAX_METRIC_ATTRIBUTES, ServerLayer};
use otel_kit_testing::{AttributeValue, TestTelemetry};
use tonic::Code;

/// Drops the spans whose `tenant.id`, when they start, is this tenant.
#[derive(Debug, Clone)]
struct DropTenant(&'static str);

impl ShouldSample for DropTenant {
    fn should_sample(
        &self,
        _parent: Option<&Context>,
        _trace_id: TraceId,
        _name: &str,
        _kind: &SpanKind,
        attributes: &[KeyValue],
        _links: &[Link],
    ) -> SamplingResult {
        let dropped = attributes
            .iter()
            .any(|kv| kv.key.as_str() == "tenant.id" && kv.value.as_str() == self.0);
        SamplingResult {
            decision: if dropped {
                SamplingDecision::Drop
            } else {
                SamplingDecision::RecordAndSample
            },
            attributes: Vec::new(),
            trace_state: Default::default(),
        }
    }
}

/// A unary request for `text` carrying `x-tenant: tenant`.
fn for_tenant(text: &str, tenant: &'static str) -> tonic::Request<crate::support::pb::Msg> {
    let mut request = tonic::Request::new(msg(text, 1));
    request
        .metadata_mut()
        .insert("x-tenant", tenant.parse().expect("metadata"));
    request
}

/// The `x-tenant` metadata as `tenant.id`.
fn tenant(parts: &http::request::Parts) -> Option<KeyValue> {
    let tenant = parts.headers.get("x-tenant")?.to_str().ok()?;
    Some(KeyValue::new("tenant.id", tenant.to_owned()))
}

fn client_with(addr: std::net::SocketAddr, layer: ClientLayer) -> EchoClient<TracedChannel> {
    EchoClient::new(traced_channel(addr, layer))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_attributes_are_there_when_the_sampler_decides() {
    let t = TestTelemetry::builder().sampler(DropTenant("noisy")).build();
    let server = ServerLayer::new()
        .providers(t.providers())
        .span_attributes_from_request(|parts, span| span.extend(tenant(parts)));
    let addr = serve(server).await;
    let client = client_layer(addr)
        .providers(t.providers())
        .span_attributes_from_request(|parts, span| span.extend(tenant(parts)));
    let mut client = client_with(addr, client);
    for tenant in ["noisy", "acme"] {
        client.unary(for_tenant("hello", tenant)).await.expect("call");
    }

    let spans = wait_for_calls(&t, 2).await;
    spans.assert_count(2);
    spans
        .span_where("client", |s| s.kind == SpanKind::Client)
        .has_attribute("tenant.id", "acme");
    spans
        .span_where("server", |s| s.kind == SpanKind::Server)
        .has_attribute("tenant.id", "acme");
    t.metrics()
        .metric("rpc.server.call.duration")
        .histogram_point(&[])
        .has_count(2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn response_attributes_see_the_status_and_its_message() {
    let t = TestTelemetry::new();
    let outcome = |outcome: &otel_kit_grpc::CallOutcome<'_>, span: &mut otel_kit_grpc::SpanAttributes<'_>| {
        let code = outcome.code().map_or(-1, |code| code as i64);
        span.push(KeyValue::new("app.code", code));
        if let Some(message) = outcome.message() {
            span.push(KeyValue::new("app.message", message.to_owned()));
        }
        let status_in_metadata = outcome.metadata().is_some_and(|m| m.contains_key("grpc-status"));
        span.push(KeyValue::new("app.status_in_metadata", status_in_metadata));
    };
    let server = ServerLayer::new()
        .providers(t.providers())
        .span_attributes_from_response(outcome);
    let addr = serve(server).await;
    let client = client_layer(addr)
        .providers(t.providers())
        .span_attributes_from_response(outcome);
    let mut client = client_with(addr, client);
    let status = client.unary(msg("not-found", 1)).await.expect_err("NOT_FOUND");
    assert_eq!(status.code(), Code::NotFound);
    client.unary(msg("hello", 1)).await.expect("call");

    let spans = wait_for_calls(&t, 4).await;
    for kind in [SpanKind::Server, SpanKind::Client] {
        spans
            .span_where("not found", |s| {
                s.kind == kind
                    && s.attributes
                        .iter()
                        .any(|(k, v)| k == "rpc.status_code" && *v == AttributeValue::from("NOT_FOUND"))
            })
            .has_attribute("app.code", Code::NotFound as i64)
            .has_attribute("app.message", "no such thing")
            .has_attribute("app.status_in_metadata", true);
        spans
            .span_where("ok", |s| {
                s.kind == kind
                    && s.attributes
                        .iter()
                        .any(|(k, v)| k == "rpc.status_code" && *v == AttributeValue::from("OK"))
            })
            .has_attribute("app.code", Code::Ok as i64)
            .lacks_attribute("app.message")
            // An OK unary answer ends with its trailers.
            .has_attribute("app.status_in_metadata", true);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_span_name_hook_names_the_span_on_both_sides() {
    let t = TestTelemetry::new();
    let method_only = |parts: &http::request::Parts| {
        let method = parts.uri.path().rsplit('/').next()?;
        (method == "Unary").then(|| Cow::Owned(format!("echo {method}")))
    };
    let server = ServerLayer::new().providers(t.providers()).span_name(method_only);
    let addr = serve(server).await;
    let client = client_layer(addr).providers(t.providers()).span_name(method_only);
    let mut client = client_with(addr, client);
    client.unary(msg("hello", 1)).await.expect("call");
    let mut stream = client
        .server_stream(msg("stream", 1))
        .await
        .expect("call")
        .into_inner();
    while stream.message().await.expect("message").is_some() {}

    let spans = wait_for_calls(&t, 4).await;
    let renamed = spans.named("echo Unary");
    assert_eq!(renamed.len(), 2, "{}", spans.tree());
    for span in renamed {
        span.has_attribute("rpc.method", "otel.test.Echo/Unary");
    }
    assert_eq!(
        spans.named("otel.test.Echo/ServerStream").len(),
        2,
        "None keeps the default"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metric_attributes_are_bounded_opt_in_and_capped() {
    let t = TestTelemetry::new();
    let priority = |parts: &http::request::Parts, metric: &mut otel_kit_grpc::MetricAttributes<'_>| {
        let batch = parts.headers.get("x-tenant").is_some_and(|v| v == "batch-jobs");
        metric.push(KeyValue::new(
            "app.priority",
            if batch { "batch" } else { "interactive" },
        ));
        // Refused: the metric's own key.
        metric.push(KeyValue::new("rpc.method", parts.uri.path().to_owned()));
        for i in 0..MAX_METRIC_ATTRIBUTES {
            metric.push(KeyValue::new(format!("app.extra.{i}"), "x"));
        }
    };
    let server = ServerLayer::new()
        .providers(t.providers())
        .metric_attributes_from_request(priority);
    let addr = serve(server.clone()).await;
    let client = client_layer(addr)
        .providers(t.providers())
        .metric_attributes_from_request(priority);
    let mut grpc = client_with(addr, client.clone());
    for tenant in ["batch-jobs", "acme", "globex"] {
        grpc.unary(for_tenant("hello", tenant)).await.expect("call");
    }
    wait_for_calls(&t, 6).await;

    let metrics = t.metrics();
    for name in ["rpc.server.call.duration", "rpc.client.call.duration"] {
        metrics
            .metric(name)
            .has_point_count(2)
            .histogram_point(&[("app.priority", "batch".into())])
            .has_count(1);
        let interactive = metrics
            .metric(name)
            .histogram_point(&[
                ("app.priority", "interactive".into()),
                ("rpc.method", "otel.test.Echo/Unary".into()),
                ("app.extra.2", "x".into()),
            ])
            .has_count(2);
        assert!(
            !interactive
                .record()
                .attributes
                .iter()
                .any(|(k, _)| k == "app.extra.3")
        );
    }
    // Per call: the reserved key and the one over the cap.
    assert_eq!(server.dropped_metric_attributes(), 2 * 3);
    assert_eq!(client.dropped_metric_attributes(), 2 * 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exclude_when_on_the_client_records_nothing_but_still_propagates() {
    let t = TestTelemetry::new();
    let server = ServerLayer::new().providers(t.providers());
    let addr = serve(server).await;
    let client = client_layer(addr)
        .providers(t.providers())
        .exclude_when(|parts| parts.headers.contains_key("x-tenant"));
    let mut client = client_with(addr, client);
    let parent = t.tracer_provider().tracer("test").start("parent");
    let parent_id = parent.span_context().span_id().to_string();
    let cx = Context::current_with_span(parent);
    client
        .unary(for_tenant("hello", "acme"))
        .with_context(cx.clone())
        .await
        .expect("call");
    cx.span().end();

    let spans = wait_for_calls(&t, 1).await;
    spans.assert_count(2);
    spans
        .span_where("server", |s| s.kind == SpanKind::Server)
        .has_parent_span_id(&parent_id);
    t.metrics().assert_absent("rpc.client.call.duration");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exclude_when_on_the_server_records_nothing_and_keeps_the_callers_context() {
    let t = TestTelemetry::new().install_global();
    let server = ServerLayer::new().exclude_when(|parts| {
        parts
            .headers
            .get("x-tenant")
            .is_some_and(|tenant| tenant == "synthetic-probe")
    });
    let addr = serve(server).await;
    let mut client = client_with(addr, client_layer(addr));
    client
        .unary(for_tenant("log", "synthetic-probe"))
        .await
        .expect("call");

    let spans = wait_for_calls(&t, 1).await;
    let client_span = spans.span_where("client", |s| s.kind == SpanKind::Client);
    assert!(
        !spans.iter().any(|s| s.kind == SpanKind::Server),
        "no server span: {}",
        spans.tree()
    );
    // The handler's own span continues the caller's trace.
    spans.span("handler.work").has_parent(&client_span);
    t.metrics().assert_absent("rpc.server.call.duration");
}
