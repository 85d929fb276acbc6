//! The renderer's hostile cases and the pending buffer's bounds, on hand-made spans.

use opentelemetry::KeyValue;
use opentelemetry::trace::{SpanId, Status, TraceId};

use super::pending::{Limits, Pending, Ready};
use super::{Waterfall, WaterfallSpan};

const MS: u64 = 1_000_000;

fn span(trace: u128, id: u64, parent: u64, ms: (u64, u64)) -> WaterfallSpan {
    WaterfallSpan {
        trace_id: TraceId::from(trace),
        span_id: SpanId::from(id),
        parent_span_id: SpanId::from(parent),
        name: format!("s{id}"),
        start_unix_nanos: ms.0 * MS,
        end_unix_nanos: ms.1 * MS,
        service: Some("svc".into()),
        ..WaterfallSpan::default()
    }
}

const LIMITS: Limits = Limits {
    spans_per_trace: 10,
    pending_spans: 25,
};

#[test]
fn zero_length_trace_draws_one_column_without_dividing_by_zero() {
    let out = Waterfall::new().render(&[span(1, 1, 0, (5, 5)), span(1, 2, 1, (5, 5))]);
    assert!(out.contains("0.00 ms"), "{out}");
    let bars: Vec<&str> = out.lines().filter(|l| l.contains('█')).collect();
    assert_eq!(bars.len(), 2, "{out}");
    assert!(bars.iter().all(|l| l.matches('█').count() == 1), "{out}");
}

#[test]
fn end_before_start_and_a_clock_before_the_epoch_do_not_panic() {
    let backwards = span(1, 1, 0, (10, 3));
    let out = Waterfall::new().render(&[backwards]);
    assert!(out.contains("0.00 |█"), "{out}");
}

#[test]
fn huge_values_and_control_characters_are_cut_and_escaped() {
    let mut s = span(1, 1, 0, (0, 1));
    s.name = "evil\u{1b}[2Jname".into();
    s.status = Status::error("x".repeat(10_000));
    s.attributes = vec![
        KeyValue::new("http.route", "r".repeat(100_000)),
        KeyValue::new("db.query.summary", "a\nb"),
        KeyValue::new("not.shown", "secret-ish"),
    ];
    let out = Waterfall::new().render(&[s]);
    assert!(!out.contains('\u{1b}'), "{out}");
    assert!(out.contains("evil\\u{1b}[2Jname"), "{out}");
    assert!(out.contains(r#"db.query.summary="a\nb""#), "{out}");
    assert!(!out.contains("not.shown"), "{out}");
    assert!(out.lines().all(|l| l.chars().count() <= 119), "{out}");
    assert!(out.len() < 2_000, "{} bytes", out.len());
}

#[test]
fn keep_key_attributes_cuts_long_strings_before_they_are_kept() {
    let mut s = span(1, 1, 0, (0, 1));
    s.attributes = vec![
        KeyValue::new("http.route", "r".repeat(100_000)),
        KeyValue::new("other", 1),
    ];
    Waterfall::new().keep_key_attributes(&mut s);
    assert_eq!(s.attributes.len(), 1);
    assert_eq!(s.attributes[0].value.as_str().chars().count(), 80);
}

fn push_all(pending: &mut Pending, spans: impl IntoIterator<Item = WaterfallSpan>) -> Vec<Ready> {
    let mut ready = Vec::new();
    for s in spans {
        pending.push(s, LIMITS, &mut ready);
    }
    ready
}

#[test]
fn a_million_span_trace_keeps_only_the_per_trace_limit_and_counts_the_rest() {
    let mut pending = Pending::default();
    let children = (2..1_000_002).map(|id| span(1, id, 1, (1, 2)));
    let ready = push_all(&mut pending, children);
    assert!(ready.is_empty());
    assert_eq!(pending.held(), 10);
    let ready = push_all(&mut pending, [span(1, 1, 0, (0, 3))]);
    assert_eq!(pending.held(), 0);
    assert_eq!(ready.len(), 1);
    assert_eq!(ready[0].spans.len(), 11);
    assert_eq!(ready[0].note, ", 999990 spans dropped (over 10 per trace)");
}

#[test]
fn roots_that_never_end_push_the_oldest_trace_out_incomplete() {
    let mut pending = Pending::default();
    // 100 traces of 2 spans each, none with its root: at most 25 spans are held.
    let spans = (0..100u64).flat_map(|t| {
        [
            span(u128::from(t) + 1, 10 * t + 2, 10 * t + 1, (0, 1)),
            span(u128::from(t) + 1, 10 * t + 3, 10 * t + 1, (0, 1)),
        ]
    });
    let ready = push_all(&mut pending, spans);
    assert!(pending.held() <= 25, "{}", pending.held());
    let printed: usize = ready.iter().map(|r| r.spans.len()).sum();
    assert_eq!(printed + pending.held(), 200, "nothing lost without a trace");
    assert_eq!(ready[0].spans[0].trace_id, TraceId::from(1), "the oldest first");
    assert!(ready[0].note.starts_with(", INCOMPLETE: "), "{}", ready[0].note);

    let mut rest = Vec::new();
    pending.drain(LIMITS, "printed at shutdown", &mut rest);
    assert_eq!(pending.held(), 0);
    assert_eq!(rest.iter().map(|r| r.spans.len()).sum::<usize>() + printed, 200);
    assert!(rest.iter().all(|r| r.note == ", INCOMPLETE: printed at shutdown"));
}

#[test]
fn a_local_root_takes_only_its_own_subtree() {
    let mut pending = Pending::default();
    // Trace 1: a remote-parented server span 10 (under client 5, still open) with a
    // child 11; and 6, a sibling of 5, which ended too.
    let mut server = span(1, 10, 5, (2, 8));
    server.parent_is_remote = true;
    let ready = push_all(
        &mut pending,
        [span(1, 11, 10, (3, 4)), span(1, 6, 1, (1, 2)), server],
    );
    assert_eq!(ready.len(), 1);
    let ids: Vec<SpanId> = ready[0].spans.iter().map(|s| s.span_id).collect();
    assert_eq!(ids, [SpanId::from(10), SpanId::from(11)]);
    assert_eq!(pending.held(), 1, "6 waits for its root");
    let ready = push_all(&mut pending, [span(1, 5, 1, (1, 9)), span(1, 1, 0, (0, 10))]);
    assert_eq!(ready[0].spans.len(), 3);
    assert_eq!(pending.held(), 0);
}

#[test]
fn a_span_ending_after_its_root_was_printed_is_printed_late() {
    let mut pending = Pending::default();
    let first = push_all(&mut pending, [span(1, 1, 0, (0, 10))]);
    assert_eq!(first.len(), 1);
    let ready = push_all(&mut pending, [span(1, 3, 2, (5, 20)), span(1, 2, 1, (5, 30))]);
    assert_eq!(ready.len(), 1);
    assert_eq!(ready[0].spans.len(), 2, "its own late child comes with it");
    assert!(ready[0].note.contains("LATE"), "{}", ready[0].note);
    let text = {
        let spans: Vec<&WaterfallSpan> = ready[0].spans.iter().collect();
        let mut out = String::new();
        Waterfall::new().render_trace(&spans, &ready[0].note, &mut out);
        out
    };
    assert!(
        text.lines()
            .next()
            .is_some_and(|l| l.ends_with("LATE: ended after its parent's trace was printed")),
        "{text}"
    );
    assert!(text.contains("(parent 0000000000000001 not received)"), "{text}");
}
