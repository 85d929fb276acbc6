//! Console lines carry the ids of the current OpenTelemetry span, in text and JSON.

use otel_kit_init::subscriber::{Console, ConsoleFormat, LogFilter};
use otel_kit_testing::TestTelemetry;

use crate::support::subscriber::{Json, dispatch, dispatch_with, is_hex, text_ids};

#[test]
fn text_line_inside_a_span_ends_with_the_exported_span_ids() {
    let t = TestTelemetry::new();
    let (dispatch, console) = dispatch(&t, ConsoleFormat::Text, "info");
    tracing::dispatcher::with_default(&dispatch, || {
        tracing::info!("before");
        tracing::info_span!("checkout", order = 7).in_scope(|| {
            tracing::info!(amount = 12, "paid");
            tracing::info_span!("receipt").in_scope(|| tracing::info!("mailed"));
        });
        tracing::info!("after");
    });

    let spans = t.spans();
    let checkout = spans.span("checkout").record().clone();
    let receipt = spans.span("receipt").record().clone();

    let paid = console.line("paid");
    assert!(
        paid.ends_with(&format!(
            " trace_id={} span_id={}",
            checkout.trace_id, checkout.span_id
        )),
        "{paid}"
    );
    // The rest of the line is tracing-subscriber's usual text.
    assert!(
        paid.contains(" INFO checkout{order=7}: it::subscriber::console: paid amount=12 trace_id="),
        "{paid}"
    );
    assert!(is_hex(&checkout.trace_id, 32) && is_hex(&checkout.span_id, 16));

    // The innermost span's ids, not the root's.
    let mailed = console.line("mailed");
    assert_eq!(
        text_ids(&mailed),
        Some((receipt.trace_id.clone(), receipt.span_id.clone()))
    );
    assert_eq!(receipt.trace_id, checkout.trace_id);

    for outside in ["before", "after"] {
        let line = console.line(outside);
        assert!(!line.contains("trace_id") && !line.contains("span_id"), "{line}");
        assert!(
            line.ends_with(&format!("it::subscriber::console: {outside}")),
            "{line}"
        );
    }
    assert_eq!(console.app_lines().len(), 4, "{}", console.text());
}

#[test]
fn text_ids_survive_colours() {
    let t = TestTelemetry::new();
    let (dispatch, console) = dispatch_with(&t, &LogFilter::default(), |capture| {
        Console::new(ConsoleFormat::Text, capture).with_ansi(true)
    });
    tracing::dispatcher::with_default(&dispatch, || {
        tracing::info_span!("colourful").in_scope(|| tracing::warn!("bright"));
    });
    let span = t.spans().span("colourful").record().clone();
    let line = console.line("bright");
    assert!(line.contains("\u{1b}["), "expected ANSI escapes: {line:?}");
    assert!(
        line.ends_with(&format!(" trace_id={} span_id={}", span.trace_id, span.span_id)),
        "{line:?}"
    );
}

/// The resource's identity is on every JSON line, inside a span or not, escaped, after
/// the span ids; the text format leaves it out.
#[test]
fn json_lines_carry_the_resource_identity() {
    let t = TestTelemetry::new();
    let identity = [
        ("service.name", "orders"),
        ("service.instance.id", "5f0c\"\\x"),
        ("deployment.environment.name", "prod"),
    ];
    let (dispatch, console) = dispatch_with(&t, &LogFilter::default(), |capture| {
        Console::new(ConsoleFormat::Json, capture).resource_identity(identity)
    });
    tracing::dispatcher::with_default(&dispatch, || {
        tracing::info!("outside");
        tracing::info_span!("checkout").in_scope(|| tracing::info!("inside"));
    });
    let lines = console.app_lines();
    assert_eq!(lines.len(), 2, "{}", console.text());
    for line in &lines {
        let doc = Json::parse(line).unwrap_or_else(|| panic!("not JSON: {line}"));
        for (key, value) in identity {
            assert_eq!(doc.get(key).and_then(Json::str), Some(value), "{line}");
        }
    }
    let inside = Json::parse(&lines[1]).expect("JSON");
    assert!(
        inside.get("span_id").and_then(Json::str).is_some(),
        "{}",
        lines[1]
    );

    let (dispatch, console) = dispatch_with(&t, &LogFilter::default(), |capture| {
        Console::new(ConsoleFormat::Text, capture).resource_identity(identity)
    });
    tracing::dispatcher::with_default(&dispatch, || tracing::info!("plain"));
    assert!(!console.text().contains("orders"), "{}", console.text());
}

#[test]
fn json_lines_parse_and_carry_the_exported_span_ids() {
    let t = TestTelemetry::new();
    let (dispatch, console) = dispatch(&t, ConsoleFormat::Json, "info");
    tracing::dispatcher::with_default(&dispatch, || {
        tracing::info!("before");
        tracing::info_span!("checkout", order = 7).in_scope(|| {
            tracing::warn!(amount = 12, "paid");
            // Braces and newlines in values must not confuse where the ids go.
            tracing::info!(payload = "}\n}", "odd {}", "}");
        });
    });

    let spans = t.spans();
    let checkout = spans.span("checkout").record().clone();
    let lines = console.app_lines();
    assert_eq!(lines.len(), 3, "{}", console.text());
    let docs: Vec<Json> = lines
        .iter()
        .map(|l| Json::parse(l).unwrap_or_else(|| panic!("not JSON: {l}")))
        .collect();

    let before = &docs[0];
    assert_eq!(
        before
            .get("fields")
            .and_then(|f| f.get("message"))
            .and_then(Json::str),
        Some("before")
    );
    assert_eq!(before.get("trace_id"), None, "{}", lines[0]);
    assert_eq!(before.get("span_id"), None, "{}", lines[0]);

    let paid = &docs[1];
    assert_eq!(
        paid.get("trace_id").and_then(Json::str),
        Some(checkout.trace_id.as_str())
    );
    assert_eq!(
        paid.get("span_id").and_then(Json::str),
        Some(checkout.span_id.as_str())
    );
    assert_eq!(paid.get("level").and_then(Json::str), Some("WARN"));
    assert_eq!(
        paid.get("target").and_then(Json::str),
        Some("it::subscriber::console")
    );
    assert!(
        paid.get("timestamp").and_then(Json::str).is_some(),
        "{}",
        lines[1]
    );
    let fields = paid.get("fields").expect("fields");
    assert_eq!(fields.get("message").and_then(Json::str), Some("paid"));
    assert_eq!(fields.get("amount"), Some(&Json::Number("12".to_owned())));
    let span = paid.get("span").expect("current span");
    assert_eq!(span.get("name").and_then(Json::str), Some("checkout"));
    assert_eq!(span.get("order"), Some(&Json::Number("7".to_owned())));

    let odd = &docs[2];
    assert_eq!(
        odd.get("fields")
            .and_then(|f| f.get("payload"))
            .and_then(Json::str),
        Some("}\n}")
    );
    assert_eq!(
        odd.get("fields")
            .and_then(|f| f.get("message"))
            .and_then(Json::str),
        Some("odd }")
    );
    assert_eq!(
        odd.get("span_id").and_then(Json::str),
        Some(checkout.span_id.as_str())
    );
}

#[test]
fn ids_follow_the_span_entered_on_another_thread() {
    let t = TestTelemetry::new();
    let (dispatch, console) = dispatch(&t, ConsoleFormat::Text, "info");
    let span = tracing::dispatcher::with_default(&dispatch, || tracing::info_span!("job"));
    std::thread::scope(|s| {
        s.spawn(|| {
            tracing::dispatcher::with_default(&dispatch, || {
                span.in_scope(|| tracing::info!("on worker"));
                tracing::info!("worker idle");
            });
        });
    });
    drop(span);
    let job = t.spans().span("job").record().clone();
    assert_eq!(
        text_ids(&console.line("on worker")),
        Some((job.trace_id, job.span_id))
    );
    assert_eq!(text_ids(&console.line("worker idle")), None);
}

#[test]
fn json_reader_accepts_json_and_rejects_the_rest() {
    let doc = Json::parse(r#" {"a":[1,-2.5e3,true,null],"b":{"c":"x\"\n\u00e9"}} "#).expect("valid");
    assert_eq!(
        doc.get("b").and_then(|b| b.get("c")).and_then(Json::str),
        Some("x\"\né")
    );
    for bad in [
        r#"{"a":1,}"#,
        r#"{"a":1}}"#,
        r#"{"a" 1}"#,
        "{\"a\":\"\n\"}",
        r#"{"a":1"#,
        "",
    ] {
        assert_eq!(Json::parse(bad), None, "{bad:?}");
    }
}
