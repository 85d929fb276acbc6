//! W3C Trace Context: the SDK's propagator behind a strict check of the `traceparent`
//! format, with `tracestate` parsed here to the spec's rules.
//!
//! Why: the SDK (0.33) parses the ids with `from_str_radix`, so it accepts ids of the
//! wrong length (a 31-digit trace id becomes a different, zero-padded one), a leading
//! `+`, and flags of any length. W3C says a receiver must ignore such a `traceparent`;
//! accepting it would join the request to a trace no other vendor would recognise.
//!
//! For `tracestate` the SDK reads only the first header field, keeps invalid members
//! such as `foo=` (an empty value), and rejects keys the current key grammar allows
//! (`foo@@bar`, `foo@bar@baz`). Here every field is combined, the list is validated
//! as a whole (an invalid one is discarded entirely), and a valid list whose keys the
//! SDK's `TraceState` cannot hold is carried verbatim in the context and re-injected.
//! Checked against the W3C trace-context test suite: see `examples/w3c-conformance`.

use opentelemetry::Context;
use opentelemetry::propagation::text_map_propagator::FieldIter;
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::{SpanContext, TraceContextExt as _, TraceId, TraceState};
use opentelemetry_sdk::propagation::TraceContextPropagator;

const TRACEPARENT: &str = "traceparent";
const TRACESTATE: &str = "tracestate";
/// "There can be a maximum of 32 `list-member`s in a `list`."
const MAX_LIST_MEMBERS: usize = 32;

#[derive(Debug, Default)]
pub(super) struct StrictTraceContextPropagator {
    inner: TraceContextPropagator,
}

/// A valid incoming `tracestate` that `TraceState` cannot represent, kept in the
/// context for the trace it arrived with.
#[derive(Debug)]
struct VerbatimTraceState {
    trace_id: TraceId,
    header: String,
}

/// Shows the SDK propagator a single `traceparent` and no `tracestate`.
struct TraceparentOnly<'a>(&'a str);

impl Extractor for TraceparentOnly<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        (key == TRACEPARENT).then_some(self.0)
    }

    fn keys(&self) -> Vec<&str> {
        vec![TRACEPARENT]
    }
}

impl TextMapPropagator for StrictTraceContextPropagator {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        self.inner.inject_context(cx, injector);
        let span = cx.span();
        let span_context = span.span_context();
        if let Some(verbatim) = cx.get::<VerbatimTraceState>() {
            // Only while nothing (a sampler, the application) has set a trace state of
            // its own on the span: that one would be newer.
            if span_context.is_valid()
                && span_context.trace_id() == verbatim.trace_id
                && span_context.trace_state().header().is_empty()
            {
                injector.set(TRACESTATE, verbatim.header.clone());
            }
        }
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        // Two `traceparent` fields are not a valid header: the request starts a new trace.
        let traceparent = match extractor.get_all(TRACEPARENT).as_deref() {
            Some([value]) if is_well_formed(value.trim()) => *value,
            _ => return cx.clone(),
        };
        let found = self
            .inner
            .extract_with_context(cx, &TraceparentOnly(traceparent))
            .span()
            .span_context()
            .clone();
        if !found.is_valid() {
            return cx.clone();
        }
        let members = extractor
            .get_all(TRACESTATE)
            .and_then(|fields| parse_tracestate(&fields))
            .unwrap_or_default();
        let (trace_state, verbatim) = match TraceState::from_key_value(members.iter().copied()) {
            Ok(trace_state) => (trace_state, None),
            Err(_) => (
                TraceState::default(),
                Some(VerbatimTraceState {
                    trace_id: found.trace_id(),
                    header: members
                        .iter()
                        .map(|(key, value)| format!("{key}={value}"))
                        .collect::<Vec<_>>()
                        .join(","),
                }),
            ),
        };
        let span_context = SpanContext::new(
            found.trace_id(),
            found.span_id(),
            found.trace_flags(),
            true,
            trace_state,
        );
        let cx = cx.with_remote_span_context(span_context);
        match verbatim {
            Some(verbatim) => cx.with_value(verbatim),
            None => cx,
        }
    }

    fn fields(&self) -> FieldIter<'_> {
        self.inner.fields()
    }
}

/// `version-traceid-parentid-flags` as W3C Trace Context defines it: two lower-case hex
/// digits, 32, 16 and 2, version `ff` forbidden; version `00` ends there, a later
/// version may continue after a `-`. All-zero ids are left to the SDK's validity check.
fn is_well_formed(value: &str) -> bool {
    let bytes = value.as_bytes();
    let hex = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
    };
    let dash = |at: usize| bytes.get(at) == Some(&b'-');
    let fields = hex(0..2) && dash(2) && hex(3..35) && dash(35) && hex(36..52) && dash(52) && hex(53..55);
    if !fields || &bytes[..2] == b"ff" {
        return false;
    }
    if &bytes[..2] == b"00" {
        bytes.len() == 55
    } else {
        bytes.len() == 55 || dash(55)
    }
}

/// The `tracestate` list from all its header fields, combined in order as RFC 9110
/// combines repeated fields (joined with `,`). `None` when the list is invalid: a
/// member that is not `key=value` by the grammar, or more than 32 members. Empty and
/// whitespace-only members are skipped; of a repeated key the first (left-most) is kept.
fn parse_tracestate<'a>(fields: &[&'a str]) -> Option<Vec<(&'a str, &'a str)>> {
    let mut members: Vec<(&str, &str)> = Vec::new();
    let mut count = 0;
    for member in fields.iter().flat_map(|field| field.split(',')) {
        // "Spaces and horizontal tabs surrounding `list-member`s are ignored."
        let member = member.trim_matches([' ', '\t']);
        if member.is_empty() {
            continue;
        }
        count += 1;
        let (key, value) = member.split_once('=')?;
        if count > MAX_LIST_MEMBERS || !is_valid_key(key) || !is_valid_value(value) {
            return None;
        }
        if !members.iter().any(|(seen, _)| *seen == key) {
            members.push((key, value));
        }
    }
    Some(members)
}

/// `key = ( lcalpha / DIGIT ) 0*255 ( keychar )`,
/// `keychar = lcalpha / DIGIT / "_" / "-"/ "*" / "/" / "@"`.
fn is_valid_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    bytes.len() <= 256
        && bytes
            .first()
            .is_some_and(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9'))
        && bytes
            .iter()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'*' | b'/' | b'@'))
}

/// `value = 0*255(chr) nblk-chr`, `nblk-chr = %x21-2B / %x2D-3C / %x3E-7E`,
/// `chr = %x20 / nblk-chr`: 1 to 256 printable ASCII characters except `,` and `=`,
/// not ending in a space.
fn is_valid_value(value: &str) -> bool {
    let bytes = value.as_bytes();
    (1..=256).contains(&bytes.len())
        && bytes.last() != Some(&b' ')
        && bytes
            .iter()
            .all(|b| matches!(b, 0x20..=0x7e) && *b != b',' && *b != b'=')
}

#[cfg(test)]
mod tests {
    use super::{is_well_formed, parse_tracestate};

    #[test]
    fn format() {
        let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assert!(is_well_formed(valid));
        assert!(is_well_formed(
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        ));
        assert!(is_well_formed(
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later"
        ));
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-+bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-001",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
            "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ] {
            assert!(!is_well_formed(bad), "{bad:?}");
        }
    }

    #[test]
    fn tracestate_list() {
        assert_eq!(
            parse_tracestate(&["foo=1, ,bar=2", "", "\tbaz= 3 ,foo=4"]),
            Some(vec![("foo", "1"), ("bar", "2"), ("baz", " 3")])
        );
        for bad in [
            "foo=",
            "foo=bar=baz",
            "@foo=1",
            "Foo=1",
            "foo",
            "foo =1",
            "foo=a\u{7f}",
        ] {
            assert_eq!(parse_tracestate(&[bad, "bar=2"]), None, "{bad:?}");
        }
    }
}
