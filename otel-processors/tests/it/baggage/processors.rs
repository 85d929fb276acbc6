//! The baggage processors on plain SDK providers, with redaction behind them.

use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _};
use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
use opentelemetry::{Context, Key, KeyValue};
use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SimpleSpanProcessor, SpanData};
use otel_kit_processors::baggage::{BaggageAllowList, BaggageLogProcessor, BaggageSpanProcessor};
use otel_kit_processors::redaction::{RedactingLogProcessor, RedactingSpanProcessor, Redaction};

const SECRET: &str = "0123456789abcdef-hash-secret";

fn rules() -> Redaction {
    Redaction::default().hash_keys(["enduser.id"], SECRET)
}

fn baggage() -> Context {
    Context::new().with_baggage([
        KeyValue::new("tenant.id", "acme"),
        KeyValue::new("user.email", "ada@example.com, bob@example.org"),
        KeyValue::new("enduser.id", "ada"),
        KeyValue::new("session.token", "t-123"),
        KeyValue::new("not.listed", "x"),
    ])
}

fn list() -> BaggageAllowList {
    BaggageAllowList::new([
        "tenant.id",
        "user.email",
        "enduser.id",
        "session.token",
        "absent.member",
    ])
    .expect("valid names")
}

/// Baggage in front of redaction in front of the exporter, as `init()` builds it.
fn spans(list: BaggageAllowList, body: impl FnOnce(&SdkTracerProvider)) -> Vec<SpanData> {
    let exporter = InMemorySpanExporter::default();
    let redacting = RedactingSpanProcessor::new(
        SimpleSpanProcessor::new(exporter.clone()),
        rules().build().expect("rules"),
    );
    let provider = SdkTracerProvider::builder()
        .with_span_processor(BaggageSpanProcessor::new(redacting, list))
        .build();
    body(&provider);
    exporter.get_finished_spans().expect("spans")
}

fn sorted(attributes: &[KeyValue]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = attributes
        .iter()
        .map(|kv| (kv.key.to_string(), kv.value.to_string()))
        .collect();
    out.sort();
    out
}

#[test]
fn listed_members_are_copied_scrubbed_then_redacted_and_others_never() {
    let spans = spans(list(), |p| {
        let _g = baggage().attach();
        p.tracer("t").in_span("parent", |_| {
            p.tracer("t").in_span("child", |_| {});
        });
    });
    assert_eq!(spans.len(), 2);
    let hashed = rules().build().expect("rules").hash("ada").expect("a hash key");
    for span in &spans {
        assert_eq!(
            sorted(&span.attributes),
            [
                ("enduser.id".to_owned(), hashed.clone()),
                ("tenant.id".to_owned(), "acme".to_owned()),
                (
                    "user.email".to_owned(),
                    "[REDACTED:email], [REDACTED:email]".to_owned()
                ),
            ],
            "{}: session.token dropped by redaction, not.listed never copied",
            span.name
        );
    }
}

#[test]
fn kept_emails_reach_redaction_as_they_are() {
    let spans = spans(list().keep_emails(), |p| {
        p.tracer("t").start_with_context("s", &baggage()).end();
    });
    let email = spans[0]
        .attributes
        .iter()
        .find(|kv| kv.key.as_str() == "user.email")
        .expect("copied");
    assert_eq!(email.value.as_str(), "ada@example.com, bob@example.org");
}

#[test]
fn the_later_value_wins_and_each_key_is_exported_once() {
    let spans = spans(list(), |p| {
        let tracer = p.tracer("t");
        // Given at start: the member replaces it, as the Java, JS and Python processors do.
        let mut span = tracer
            .span_builder("s")
            .with_attributes([KeyValue::new("tenant.id", "from-start")])
            .start_with_context(&tracer, &baggage());
        // Set afterwards: the application's.
        span.set_attribute(KeyValue::new("user.email", "[set by the app]"));
        span.end();
    });
    let attributes = sorted(&spans[0].attributes);
    let keys: Vec<&str> = attributes.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["enduser.id", "tenant.id", "user.email"]);
    assert_eq!(attributes[1].1, "acme");
    assert_eq!(attributes[2].1, "[set by the app]");
}

#[test]
fn an_empty_list_or_no_baggage_copies_nothing() {
    let empty = BaggageAllowList::new(Vec::<String>::new()).expect("empty");
    let exported = spans(empty, |p| p.tracer("t").start_with_context("s", &baggage()).end());
    assert!(exported[0].attributes.is_empty());
    let exported = spans(list(), |p| {
        p.tracer("t").start_with_context("s", &Context::new()).end()
    });
    assert!(exported[0].attributes.is_empty());
}

#[test]
fn the_largest_baggage_the_api_holds_is_copied_within_the_cap_and_a_larger_one_never_arrives() {
    // The API keeps at most 8192 bytes of baggage in all: a 400 KiB member is refused
    // where baggage is made, and the processors never see it.
    let huge = "a".repeat(400 * 1024);
    let cx = Context::new().with_baggage([KeyValue::new("tenant.id", huge)]);
    assert!(cx.baggage().is_empty());
    let big = "b".repeat(8192 - "tenant.id".len() - 1);
    let cx = Context::new().with_baggage([KeyValue::new("tenant.id", big.clone())]);
    assert_eq!(cx.baggage().len(), 1);
    // Copied within the request-value cap, or whole with a cap as large as it.
    let spans_cut = spans(list(), |p| p.tracer("t").start_with_context("s", &cx).end());
    assert_eq!(
        spans_cut[0].attributes,
        [KeyValue::new("tenant.id", big[..4096].to_owned())]
    );
    let whole = spans(list().max_value_bytes(8192), |p| {
        p.tracer("t").start_with_context("s", &cx).end()
    });
    assert_eq!(whole[0].attributes, [KeyValue::new("tenant.id", big)]);
}

#[test]
fn several_exporting_processors_copy_once_and_each_exports_the_key_once() {
    let (a, b) = (InMemorySpanExporter::default(), InMemorySpanExporter::default());
    let provider = SdkTracerProvider::builder()
        .with_span_processor(BaggageSpanProcessor::new(
            SimpleSpanProcessor::new(a.clone()),
            list(),
        ))
        .with_span_processor(BaggageSpanProcessor::without_copying(
            SimpleSpanProcessor::new(b.clone()),
            list(),
        ))
        .build();
    let mut span = provider.tracer("t").start_with_context("s", &baggage());
    span.set_attribute(KeyValue::new("tenant.id", "later"));
    span.end();
    for exporter in [a, b] {
        let spans = exporter.get_finished_spans().expect("spans");
        let tenant: Vec<_> = spans[0]
            .attributes
            .iter()
            .filter(|kv| kv.key.as_str() == "tenant.id")
            .collect();
        assert_eq!(tenant, [&KeyValue::new("tenant.id", "later")]);
        assert_eq!(spans[0].attributes.len(), 4, "{:?}", spans[0].attributes);
    }
}

#[test]
fn log_records_get_the_current_baggage_before_redaction_and_keep_their_own_attributes() {
    let exporter = InMemoryLogExporter::default();
    let provider = SdkLoggerProvider::builder()
        .with_log_processor(BaggageLogProcessor::new(list()))
        .with_log_processor(RedactingLogProcessor::new(rules().build().expect("rules")))
        .with_simple_exporter(exporter.clone())
        .build();
    let logger = provider.logger("t");
    {
        let _g = baggage().attach();
        let mut record = logger.create_log_record();
        record.add_attribute("tenant.id", "the record's own");
        logger.emit(record);
    }
    logger.emit(logger.create_log_record());
    let logs = exporter.get_emitted_logs().expect("logs");
    let attributes = |i: usize| {
        let mut a: Vec<(String, String)> = logs[i]
            .record
            .attributes_iter()
            .map(|(k, v): &(Key, AnyValue)| match v {
                AnyValue::String(s) => (k.to_string(), s.to_string()),
                other => panic!("{k}: not a string: {other:?}"),
            })
            .collect();
        a.sort();
        a
    };
    let hashed = rules().build().expect("rules").hash("ada").expect("a hash key");
    assert_eq!(
        attributes(0),
        [
            ("enduser.id".to_owned(), hashed),
            ("tenant.id".to_owned(), "the record's own".to_owned()),
            (
                "user.email".to_owned(),
                "[REDACTED:email], [REDACTED:email]".to_owned()
            ),
        ]
    );
    assert!(attributes(1).is_empty(), "no baggage current: nothing copied");
}

/// A client's listed member of 8,000 bytes (within the W3C limit) reaches the span cut to
/// the request-value cap; an address across the cut is still scrubbed.
#[test]
fn a_clients_long_member_is_cut_to_the_request_value_cap() {
    let long = Context::new().with_baggage([KeyValue::new("tenant.id", "t".repeat(8000))]);
    let straddling = format!("{} ada@example.com {}", "x".repeat(4085), "y".repeat(100));
    let straddling = Context::new().with_baggage([KeyValue::new("user.note", straddling)]);
    let list = BaggageAllowList::new(["tenant.id", "user.note"]).expect("names");
    assert_eq!(list.value_limit(), 4096, "the request-value cap by default");
    let copied = |list: BaggageAllowList, cx: &Context, key: &str| {
        let finished = spans(list, |provider| {
            provider.tracer("t").start_with_context("op", cx).end();
        });
        finished[0]
            .attributes
            .iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| kv.value.as_str().into_owned())
            .expect("copied")
    };
    assert_eq!(copied(list.clone(), &long, "tenant.id").len(), 4096);
    let note = copied(list.clone(), &straddling, "user.note");
    assert!(
        note.len() <= 4096 && !note.contains("ada@"),
        "{}",
        &note[note.len() - 20..]
    );
    assert_eq!(copied(list.max_value_bytes(16), &long, "tenant.id").len(), 16);
}
