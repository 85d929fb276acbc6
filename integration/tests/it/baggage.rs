//! Baggage onto spans and logs across a real HTTP hop, through `init()` (globals and the
//! `tracing` subscriber installed: alone in a child process of this binary).
//!
//! A client sends a `baggage` header to an axum service with otel-kit-http's server
//! layer; the handler logs through `tracing`, inside and outside a `tracing` span of its
//! own, and calls a downstream service with otel-kit-http's client middleware. Exported
//! over OTLP/HTTP through rotel (`TEST_OTLP_COLLECTOR_BIN`; without it, straight to the
//! in-process collector, and the test says so) to the in-process collector:
//! - every span of the request (server, internal, client) and every log record carries
//!   the allow-listed members, and no other;
//! - the e-mail address is scrubbed, a hash key hashed, a credential key dropped:
//!   redaction applies to what was copied;
//! - the downstream service receives the e-mail as the client sent it;
//! - no metric point carries a member;
//! - a 100 KiB `baggage` header (over the W3C limits) copies nothing and breaks nothing.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::get;
use opentelemetry::trace::SpanKind;
use otel_kit_testing::SpanRecord;
use otel_kit_testing::{Protocol, Rotel, TestCollector, alone};

const WAIT: Duration = Duration::from_secs(10);
const SECRET: &str = "0123456789abcdef-integration";
const SENT: &str = "tenant.id=acme,user.tier=gold,user.email=ada%40example.com,\
                    session.token=t-123,enduser.id=ada,cart.note=hidden-note";
/// Listed members that are never on telemetry: dropped by redaction, or not listed.
const NEVER: [&str; 2] = ["session.token", "cart.note"];

fn env(pairs: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let map: HashMap<&'static str, String> = pairs.into_iter().collect();
    move |key| map.get(key).cloned()
}

#[test]
fn baggage_reaches_spans_and_logs_across_a_real_hop_and_never_metrics() {
    alone(
        "baggage::baggage_reaches_spans_and_logs_across_a_real_hop_and_never_metrics",
        || crate::block_on(hop()),
    );
}

/// The `baggage` headers the downstream service received.
type Received = Arc<Mutex<Vec<String>>>;

async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    addr
}

async fn checkout(State(downstream): State<String>) -> &'static str {
    tracing::info!(order.id = 7, "order placed");
    tracing::info_span!("reserve_stock").in_scope(|| tracing::info!("stock reserved"));
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(otel_kit_http::ClientMiddleware::default())
        .build();
    let response = client.get(&downstream).send().await.expect("downstream");
    assert_eq!(response.status(), 200);
    "ok"
}

async fn hop() {
    let collector = TestCollector::start().await.expect("collector");
    let rotel = match Rotel::binary_from_env() {
        Some(bin) => Some(Rotel::start(&bin, &collector, Protocol::Grpc).expect("start rotel")),
        None => {
            eprintln!("exporting straight to the in-process collector, without rotel");
            None
        }
    };
    let endpoint = rotel
        .as_ref()
        .map_or_else(|| collector.endpoint(), |r| r.endpoint("http/protobuf"));
    let telemetry = otel_kit_init::builder()
        .service_name("baggage-app")
        .environment(env(vec![
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf".into()),
            ("OTEL_BSP_SCHEDULE_DELAY", "50".into()),
            ("OTEL_BLRP_SCHEDULE_DELAY", "50".into()),
            (
                "OTEL_KIT_BAGGAGE_ATTRIBUTES",
                "tenant.id,user.tier,user.email,session.token,enduser.id".into(),
            ),
            ("OTEL_KIT_REDACT_HASH_KEYS", "enduser.id".into()),
            ("OTEL_KIT_REDACT_HASH_SECRET", SECRET.into()),
        ]))
        .init()
        .expect("init");

    let received: Received = Arc::default();
    let downstream = serve(
        Router::new().route(
            "/stock",
            get(
                |State(received): State<Received>, headers: HeaderMap| async move {
                    let baggage = headers.get("baggage").and_then(|v| v.to_str().ok()).unwrap_or("");
                    received.lock().expect("lock").push(baggage.to_owned());
                    "ok"
                },
            )
            .with_state(Arc::clone(&received)),
        ),
    )
    .await;
    let front = serve(
        Router::new()
            .route("/checkout", get(checkout))
            .route("/plain", get(|| async { "ok" }))
            .with_state(format!("http://{downstream}/stock"))
            .layer(otel_kit_http::ServerLayer::new()),
    )
    .await;

    let client = reqwest::Client::new();
    let response = client
        .get(format!("http://{front}/checkout"))
        .header("baggage", SENT)
        .send()
        .await
        .expect("checkout");
    assert_eq!(response.status(), 200);
    // Hostile: far over the W3C limits (8192 bytes in all); hyper still reads it.
    let huge = format!("tenant.id={}", "a".repeat(100 * 1024));
    let response = client
        .get(format!("http://{front}/plain"))
        .header("baggage", huge)
        .send()
        .await
        .expect("plain");
    assert_eq!(response.status(), 200);

    let spans = collector.wait_for_spans(4, WAIT).await;
    let logs = collector.wait_for_logs(2, WAIT).await;
    tokio::task::spawn_blocking(move || {
        telemetry.force_flush().expect("flush");
        telemetry.shutdown().expect("shutdown");
    })
    .await
    .expect("shutdown task");
    let metrics = collector
        .wait_for_metric("http.server.request.duration", WAIT)
        .await;
    let log = || rotel.as_ref().map(Rotel::log).unwrap_or_default();

    let hashed = otel_kit_init::redaction::Redaction::none()
        .hash_keys(["enduser.id"], SECRET)
        .build()
        .expect("rules")
        .hash("ada")
        .expect("hash");
    let expected = [
        ("enduser.id", hashed.as_str()),
        ("tenant.id", "acme"),
        ("user.email", "[REDACTED:email]"),
        ("user.tier", "gold"),
    ];
    let members = |attributes: &[(String, otel_kit_testing::AttributeValue)]| {
        let mut found: Vec<(String, String)> = attributes
            .iter()
            .filter(|(k, _)| expected.iter().any(|(e, _)| e == k) || NEVER.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("<not a string>").to_owned()))
            .collect();
        found.sort();
        found
    };
    let want: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();

    let spans = spans.as_slice();
    let is_plain = |s: &SpanRecord| s.attribute("url.path").and_then(|v| v.as_str()) == Some("/plain");
    let hop: Vec<&SpanRecord> = spans.iter().filter(|s| !is_plain(s)).collect();
    let kinds: Vec<&SpanKind> = hop.iter().map(|s| &s.kind).collect();
    assert!(
        kinds.contains(&&SpanKind::Server) && kinds.contains(&&SpanKind::Client) && hop.len() == 3,
        "{hop:#?}\nrotel: {}",
        log()
    );
    for span in &hop {
        assert_eq!(
            members(&span.attributes),
            want,
            "span {} ({:?})",
            span.name,
            span.kind
        );
    }
    let plain: Vec<&SpanRecord> = spans.iter().filter(|s| is_plain(s)).collect();
    assert_eq!(plain.len(), 1, "{spans:#?}");
    assert!(
        members(&plain[0].attributes).is_empty(),
        "{:?}",
        plain[0].attributes
    );

    let ours: Vec<_> = logs
        .as_slice()
        .iter()
        .filter(|r| matches!(r.body_str(), Some("order placed" | "stock reserved")))
        .collect();
    assert_eq!(ours.len(), 2, "{:#?}", logs.as_slice());
    for record in ours {
        assert_eq!(members(&record.attributes), want, "log {:?}", record.body_str());
    }

    let downstream_got = received.lock().expect("lock").clone();
    assert_eq!(downstream_got.len(), 1);
    let header = &downstream_got[0];
    assert!(
        header.contains("user.email=ada%40example.com") || header.contains("user.email=ada@example.com"),
        "the outgoing header keeps the e-mail as sent: {header}"
    );
    assert!(
        header.contains("tenant.id=acme") && !header.contains("REDACTED"),
        "{header}"
    );

    for metric in metrics.as_slice() {
        let text = format!("{:?}", metric.data);
        for needle in [
            "tenant.id",
            "user.tier",
            "user.email",
            "enduser.id",
            "acme",
            "gold",
        ] {
            assert!(!text.contains(needle), "{} carries {needle}: {text}", metric.name);
        }
    }
}
