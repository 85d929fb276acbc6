//! Exemplars on every duration histogram the kit records, through
//! `otel_kit_init::init()` to a collector: an HTTP request served and one sent, a gRPC
//! call, a SQLite query, an LLM call and a message sent, each made in a sampled span.
//! Every exemplar on their points names a span the collector received, of the kind that
//! operation's span has: each measurement was recorded in its own operation's span.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use opentelemetry::trace::SpanKind;
use otel_kit_genai::openai;
use otel_kit_grpc::ClientLayer;
use otel_kit_grpc_test_proto::pb::Msg;
use otel_kit_grpc_test_proto::pb::echo_client::EchoClient;
use otel_kit_messaging::{Destination, MessageInfo, Messaging, MessagingOperation, OperationType};
use otel_kit_testing::{MetricData, Spans, TestCollector, alone};
use serde_json::json;
use tokio::net::TcpListener;

const WAIT: Duration = Duration::from_secs(10);

/// Each duration histogram, and the kind of span its measurements are made in.
const HISTOGRAMS: [(&str, SpanKind); 8] = [
    ("http.server.request.duration", SpanKind::Server),
    ("http.client.request.duration", SpanKind::Client),
    ("rpc.server.call.duration", SpanKind::Server),
    ("rpc.client.call.duration", SpanKind::Client),
    ("db.client.operation.duration", SpanKind::Client),
    ("gen_ai.client.operation.duration", SpanKind::Client),
    ("gen_ai.client.token.usage", SpanKind::Client),
    ("messaging.client.operation.duration", SpanKind::Producer),
];

#[test]
fn every_duration_histogram_has_exemplars_naming_its_operations_span() {
    alone(
        "exemplars::every_duration_histogram_has_exemplars_naming_its_operations_span",
        || crate::block_on(exercise_and_check()),
    );
}

async fn serve_http() -> SocketAddr {
    let completion = json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "gpt-4o",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "7"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 1, "total_tokens": 13}
    })
    .to_string();
    let app = Router::new()
        .route("/price/{sku}", get(|| async { "42" }))
        .route("/v1/chat/completions", post(move || async move { completion }))
        .layer(otel_kit_http::ServerLayer::new());
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind app");
    let addr = listener.local_addr().expect("app addr");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve app") });
    addr
}

async fn exercise_and_check() {
    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    let telemetry = otel_kit_init::builder()
        .service_name("exemplars")
        .environment(move |key| match key {
            "OTEL_EXPORTER_OTLP_ENDPOINT" => Some(endpoint.clone()),
            "OTEL_EXPORTER_OTLP_PROTOCOL" => Some("http/protobuf".into()),
            "OTEL_BSP_SCHEDULE_DELAY" => Some("50".into()),
            // The shutdown's flush exports the metrics.
            "OTEL_METRIC_EXPORT_INTERVAL" => Some("600000".into()),
            _ => None,
        })
        .init()
        .expect("init");
    let app = serve_http().await;
    let grpc = crate::echo::serve(otel_kit_grpc::ServerLayer::new()).await;

    let http = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(otel_kit_http::ClientMiddleware::default())
        .build();
    let price = http
        .get(format!("http://{app}/price/7"))
        .send()
        .await
        .expect("price");
    assert_eq!(price.status(), 200);

    let endpoint = tonic::transport::Endpoint::from_shared(format!("http://{grpc}")).expect("endpoint");
    let channel = tower::ServiceBuilder::new()
        .layer(ClientLayer::new(endpoint.uri()))
        .service(endpoint.connect_lazy());
    let reply = EchoClient::new(channel)
        .unary(Msg {
            text: "hi".into(),
            count: 1,
        })
        .await
        .expect("grpc call");
    assert_eq!(reply.get_ref().text, "hi");

    let raw = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("sqlite");
    let pool = otel_kit_db::instrument(raw);
    sqlx::query("SELECT 1").fetch_all(&pool).await.expect("select");

    let base_url = format!("http://{app}/v1");
    let request = json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "price?"}]});
    let call = openai::chat("openai", &request).server_url(&base_url).start();
    let send = http
        .post(format!("{base_url}/chat/completions"))
        .header("content-type", "application/json")
        .body(request.to_string())
        .send();
    let response = call.in_call(send).await.expect("chat call");
    let body = response.bytes().await.expect("chat body");
    call.record_response(&openai::chat_response(&body).expect("a chat completion"));

    let messaging = Messaging::new("kafka").server("broker.internal", Some(9092));
    let send = messaging.start(
        MessagingOperation::new(OperationType::Send, "send")
            .message(MessageInfo::new(Destination::named("orders"))),
    );
    send.finish(None);

    tokio::task::spawn_blocking(move || telemetry.shutdown().expect("shutdown"))
        .await
        .expect("shutdown");
    let spans = collector.wait_for_spans(9, WAIT).await;
    let metrics = collector.metrics();
    for (name, kind) in HISTOGRAMS {
        let metric = metrics
            .find(name)
            .unwrap_or_else(|| panic!("{name} not exported: {:?}", metrics.names()));
        let MetricData::Histogram { points, .. } = &metric.data else {
            panic!("{name} is not a histogram: {:?}", metric.data);
        };
        let exemplars: Vec<_> = points.iter().flat_map(|p| &p.exemplars).collect();
        assert!(!exemplars.is_empty(), "{name}: no exemplars on {points:?}");
        for e in exemplars {
            let span = named_span(&spans, e.trace_id.as_deref(), e.span_id.as_deref())
                .unwrap_or_else(|| panic!("{name}: exemplar {e:?} names no received span\n{}", spans.tree()));
            assert_eq!(span.0, kind, "{name}: exemplar in span {:?}", span.1);
        }
    }
}

fn named_span(spans: &Spans, trace_id: Option<&str>, span_id: Option<&str>) -> Option<(SpanKind, String)> {
    spans
        .iter()
        .find(|s| Some(s.trace_id.as_str()) == trace_id && Some(s.span_id.as_str()) == span_id)
        .map(|s| (s.kind.clone(), s.name.clone()))
}
