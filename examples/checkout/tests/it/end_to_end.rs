//! The checkout demo as a user runs it, as a child process, through the real rotel
//! collector, over OTLP/gRPC and over OTLP/HTTP (rotel forwards to otel-kit-testing's
//! collector): one complete trace per checkout, the metrics of every service, logs in
//! their traces (needs `TEST_OTLP_COLLECTOR_BIN`; PostgreSQL instead of SQLite for the
//! HTTP runs when `TEST_POSTGRES_URL` is set). Both ways: with the embedded defaults,
//! and with NATS JetStream and the Redis cache when `TEST_NATS_URL` / `TEST_REDIS_URL`
//! are set (over OTLP/HTTP), where the broker hop and the cache are checked span by span.

use std::time::{Duration, Instant};

use otel_kit::opentelemetry::trace::{SpanKind, Status};
use otel_kit::testing::{AttributeValue, Protocol, Rotel, SpanRecord, TestCollector};

use crate::broker_and_cache::{assert_cache, assert_channel, assert_jetstream};
use crate::demo::{CHECKOUTS, Services, run_checkouts};
use crate::totals::{all, histogram_count};
use crate::traces::{Variant, checkout_tree, service, trees, without_report};

const WAIT: Duration = Duration::from_secs(30);

/// Checkouts that succeed (201) in every 25: 18 plain, the bulk order, the rate-limited
/// fraud check, and the undeliverable confirmation.
const SUCCEEDED: usize = 21;

/// Waits until the collector has all spans: none new for a second.
async fn settled_spans(collector: &TestCollector) -> Vec<SpanRecord> {
    let deadline = Instant::now() + WAIT;
    let mut last = usize::MAX;
    loop {
        let spans = collector.spans().into_vec();
        if spans.len() == last || Instant::now() > deadline {
            return spans;
        }
        last = spans.len();
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn through_rotel(protocol: Protocol, services: Services) {
    let Some(bin) = Rotel::binary_from_env() else {
        return;
    };
    let collector = TestCollector::start().await.expect("collector");
    let rotel = Rotel::start(&bin, &collector, protocol).expect("start rotel");
    let (endpoint, otlp_protocol) = match protocol {
        Protocol::Grpc => (rotel.grpc_endpoint(), "grpc"),
        _ => (rotel.http_endpoint(), "http/protobuf"),
    };
    let postgres = std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|_| protocol == Protocol::HttpProtobuf);
    // A file per run: the tests run in parallel.
    let sqlite = std::env::temp_dir().join(format!(
        "checkout-e2e-{}-{protocol:?}-{}.sqlite",
        std::process::id(),
        services.env().len()
    ));
    let database_url = postgres
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", sqlite.display()));
    let mut env = vec![
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", otlp_protocol),
        ("DATABASE_URL", &database_url),
    ];
    env.extend(services.env());
    run_checkouts(&env);
    let spans = settled_spans(&collector).await;
    let ways = services.describe();

    // One trace per checkout, each with one frontend root.
    let roots: Vec<&SpanRecord> = spans.iter().filter(|s| s.name == "POST /checkout").collect();
    assert_eq!(
        roots.len(),
        CHECKOUTS,
        "frontend server spans ({ways}):\n{:#?}",
        spans.iter().map(|s| &s.name).collect::<Vec<_>>()
    );
    let trees = trees(&spans);
    // The rest are the inventory's start-up statements, each a trace of one span.
    let startup: Vec<&String> = trees
        .values()
        .filter(|t| !t.starts_with("POST /checkout (Server, frontend)\n"))
        .collect();
    assert_eq!(trees.len() - startup.len(), CHECKOUTS, "traces");
    assert!(
        startup
            .iter()
            .all(|t| t.lines().count() == 1 && t.ends_with("(Client, orders)\n")),
        "{startup:#?}"
    );
    assert!(
        roots
            .iter()
            .all(|r| r.parent_span_id.is_none() && r.kind == SpanKind::Server)
    );

    // Every successful checkout is the whole tree of one variant (a cache hit or miss, a
    // confirmation sent or refused); the bulk order adds its slow query.
    let succeeded: Vec<&&SpanRecord> = roots
        .iter()
        .filter(|r| r.attribute("http.response.status_code") == Some(&AttributeValue::Int(201)))
        .collect();
    assert_eq!(
        succeeded.len(),
        SUCCEEDED,
        "18 plain, bulk, rate-limited, undeliverable"
    );
    let variants = Variant::all(&services);
    let (mut plain, mut refused) = (0, 0);
    for root in &succeeded {
        let tree = &trees[&root.trace_id];
        let variant = variants
            .iter()
            .find(|v| without_report(tree) == checkout_tree(&services, **v))
            .unwrap_or_else(|| {
                panic!(
                    "an unexpected tree ({ways}):\n{tree}\nexpected one like:\n{}",
                    checkout_tree(&services, variants[0])
                )
            });
        plain += usize::from(without_report(tree) == *tree);
        refused += usize::from(!variant.delivered);
    }
    assert_eq!(plain, SUCCEEDED - 1, "plain trees (all but the bulk order's)");
    if services.nats.is_some() {
        assert_eq!(refused, 1, "the undeliverable confirmation, terminated");
    }

    // Failures are where they belong.
    let status_of = |code: i64| {
        let code = AttributeValue::Int(code);
        roots
            .iter()
            .filter(|r| r.attribute("http.response.status_code") == Some(&code))
            .count()
    };
    assert_eq!(
        [status_of(402), status_of(404), status_of(409), status_of(502)],
        [1, 1, 1, 1],
        "declined, unknown sku, replayed, panic"
    );
    let server = |name: &'static str, svc: &'static str| {
        spans
            .iter()
            .filter(move |s| s.name == name && service(s) == svc && s.kind == SpanKind::Server)
    };
    let not_found = AttributeValue::from("NOT_FOUND");
    assert!(
        server("checkout.orders.v1.Orders/PlaceOrder", "orders")
            .any(|s| s.attribute("rpc.status_code") == Some(&not_found))
    );
    let panicked: Vec<_> = server("POST /charge", "payments")
        .filter(|s| s.attribute("error.type") == Some(&AttributeValue::from("panic")))
        .collect();
    assert_eq!(panicked.len(), 1, "the panicking handler's span");
    assert!(matches!(panicked[0].status, Status::Error { .. }));
    let refused: Vec<_> = spans
        .iter()
        .filter(|s| s.name == "INSERT orders" && s.attribute("error.type").is_some())
        .collect();
    assert_eq!(
        refused.len(),
        1,
        "the replayed order's INSERT, refused by the unique key"
    );
    assert!(matches!(refused[0].status, Status::Error { .. }));
    let too_many = AttributeValue::from("429");
    let rate_limited = spans
        .iter()
        .filter(|s| s.name == "chat gpt-4o-mini" && s.attribute("error.type") == Some(&too_many))
        .count();
    assert_eq!(rate_limited, 1, "the GenAI span of the rate-limited call");
    let db_system = AttributeValue::from(if postgres.is_some() {
        "postgresql"
    } else {
        "sqlite"
    });
    let updates: Vec<_> = spans.iter().filter(|s| s.name == "UPDATE inventory").collect();
    assert!(
        !updates.is_empty()
            && updates
                .iter()
                .all(|s| s.attribute("db.system.name") == Some(&db_system))
    );

    // The queue and the cache, span by span and in their metrics.
    let metrics = collector.metrics();
    if services.nats.is_some() {
        assert_jetstream(&spans, metrics.as_slice(), SUCCEEDED, 1);
    } else {
        assert_channel(&spans, metrics.as_slice(), SUCCEEDED, 1);
    }
    let redis = AttributeValue::from("redis");
    if services.redis.is_some() {
        let (hits, misses) = assert_cache(&spans, metrics.as_slice(), CHECKOUTS);
        // Each sku misses once at least, the unknown one every time; then the rest hit.
        assert!(misses >= 5 && hits >= 10, "{hits} hits, {misses} misses");
    } else {
        assert!(
            !spans
                .iter()
                .any(|s| s.name == "inventory lookup" || s.attribute("db.system.name") == Some(&redis)),
            "no cache without REDIS_URL"
        );
    }

    // The metrics of every service, counting every request.
    let count = |service: &str, name: &str| histogram_count(metrics.as_slice(), service, name, all);
    let all = CHECKOUTS as u64;
    assert_eq!(count("frontend", "http.server.request.duration"), all);
    assert_eq!(count("frontend", "rpc.client.call.duration"), all);
    assert_eq!(count("orders", "rpc.server.call.duration"), all);
    assert!(count("orders", "db.client.operation.duration") >= 5 * 21);
    assert_eq!(
        count("payments", "http.server.request.duration"),
        23,
        "not unknown sku, not replayed"
    );
    assert_eq!(
        count("payments", "gen_ai.client.operation.duration"),
        22,
        "and not the panic"
    );
    assert!(
        count("payments", "gen_ai.client.token.usage") >= 2 * 21,
        "input and output"
    );
    assert_eq!(count("notifications", "gen_ai.client.operation.duration"), 21);
    assert_eq!(
        count("notifications", "gen_ai.client.operation.time_to_first_chunk"),
        21
    );
    for name in ["http.server.active_requests", "db.client.connection.count"] {
        assert!(
            metrics.find(name).is_some(),
            "{name} missing: {:?}",
            metrics.names()
        );
    }

    // Logs, each in the trace of the work it describes.
    let logs = collector.logs();
    let in_consumer = |body: &str| -> usize {
        let found: Vec<_> = logs
            .as_slice()
            .iter()
            .filter(|l| l.body_str() == Some(body))
            .collect();
        for log in &found {
            let consumer = spans.iter().find(|s| {
                Some(&s.span_id) == log.span_id.as_ref() && s.name.starts_with("process notifications")
            });
            let consumer = consumer.unwrap_or_else(|| panic!("log not in a consumer span: {log:?}"));
            assert_eq!(log.trace_id.as_ref(), Some(&consumer.trace_id));
            assert_eq!(
                log.resource.attribute("service.name"),
                Some(&AttributeValue::from("notifications"))
            );
        }
        found.len()
    };
    assert_eq!(in_consumer("order confirmation sent"), SUCCEEDED - 1);
    assert_eq!(in_consumer("confirmation refused by the e-mail provider"), 1);
    let placed: Vec<_> = logs
        .as_slice()
        .iter()
        .filter(|l| l.body_str() == Some("order placed"))
        .collect();
    assert_eq!(placed.len(), SUCCEEDED);
    // The demo's own attributes are namespaced (`shop.*`), as users should copy them.
    let placed_keys: Vec<&str> = placed[0].attributes.iter().map(|(k, _)| k.as_str()).collect();
    for key in ["shop.order.id", "shop.product.sku", "shop.order.quantity"] {
        assert!(placed_keys.contains(&key), "{key} missing from {placed_keys:?}");
    }
    // No card digits in any log line or span, not even the last four.
    let card_fields = |key: &str| key.contains("last4") || key.contains("card");
    for log in logs.as_slice() {
        assert!(!log.attributes.iter().any(|(k, _)| card_fields(k)), "{log:?}");
    }
    for span in &spans {
        assert!(!span.attributes.iter().any(|(k, _)| card_fields(k)), "{span:?}");
    }

    // All of it came through rotel, with the protocol asked for.
    assert!(collector.requests().iter().all(|r| r.protocol == Some(protocol)));
    drop(rotel);
    let _ = std::fs::remove_file(sqlite);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkout_through_rotel_over_grpc() {
    through_rotel(Protocol::Grpc, Services::none()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkout_through_rotel_over_http_protobuf() {
    through_rotel(Protocol::HttpProtobuf, Services::none()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkout_through_rotel_with_nats_and_redis() {
    if let Some(services) = Services::from_env("checkout_through_rotel_with_nats_and_redis") {
        through_rotel(Protocol::HttpProtobuf, services).await;
    }
}
