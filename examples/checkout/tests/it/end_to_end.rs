//! The checkout demo as a user runs it, as a child process:
//! - through the real rotel collector, over OTLP/gRPC and over OTLP/HTTP (rotel forwards
//!   to otel-kit-testing's collector): one complete trace per checkout, the metrics of every
//!   service, logs in their traces (needs `TEST_OTLP_COLLECTOR_BIN`; PostgreSQL instead of
//!   SQLite for the HTTP run when `TEST_POSTGRES_URL` is set);
//! - with nothing configured: the embedded receiver, the waterfalls and the RED table;
//! - `serve` under SIGTERM: requests in flight finish, and their spans reach the collector.

use std::collections::{BTreeMap, HashMap};
use std::io::Read as _;
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

use opentelemetry::trace::{SpanKind, Status};
use otel_kit_testing::{
    AttributeValue, MetricData, Protocol, Rotel, RotelProtocol, SpanRecord, TestCollector,
};

use crate::demo::demo;

/// Checkouts per run: one of each failure (the traffic repeats every 25).
const CHECKOUTS: usize = 25;
const WAIT: Duration = Duration::from_secs(30);

/// The tree of a checkout that succeeds: `name (kind, service)`, children by start time.
const CHECKOUT_TREE: &str = "\
POST /checkout (Server, frontend)
  checkout.orders.v1.Orders/PlaceOrder (Client, frontend)
    checkout.orders.v1.Orders/PlaceOrder (Server, orders)
      BEGIN (Client, orders)
      UPDATE inventory (Client, orders)
      SELECT inventory (Client, orders)
      INSERT orders (Client, orders)
      COMMIT (Client, orders)
      POST (Client, orders)
        POST /charge (Server, payments)
          chat gpt-4o-mini (Client, payments)
            POST (Client, payments)
      send notifications (Producer, orders)
        process notifications (Consumer, notifications)
          chat gpt-4o-mini (Client, notifications)
            POST (Client, notifications)
";

/// Waits for `child` to exit, killing it after `limit`.
fn wait(mut child: Child, limit: Duration) -> Output {
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("checkout did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

fn run_demo(env: &[(&str, &str)]) -> Output {
    let child = demo(
        &["run", "--checkouts", &CHECKOUTS.to_string(), "--concurrency", "4"],
        env,
    )
    .spawn()
    .expect("start checkout");
    let output = wait(child, Duration::from_secs(120));
    assert!(
        output.status.success(),
        "checkout failed: {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn service(span: &SpanRecord) -> String {
    match span.resource_attribute("service.name") {
        Some(AttributeValue::String(name)) => name.clone(),
        other => format!("{other:?}"),
    }
}

/// Each trace's tree, rendered as [`CHECKOUT_TREE`] is, by trace id.
fn trees(spans: &[SpanRecord]) -> BTreeMap<String, String> {
    let mut by_trace: HashMap<&str, Vec<&SpanRecord>> = HashMap::new();
    for span in spans {
        by_trace.entry(&span.trace_id).or_default().push(span);
    }
    by_trace
        .into_iter()
        .map(|(trace_id, mut spans)| {
            spans.sort_by_key(|s| (s.start_time_unix_nano, s.end_time_unix_nano));
            let mut out = String::new();
            let ids: Vec<&str> = spans.iter().map(|s| s.span_id.as_str()).collect();
            for root in spans
                .iter()
                .filter(|s| s.parent_span_id.as_deref().is_none_or(|p| !ids.contains(&p)))
            {
                render(root, &spans, 0, &mut out);
            }
            (trace_id.to_owned(), out)
        })
        .collect()
}

fn render(span: &SpanRecord, all: &[&SpanRecord], depth: usize, out: &mut String) {
    out.push_str(&format!(
        "{}{} ({:?}, {})\n",
        "  ".repeat(depth),
        span.name,
        span.kind,
        service(span)
    ));
    for child in all
        .iter()
        .filter(|s| s.parent_span_id.as_deref() == Some(span.span_id.as_str()))
    {
        render(child, all, depth + 1, out);
    }
}

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

/// The latest cumulative count of histogram `name` of `service`, summed over series.
fn histogram_count(collector: &TestCollector, service_name: &str, name: &str) -> u64 {
    let mut latest: HashMap<String, u64> = HashMap::new();
    for metric in collector.metrics().as_slice() {
        let right_service = matches!(metric.resource.attribute("service.name"),
            Some(AttributeValue::String(s)) if s == service_name);
        if metric.name != name || !right_service {
            continue;
        }
        if let MetricData::Histogram { points, .. } = &metric.data {
            for point in points {
                let series = format!("{:?}", point.attributes);
                let count = latest.entry(series).or_default();
                *count = (*count).max(point.count);
            }
        }
    }
    latest.values().sum()
}

async fn through_rotel(protocol: RotelProtocol) {
    let Some(bin) = Rotel::binary_from_env() else {
        return;
    };
    let collector = TestCollector::start().await.expect("collector");
    let rotel = Rotel::start(&bin, &collector, protocol).expect("start rotel");
    let (endpoint, otlp_protocol) = match protocol {
        RotelProtocol::Grpc => (rotel.grpc_endpoint(), "grpc"),
        RotelProtocol::HttpProtobuf => (rotel.http_endpoint(), "http/protobuf"),
    };
    let postgres = std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|_| protocol == RotelProtocol::HttpProtobuf);
    let sqlite = std::env::temp_dir().join(format!("checkout-e2e-{}.sqlite", std::process::id()));
    let database_url = postgres
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", sqlite.display()));
    run_demo(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", otlp_protocol),
        ("DATABASE_URL", &database_url),
    ]);
    let spans = settled_spans(&collector).await;

    // One trace per checkout, each with one frontend root.
    let roots: Vec<&SpanRecord> = spans.iter().filter(|s| s.name == "POST /checkout").collect();
    assert_eq!(
        roots.len(),
        CHECKOUTS,
        "frontend server spans:\n{:#?}",
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

    // Every successful checkout is the whole tree; the bulk order adds its slow query.
    let succeeded: Vec<&&SpanRecord> = roots
        .iter()
        .filter(|r| r.attribute("http.response.status_code") == Some(&AttributeValue::Int(201)))
        .collect();
    assert_eq!(
        succeeded.len(),
        21,
        "19 plain, 1 bulk, 1 with the LLM rate-limited"
    );
    let mut plain = 0;
    for root in &succeeded {
        let tree = &trees[&root.trace_id];
        if tree == CHECKOUT_TREE {
            plain += 1;
        } else {
            let without_report: String = tree
                .lines()
                .filter(|l| !l.trim_start().starts_with("SELECT SELECT"))
                .map(|l| format!("{l}\n"))
                .collect();
            assert_eq!(without_report, CHECKOUT_TREE, "an unexpected tree:\n{tree}");
        }
    }
    assert_eq!(plain, 20, "plain trees (19 ok + the rate-limited one)");

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
            .any(|s| s.attribute("rpc.response.status_code") == Some(&not_found))
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

    // The metrics of every service, counting every request.
    let count = |service: &str, name: &str| histogram_count(&collector, service, name);
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
    let metrics = collector.metrics();
    for name in ["http.server.active_requests", "db.client.connection.count"] {
        assert!(
            metrics.find(name).is_some(),
            "{name} missing: {:?}",
            metrics.names()
        );
    }

    // Logs, each in the trace of the work it describes.
    let logs = collector.logs();
    let confirmations: Vec<_> = logs
        .as_slice()
        .iter()
        .filter(|l| l.body_str() == Some("order confirmation sent"))
        .collect();
    assert_eq!(confirmations.len(), 21);
    for log in confirmations {
        let consumer = spans
            .iter()
            .find(|s| Some(&s.span_id) == log.span_id.as_ref() && s.name == "process notifications");
        let consumer = consumer.unwrap_or_else(|| panic!("log not in a consumer span: {log:?}"));
        assert_eq!(log.trace_id.as_ref(), Some(&consumer.trace_id));
        assert_eq!(
            log.resource.attribute("service.name"),
            Some(&AttributeValue::from("notifications"))
        );
    }
    let placed: Vec<_> = logs
        .as_slice()
        .iter()
        .filter(|l| l.body_str() == Some("order placed"))
        .collect();
    assert_eq!(placed.len(), 21);
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
    let expected = match protocol {
        RotelProtocol::Grpc => Protocol::Grpc,
        RotelProtocol::HttpProtobuf => Protocol::HttpProtobuf,
    };
    assert!(collector.requests().iter().all(|r| r.protocol == Some(expected)));
    drop(rotel);
    let _ = std::fs::remove_file(sqlite);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkout_through_rotel_over_grpc() {
    through_rotel(RotelProtocol::Grpc).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkout_through_rotel_over_http_protobuf() {
    through_rotel(RotelProtocol::HttpProtobuf).await;
}

#[test]
fn with_nothing_configured_it_prints_waterfalls_and_the_red_table() {
    let sqlite = std::env::temp_dir().join(format!("checkout-embedded-{}.sqlite", std::process::id()));
    let output = run_demo(&[("DATABASE_URL", &format!("sqlite://{}", sqlite.display()))]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "telemetry: embedded OTLP receiver",
        "Slowest trace",
        "First failed trace",
        "POST /checkout",
        "process notifications",
        "RED per service",
    ] {
        assert!(stdout.contains(expected), "{expected:?} missing from:\n{stdout}");
    }
    let red_row = |service: &str, metric: &str| {
        stdout
            .lines()
            .find(|l| l.split_whitespace().take(2).eq([service, metric]))
            .map(str::to_owned)
    };
    let frontend = red_row("frontend", "http.server.request.duration").expect("frontend row");
    let columns: Vec<&str> = frontend.split_whitespace().collect();
    assert_eq!(columns[2], CHECKOUTS.to_string(), "requests: {frontend}");
    assert_eq!(columns[4], "1", "errors (the panic's 502): {frontend}");
    for (service, metric) in [
        ("orders", "rpc.server.call.duration"),
        ("payments", "http.server.request.duration"),
        ("orders", "db.client.operation.duration"),
        ("payments", "gen_ai.client.operation.duration"),
    ] {
        assert!(
            red_row(service, metric).is_some(),
            "no {service} {metric} row in:\n{stdout}"
        );
    }
    let _ = std::fs::remove_file(sqlite);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_drains_on_sigterm_and_flushes_every_span() {
    let collector = TestCollector::start().await.expect("collector");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let sqlite = std::env::temp_dir().join(format!("checkout-serve-{}.sqlite", std::process::id()));
    let mut child = demo(
        &["serve", "--listen", &listen],
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &collector.endpoint()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            // A long schedule delay: only the flush at shutdown can deliver the spans.
            ("OTEL_BSP_SCHEDULE_DELAY", "60000"),
            ("DATABASE_URL", &format!("sqlite://{}", sqlite.display())),
        ],
    )
    .spawn()
    .expect("start checkout serve");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + WAIT;
    while client
        .get(format!("http://{listen}/healthz"))
        .send()
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "serve did not listen");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let body = serde_json::json!({"sku": "kettle", "quantity": 1, "card": "4242424242424242", "email": "a@example.com"});
    for _ in 0..5 {
        let response = client
            .post(format!("http://{listen}/checkout"))
            .json(&body)
            .send()
            .await
            .expect("checkout");
        assert_eq!(response.status(), 201);
    }
    // Requests in flight when SIGTERM arrives: the bulk order's slow query keeps them busy.
    let bulk = serde_json::json!({"sku": "kettle", "quantity": 60, "card": "4242424242424242", "email": "b@example.com"});
    let in_flight: Vec<_> = (0..3)
        .map(|_| {
            tokio::spawn(
                client
                    .post(format!("http://{listen}/checkout"))
                    .json(&bulk)
                    .send(),
            )
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(30)).await;
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(term.success());
    for request in in_flight {
        let response = request
            .await
            .expect("join")
            .expect("a request in flight was cut off");
        assert_eq!(response.status(), 201, "in flight at SIGTERM");
    }
    let status = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                let mut stderr = String::new();
                let _ = child.stderr.take().map(|mut e| e.read_to_string(&mut stderr));
                return (status, stderr);
            }
            assert!(Instant::now() < deadline, "serve did not exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    })
    .await
    .expect("join");
    assert!(
        status.0.success(),
        "exit after SIGTERM: {:?}\n{}",
        status.0,
        status.1
    );
    let spans = collector.spans();
    let checkouts = spans
        .as_slice()
        .iter()
        .filter(|s| s.name == "POST /checkout")
        .count();
    assert_eq!(checkouts, 8, "every request's server span, flushed at shutdown");
    let consumers = spans
        .as_slice()
        .iter()
        .filter(|s| s.name == "process notifications")
        .count();
    assert_eq!(consumers, 8, "the queue drained before the flush");
    let _ = std::fs::remove_file(sqlite);
}
