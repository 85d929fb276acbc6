//! What the demo records through NATS JetStream and the Redis cache, checked over one
//! run's spans and metrics: the broker hop (a `publish` in orders, its `process` in
//! notifications, in the same trace and linked to it, then settled) and the cache (a
//! `GET` per lookup; the database and a `SET` after a miss).

use otel_kit::opentelemetry::trace::{SpanKind, Status};
use otel_kit::testing::{AttributeValue, MetricRecord, SpanRecord};

use crate::totals::{all, counter_total, histogram_count, with};
use crate::traces::service;

/// The subject template: the run id stays out of span names and metrics.
const TEMPLATE: &str = "notifications.*";

fn text<'a>(span: &'a SpanRecord, key: &str) -> Option<&'a str> {
    span.attribute(key).and_then(AttributeValue::as_str)
}

fn children<'a>(spans: &'a [SpanRecord], parent: &SpanRecord) -> Vec<&'a SpanRecord> {
    let mut children: Vec<&SpanRecord> = spans
        .iter()
        .filter(|s| s.parent_span_id.as_deref() == Some(parent.span_id.as_str()))
        .collect();
    children.sort_by_key(|s| s.start_time_unix_nano);
    children
}

/// How a queue shows in the telemetry.
struct Queue {
    system: &'static str,
    /// The producer's span name, and the consumer's.
    send: String,
    process: String,
    /// `messaging.destination.template`, else `messaging.destination.name` on metrics.
    template: Option<&'static str>,
}

/// `published` confirmations went through the in-process queue, `undelivered` of them
/// refused by the e-mail provider: each a `send` → `process` pair, as with a broker but
/// with nothing to settle.
pub(crate) fn assert_channel(
    spans: &[SpanRecord],
    metrics: &[MetricRecord],
    published: usize,
    undelivered: usize,
) {
    let queue = Queue {
        system: "tokio_mpsc",
        send: "send notifications".to_owned(),
        process: "process notifications".to_owned(),
        template: None,
    };
    for process in assert_hops(&queue, spans, metrics, published, undelivered) {
        assert!(
            children(spans, process)
                .iter()
                .all(|s| !s.name.starts_with("ack"))
        );
    }
}

/// `published` confirmations went through JetStream, `undelivered` of them refused by
/// the e-mail provider; each is one publish → process → settle chain (`ack`, or `term`
/// for a refused one: it is never redelivered), and the messaging metrics count them.
pub(crate) fn assert_jetstream(
    spans: &[SpanRecord],
    metrics: &[MetricRecord],
    published: usize,
    undelivered: usize,
) {
    let queue = Queue {
        system: "nats",
        send: format!("publish {TEMPLATE}"),
        process: format!("process {TEMPLATE}"),
        template: Some(TEMPLATE),
    };
    for process in assert_hops(&queue, spans, metrics, published, undelivered) {
        assert_eq!(
            text(process, "messaging.destination.subscription.name"),
            Some("notifications")
        );
        let settle: Vec<&SpanRecord> = children(spans, process)
            .into_iter()
            .filter(|s| text(s, "messaging.operation.type") == Some("settle"))
            .collect();
        let [settle] = settle.as_slice() else {
            panic!("one settle span under {process:?}: {settle:#?}");
        };
        assert_eq!(settle.kind, SpanKind::Client);
        let expected = if matches!(process.status, Status::Error { .. }) {
            "term"
        } else {
            "ack"
        };
        assert_eq!(settle.name, format!("{expected} {TEMPLATE}"));
    }
}

/// The producer and consumer spans of `queue` and its metrics; returns the process spans.
fn assert_hops<'a>(
    queue: &Queue,
    spans: &'a [SpanRecord],
    metrics: &[MetricRecord],
    published: usize,
    undelivered: usize,
) -> Vec<&'a SpanRecord> {
    let sends: Vec<&SpanRecord> = spans.iter().filter(|s| s.name == queue.send).collect();
    assert_eq!(sends.len(), published, "{} spans", queue.send);
    let mut processes = Vec::new();
    for send in sends {
        assert_eq!(
            (send.kind.clone(), service(send).as_str()),
            (SpanKind::Producer, "orders")
        );
        assert_eq!(
            text(send, "messaging.system.name"),
            Some(queue.system),
            "{send:?}"
        );
        assert_eq!(text(send, "messaging.operation.type"), Some("send"));
        assert_eq!(text(send, "messaging.destination.template"), queue.template);
        assert!(
            text(send, "messaging.destination.name").is_some_and(|n| n.starts_with("notifications")),
            "{send:?}"
        );
        assert_eq!(send.status, Status::Unset, "queued: {send:?}");

        let under = children(spans, send);
        let [process] = under.as_slice() else {
            panic!("one process span under {send:?}: {under:#?}");
        };
        assert_eq!(process.name, queue.process);
        assert_eq!(
            (process.kind.clone(), service(process).as_str()),
            (SpanKind::Consumer, "notifications")
        );
        assert_eq!(process.trace_id, send.trace_id, "in the producer's trace");
        assert!(
            process.links.iter().any(|l| l.span_id == send.span_id),
            "linked to its producer: {process:?}"
        );
        assert_eq!(text(process, "messaging.operation.type"), Some("process"));
        assert!(text(process, "shop.order.id").is_some(), "{process:?}");
        if matches!(process.status, Status::Error { .. }) {
            assert!(
                text(process, "error.type").is_some_and(|t| t.ends_with("NotSent")),
                "{process:?}"
            );
        }
        processes.push(*process);
    }
    let refused = processes
        .iter()
        .filter(|p| matches!(p.status, Status::Error { .. }))
        .count();
    assert_eq!(refused, undelivered, "process spans failed by a refused address");

    let system = with("messaging.system.name", queue.system);
    let published = published as f64;
    assert_eq!(
        counter_total(metrics, "orders", "messaging.client.sent.messages", &system),
        published
    );
    assert_eq!(
        counter_total(
            metrics,
            "notifications",
            "messaging.client.consumed.messages",
            &system
        ),
        published
    );
    let processed = histogram_count(metrics, "notifications", "messaging.process.duration", &system);
    assert_eq!(processed as f64, published);
    let failed = histogram_count(metrics, "notifications", "messaging.process.duration", |a| {
        system(a) && a.iter().any(|(k, _)| k == "error.type")
    });
    assert_eq!(failed, undelivered as u64);
    // The run's subject never on a metric: one series per destination, whatever the run.
    let destination = queue
        .template
        .map_or(("messaging.destination.name", "notifications"), |template| {
            ("messaging.destination.template", template)
        });
    for (metric, service) in [
        ("messaging.client.sent.messages", "orders"),
        ("messaging.client.consumed.messages", "notifications"),
    ] {
        assert_eq!(
            counter_total(metrics, service, metric, with(destination.0, destination.1)),
            counter_total(metrics, service, metric, all),
            "{metric}: {destination:?} on every series"
        );
    }
    processes
}

/// Every lookup is an `inventory lookup` span with `shop.cache.hit`; a hit has its `GET`
/// alone under it, a miss the `GET`, the database's `SELECT` and (for a sku that exists)
/// the `SET`. Returns (hits, misses).
pub(crate) fn assert_cache(spans: &[SpanRecord], metrics: &[MetricRecord], lookups: usize) -> (usize, usize) {
    let found: Vec<&SpanRecord> = spans.iter().filter(|s| s.name == "inventory lookup").collect();
    assert_eq!(found.len(), lookups, "inventory lookup spans");
    let (mut hits, mut misses, mut commands) = (0, 0, 0);
    for lookup in found {
        assert_eq!(
            (lookup.kind.clone(), service(lookup).as_str()),
            (SpanKind::Internal, "orders")
        );
        let sku = text(lookup, "shop.product.sku").unwrap_or_else(|| panic!("{lookup:?}"));
        let under = children(spans, lookup);
        let names: Vec<&str> = under.iter().map(|s| s.name.as_str()).collect();
        match lookup.attribute("shop.cache.hit") {
            Some(AttributeValue::Bool(true)) => {
                hits += 1;
                assert_eq!(names, ["GET"], "a hit: {lookup:?}");
            }
            Some(AttributeValue::Bool(false)) if sku == "discontinued-mug" => {
                misses += 1;
                assert_eq!(names, ["GET", "SELECT inventory"], "an unknown sku is not cached");
            }
            Some(AttributeValue::Bool(false)) => {
                misses += 1;
                assert_eq!(names, ["GET", "SELECT inventory", "SET"], "a miss: {lookup:?}");
            }
            other => panic!("shop.cache.hit is {other:?}: {lookup:?}"),
        }
        for command in under.iter().filter(|s| s.name != "SELECT inventory") {
            commands += 1;
            assert_eq!(text(command, "db.system.name"), Some("redis"), "{command:?}");
            assert_eq!(text(command, "db.operation.name"), Some(command.name.as_str()));
            let query = text(command, "db.query.text").unwrap_or_default();
            let key = query.split(' ').nth(1).unwrap_or_default();
            assert!(
                key.starts_with("checkout:") && key.ends_with(&format!(":price:{sku}")),
                "this run's key for {sku}: {query}"
            );
            if command.name == "SET" {
                assert!(
                    query.ends_with(" ? ? ?"),
                    "the value and TTL are not recorded: {query}"
                );
            }
        }
    }
    let measured = histogram_count(
        metrics,
        "orders",
        "db.client.operation.duration",
        with("db.system.name", "redis"),
    );
    assert_eq!(measured, commands as u64, "one measurement per command");
    (hits, misses)
}
