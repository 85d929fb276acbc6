use std::sync::Arc;

use otel_kit::opentelemetry::trace::{SpanKind, Status};
use otel_kit::testing::{AttributeValue, ResourceInfo, ScopeInfo, SpanRecord};

use super::{waterfall, waterfalls};

const T1: &str = "11111111111111111111111111111111";
const T2: &str = "22222222222222222222222222222222";
const T3: &str = "33333333333333333333333333333333";
/// An arbitrary epoch for the tests' clocks, in ns.
const BASE: u64 = 1_700_000_000_000_000_000;

struct Spec<'a> {
    trace: &'a str,
    service: &'a str,
    name: &'a str,
    kind: SpanKind,
    id: &'a str,
    parent: Option<&'a str>,
    /// Start and end in ms after `BASE`.
    ms: (u64, u64),
    status: Status,
    attributes: Vec<(&'a str, AttributeValue)>,
}

fn span(s: Spec<'_>) -> SpanRecord {
    SpanRecord {
        name: s.name.to_owned(),
        kind: s.kind,
        trace_id: s.trace.to_owned(),
        span_id: s.id.repeat(16 / s.id.len()),
        parent_span_id: s.parent.map(|p| p.repeat(16 / p.len())),
        trace_state: String::new(),
        flags: 1,
        start_time_unix_nano: BASE + s.ms.0 * 1_000_000,
        end_time_unix_nano: BASE + s.ms.1 * 1_000_000,
        attributes: s.attributes.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        events: Vec::new(),
        links: Vec::new(),
        status: s.status,
        dropped_attributes_count: 0,
        dropped_events_count: 0,
        dropped_links_count: 0,
        resource: Arc::new(ResourceInfo {
            attributes: vec![("service.name".to_owned(), s.service.into())],
            schema_url: String::new(),
        }),
        scope: Arc::new(ScopeInfo::default()),
    }
}

/// A plain span of `trace` in `service`, to be adjusted field by field.
fn spec<'a>(trace: &'a str, service: &'a str, name: &'a str, id: &'a str, ms: (u64, u64)) -> Spec<'a> {
    Spec {
        trace,
        service,
        name,
        kind: SpanKind::Internal,
        id,
        parent: None,
        ms,
        status: Status::Unset,
        attributes: Vec::new(),
    }
}

/// A checkout trace of 100 ms, given out of order, with an orphan GenAI span.
fn checkout() -> Vec<SpanRecord> {
    vec![
        span(Spec {
            kind: SpanKind::Client,
            parent: Some("c1"),
            attributes: vec![
                ("db.system.name", "sqlite".into()),
                ("db.query.summary", "INSERT orders".into()),
            ],
            ..spec(T1, "orders", "INSERT orders", "d1", (20, 30))
        }),
        span(Spec {
            kind: SpanKind::Server,
            status: Status::Ok,
            attributes: vec![
                ("http.request.method", "POST".into()),
                ("http.route", "/checkout".into()),
                ("url.full", "http://frontend/checkout".into()),
                ("http.response.status_code", 200.into()),
            ],
            ..spec(T1, "frontend", "POST /checkout", "a1", (0, 100))
        }),
        span(Spec {
            kind: SpanKind::Client,
            parent: Some("a1"),
            attributes: vec![
                ("rpc.method", "shop.Orders/Place".into()),
                ("rpc.status_code", "OK".into()),
            ],
            ..spec(T1, "frontend", "shop.Orders/Place", "b1", (10, 60))
        }),
        span(Spec {
            kind: SpanKind::Client,
            parent: Some("a1"),
            attributes: vec![
                ("http.request.method", "POST".into()),
                ("url.full", "http://payments/charge".into()),
                ("http.response.status_code", 402.into()),
            ],
            ..spec(T1, "frontend", "POST", "b2", (5, 8))
        }),
        span(Spec {
            kind: SpanKind::Server,
            parent: Some("b1"),
            ..spec(T1, "orders", "shop.Orders/Place", "c1", (12, 58))
        }),
        span(Spec {
            kind: SpanKind::Client,
            parent: Some("ff"),
            status: Status::error("rate limited"),
            attributes: vec![
                ("gen_ai.operation.name", "chat".into()),
                ("gen_ai.request.model", "gpt-4o".into()),
                ("gen_ai.usage.input_tokens", 12.into()),
                ("error.type", "429".into()),
            ],
            ..spec(T1, "assistant", "chat gpt-4o", "e1", (70, 100))
        }),
    ]
}

fn span_lines(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| l.ends_with('|') && !l.starts_with("span "))
        .collect()
}

#[test]
fn tree_order_indentation_offsets_and_bars() {
    let out = waterfall(&checkout(), T1);
    let lines = span_lines(&out);
    let names: Vec<&str> = lines.iter().map(|l| &l[..29]).map(str::trim_end).collect();
    assert_eq!(
        names,
        [
            "POST /checkout",
            "  POST",
            "  shop.Orders/Place",
            "    shop.Orders/Place",
            "      INSERT orders",
            "chat gpt-4o",
        ],
        "{out}"
    );
    let cells = |i: usize| {
        lines[i][29..]
            .split('|')
            .next()
            .map(str::split_whitespace)
            .map(Vec::from_iter)
    };
    assert_eq!(
        cells(0),
        Some(vec!["frontend", "SERVER", "OK", "0.00", "100.0"]),
        "{out}"
    );
    assert_eq!(
        cells(1),
        Some(vec!["frontend", "CLIENT", "unset", "5.00", "3.00"]),
        "{out}"
    );
    assert_eq!(
        cells(4),
        Some(vec!["orders", "CLIENT", "unset", "20.0", "10.0"]),
        "{out}"
    );
    assert_eq!(
        cells(5),
        Some(vec!["assistant", "CLIENT", "ERROR", "70.0", "30.0"]),
        "{out}"
    );
    // 100 ms on 40 columns: 2.5 ms per column.
    let bar = |i: usize| {
        lines[i]
            .rsplit_once('|')
            .and_then(|(l, _)| l.rsplit_once('|'))
            .map(|(_, b)| b)
    };
    assert_eq!(bar(0), Some("█".repeat(40).as_str()));
    assert_eq!(
        bar(1),
        Some(format!("  ██{}", " ".repeat(36)).as_str()),
        "5-8 ms: columns 2..4"
    );
    assert_eq!(
        bar(4),
        Some(format!("{}████{}", " ".repeat(8), " ".repeat(28)).as_str())
    );
    assert_eq!(
        bar(5),
        Some(format!("{}{}", " ".repeat(28), "█".repeat(12)).as_str())
    );
    assert!(out.lines().all(|l| l.chars().count() <= 119), "{out}");
}

#[test]
fn header_and_axis() {
    let out = waterfall(&checkout(), T1);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some(format!("trace {T1}: 6 spans, 3 services, 100.0 ms, 1 with ERROR").as_str())
    );
    let header = lines.next().expect("column header");
    assert!(header.starts_with("span "), "{header}");
    assert!(
        header.ends_with(&format!("|0{}100.0 ms|", " ".repeat(31))),
        "{header}"
    );
    assert_eq!(header.chars().count(), 119);
}

#[test]
fn key_attributes_by_kind() {
    let out = waterfall(&checkout(), T1);
    let details: Vec<&str> = out.lines().filter(|l| !l.ends_with('|')).skip(1).collect();
    assert_eq!(
        details,
        [
            "  http.request.method=POST http.route=/checkout http.response.status_code=200",
            "    http.request.method=POST url.full=http://payments/charge http.response.status_code=402",
            "    rpc.method=shop.Orders/Place rpc.status_code=OK",
            "        db.system.name=sqlite db.query.summary=\"INSERT orders\"",
            // Wrapped: the line would be longer than 119 characters.
            "  gen_ai.operation.name=chat gen_ai.request.model=gpt-4o gen_ai.usage.input_tokens=12 error.type=429",
            "  error=\"rate limited\" (parent ffffffffffffffff not received)",
        ],
        "{out}"
    );
}

#[test]
fn orphans_are_roots_and_unknown_trace_is_empty() {
    let only_orphans: Vec<SpanRecord> = checkout()
        .into_iter()
        .filter(|s| s.name != "POST /checkout")
        .collect();
    let out = waterfall(&only_orphans, T1);
    let names: Vec<&str> = span_lines(&out).iter().map(|l| l[..29].trim_end()).collect();
    assert_eq!(
        names,
        [
            "POST",
            "shop.Orders/Place",
            "  shop.Orders/Place",
            "    INSERT orders",
            "chat gpt-4o"
        ]
    );
    assert_eq!(
        out.matches("(parent a1a1a1a1a1a1a1a1 not received)").count(),
        2,
        "{out}"
    );
    assert_eq!(waterfall(&checkout(), T2), format!("trace {T2}: no spans\n"));
}

#[test]
fn waterfalls_pick_slowest_and_first_failed_other_trace() {
    let mut spans = checkout();
    spans.push(span(Spec {
        status: Status::error("boom"),
        ..spec(T2, "orders", "late failure", "a2", (300, 350))
    }));
    spans.push(span(Spec {
        status: Status::error("declined"),
        ..spec(T3, "payments", "early failure", "a3", (200, 230))
    }));
    let out = waterfalls(&spans);
    let slowest = out.find(&format!("trace {T1}:")).expect("slowest");
    let failed = out.find("First failed trace").expect("failed section");
    assert!(
        out.starts_with("Slowest trace (longest root span: 100.0 ms)\n"),
        "{out}"
    );
    assert!(slowest < failed, "{out}");
    assert!(out[failed..].contains(&format!("trace {T3}:")), "{out}");
    assert!(!out.contains(&format!("trace {T2}:")), "{out}");
}

#[test]
fn waterfalls_when_the_slowest_is_the_only_failure_or_nothing() {
    let mut spans = checkout();
    spans.push(span(spec(T2, "orders", "fine", "a2", (0, 10))));
    let out = waterfalls(&spans);
    assert!(
        out.ends_with("(The slowest trace is the only failed one.)\n"),
        "{out}"
    );
    assert_eq!(waterfalls(&[]), "No spans received.\n");
}

#[test]
fn parent_cycles_and_duplicates_are_drawn_once() {
    let mut spans = vec![
        span(Spec {
            parent: Some("b1"),
            ..spec(T2, "x", "first", "a1", (0, 10))
        }),
        span(Spec {
            parent: Some("a1"),
            ..spec(T2, "x", "second", "b1", (1, 5))
        }),
    ];
    spans.push(spans[0].clone());
    let out = waterfall(&spans, T2);
    let names: Vec<&str> = span_lines(&out).iter().map(|l| l[..29].trim_end()).collect();
    assert_eq!(names, ["first", "  second"], "{out}");
    assert!(!out.contains("not received"), "{out}");
}

#[test]
fn print_sample() {
    // Shown with `cargo test -p checkout --lib report -- --nocapture print_sample`.
    println!("{}", waterfall(&checkout(), T1));
}
