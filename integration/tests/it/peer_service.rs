//! `OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING` through `otel_kit_init::init()`:
//! the kit's global mapping names the service a CLIENT span calls
//! (`server.service.name`), read by an instrumentation built before `init()`; a bad
//! entry is one warning naming the variable, and the others still apply.

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use opentelemetry::trace::SpanKind;
use otel_kit_testing::{TestCollector, alone};

const WAIT: Duration = Duration::from_secs(10);

#[test]
fn the_variable_names_the_peer_service_of_client_spans() {
    alone(
        "peer_service::the_variable_names_the_peer_service_of_client_spans",
        || {
            crate::block_on(mapped());
        },
    );
}

async fn mapped() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let app_port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        axum::serve(
            listener,
            Router::new().route("/stock/{sku}", get(|| async { "7" })),
        )
        .await
        .expect("serve");
    });
    // Built before init(): the mapping is read when requests are sent.
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(otel_kit_http::ClientMiddleware::default())
        .build();

    let collector = TestCollector::start().await.expect("collector");
    let endpoint = collector.endpoint();
    let mapping = format!("127.0.0.1:{app_port}/stock=inventory, nonsense");
    let telemetry = otel_kit_init::builder()
        .service_name("checkout")
        .environment(move |key| match key {
            "OTEL_EXPORTER_OTLP_ENDPOINT" => Some(endpoint.clone()),
            "OTEL_EXPORTER_OTLP_PROTOCOL" => Some("http/protobuf".into()),
            "OTEL_BSP_SCHEDULE_DELAY" => Some("50".into()),
            "OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING" => Some(mapping.clone()),
            _ => None,
        })
        .init()
        .expect("init");
    let warnings = telemetry.warnings().join("\n");
    assert!(
        warnings.contains("OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING=\"nonsense\""),
        "{warnings}"
    );
    assert_eq!(telemetry.effective_config().peer_services.len(), 1);

    for path in ["/stock/42", "/health"] {
        client
            .get(format!("http://127.0.0.1:{app_port}{path}"))
            .send()
            .await
            .expect("send");
    }
    tokio::task::spawn_blocking(move || telemetry.shutdown().expect("shutdown"))
        .await
        .expect("shutdown");

    let spans = collector.wait_for_spans(2, WAIT).await;
    let clients: Vec<_> = spans
        .as_slice()
        .iter()
        .filter(|span| span.kind == SpanKind::Client)
        .collect();
    assert_eq!(clients.len(), 2, "{clients:?}");
    let peer = |span: &otel_kit_testing::SpanRecord| span.attribute("server.service.name").cloned();
    let url = |span: &otel_kit_testing::SpanRecord| {
        span.attribute("url.full")
            .and_then(|v| v.as_str().map(String::from))
    };
    for span in clients {
        let url = url(span).expect("url.full");
        if url.ends_with("/stock/42") {
            assert_eq!(peer(span), Some("inventory".into()), "{url}");
        } else {
            assert_eq!(peer(span), None, "{url}: the entry covers /stock only");
        }
    }
    collector.shutdown().await;
}
