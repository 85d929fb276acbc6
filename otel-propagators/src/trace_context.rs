//! W3C Trace Context, parsed and written here rather than by the SDK's propagator.
//!
//! Why: the SDK (0.33) parses the ids with `from_str_radix`, so it accepts ids of the
//! wrong length (a 31-digit trace id becomes a different, zero-padded one), a leading
//! `+`, and flags of any length. W3C says a receiver must ignore such a `traceparent`;
//! accepting it would join the request to a trace no other vendor would recognise. It
//! also splits the header into a vector and always writes a `tracestate` header, an
//! empty one when there is no state. Parsing once, strictly, in place is about seven
//! times cheaper, and that runs on every traced request.
//!
//! W3C Trace Context Level 2's `random` flag is kept and sent on, also from spans the
//! SDK did not sample (the Python SDK, for one, sets it on every trace it starts).
//!
//! For `tracestate` the SDK reads only the first header field, keeps invalid members
//! such as `foo=` (an empty value), and rejects keys the current key grammar allows
//! (`foo@@bar`, `foo@bar@baz`). Here every field is combined, the list is validated
//! as a whole (an invalid one is discarded entirely), and a valid list whose keys the
//! SDK's `TraceState` cannot hold is carried verbatim in the context and re-injected
//! (after any entries a sampler or the application set on the span since, such as a
//! consistent sampler's `ot=th:`).
//! Checked against the W3C trace-context test suite: see `examples/w3c-conformance`.

use opentelemetry::Context;
use opentelemetry::propagation::text_map_propagator::FieldIter;
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
use otel_kit_core::__private::lower_hex;
use otel_kit_core::__private::lower_hex::parse as parse_hex;
use otel_kit_core::__private::trace_state_header;

const TRACEPARENT: &str = "traceparent";
const TRACESTATE: &str = "tracestate";
/// "There can be a maximum of 32 `list-member`s in a `list`."
const MAX_LIST_MEMBERS: usize = 32;

#[derive(Debug)]
pub(super) struct StrictTraceContextPropagator {
    fields: [String; 2],
}

impl Default for StrictTraceContextPropagator {
    fn default() -> Self {
        Self {
            fields: [TRACEPARENT.to_owned(), TRACESTATE.to_owned()],
        }
    }
}

/// W3C Trace Context Level 2's `random` flag: the trace id's right-most 7 bytes are
/// random, which consistent-probability samplers downstream rely on.
const RANDOM: u8 = 0x02;

/// The flags this propagator reads and writes: `sampled` and (Level 2) `random`;
/// others are zeroed, as W3C asks of flags a receiver does not know.
const KNOWN_FLAGS: u8 = 0x01 | RANDOM;

/// An incoming trace whose `traceparent` had the `random` flag: kept in the context so
/// that the flag is sent on even from a span the SDK did not sample (the SDK gives a
/// dropped span empty flags).
#[derive(Debug)]
struct RandomTraceId(TraceId);

/// A valid incoming `tracestate` that `TraceState` cannot represent, kept in the
/// context for the trace it arrived with.
#[derive(Debug)]
struct VerbatimTraceState {
    trace_id: TraceId,
    header: String,
}

impl TextMapPropagator for StrictTraceContextPropagator {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        let span = cx.span();
        let span_context = span.span_context();
        if !span_context.is_valid() {
            return;
        }
        let mut flags = span_context.trace_flags().to_u8() & KNOWN_FLAGS;
        if cx
            .get::<RandomTraceId>()
            .is_some_and(|random| random.0 == span_context.trace_id())
        {
            flags |= RANDOM;
        }
        injector.set(TRACEPARENT, traceparent(span_context, flags));
        let own = trace_state_header::to_string(span_context.trace_state());
        let verbatim = cx
            .get::<VerbatimTraceState>()
            .filter(|verbatim| verbatim.trace_id == span_context.trace_id());
        match verbatim {
            None if own.is_empty() => {}
            None => injector.set(TRACESTATE, own),
            Some(verbatim) if own.is_empty() => injector.set(TRACESTATE, verbatim.header.clone()),
            // Something (a consistent sampler's `ot=th:`, the application) set entries
            // on a state that began empty because the SDK could not hold the caller's:
            // its entries, newest, first, then the caller's others.
            Some(verbatim) => injector.set(TRACESTATE, merged(&own, &verbatim.header)),
        }
        // No state at all: no `tracestate` header (the SDK sends an empty one).
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        // Two `traceparent` fields are not a valid header: the request starts a new trace.
        let found = match extractor.get_all(TRACEPARENT).as_deref() {
            Some([value]) => parse_traceparent(value.trim()),
            _ => None,
        };
        let Some((trace_id, span_id, flags)) = found else {
            return cx.clone();
        };
        let members = extractor
            .get_all(TRACESTATE)
            .and_then(|fields| parse_tracestate(&fields))
            .unwrap_or_default();
        let (trace_state, verbatim) = if members.is_empty() {
            (TraceState::default(), None)
        } else {
            match TraceState::from_key_value(members.iter().copied()) {
                Ok(trace_state) => (trace_state, None),
                Err(_) => (
                    TraceState::default(),
                    Some(VerbatimTraceState {
                        trace_id,
                        header: members
                            .iter()
                            .map(|(key, value)| format!("{key}={value}"))
                            .collect::<Vec<_>>()
                            .join(","),
                    }),
                ),
            }
        };
        let random = flags.to_u8() & RANDOM != 0;
        let span_context = SpanContext::new(trace_id, span_id, flags, true, trace_state);
        let mut cx = cx.with_remote_span_context(span_context);
        if random {
            cx = cx.with_value(RandomTraceId(trace_id));
        }
        match verbatim {
            Some(verbatim) => cx.with_value(verbatim),
            None => cx,
        }
    }

    fn fields(&self) -> FieldIter<'_> {
        FieldIter::new(&self.fields)
    }
}

/// `00-<trace id>-<span id>-<flags>`, the hex written into one stack buffer (no
/// `core::fmt`, no second pass over the text): the one allocation is the `String` the
/// injector takes.
fn traceparent(span_context: &SpanContext, flags: u8) -> String {
    // Written whole on the stack, then copied once into the header's string.
    let mut out = *b"00-00000000000000000000000000000000-0000000000000000-00";
    lower_hex::fill(&span_context.trace_id().to_bytes(), &mut out[3..35]);
    lower_hex::fill(&span_context.span_id().to_bytes(), &mut out[36..52]);
    lower_hex::fill(&[flags], &mut out[53..]);
    // Only ASCII was written: the check cannot fail.
    std::str::from_utf8(&out).unwrap_or_default().to_owned()
}

/// `own`'s members, then those of `caller` whose key `own` does not have, at most 32.
fn merged(own: &str, caller: &str) -> String {
    let keys: Vec<&str> = own
        .split(',')
        .filter_map(|m| m.split_once('='))
        .map(|(k, _)| k)
        .collect();
    let others = caller
        .split(',')
        .filter(|m| m.split_once('=').is_some_and(|(k, _)| !keys.contains(&k)))
        .take(MAX_LIST_MEMBERS.saturating_sub(keys.len()));
    std::iter::once(own).chain(others).collect::<Vec<_>>().join(",")
}

/// The ids and flags of a well-formed `traceparent` with valid (not all-zero) ids.
/// Of the flags `sampled` and `random` are kept: W3C asks receivers to zero the ones
/// they do not know.
fn parse_traceparent(value: &str) -> Option<(TraceId, SpanId, TraceFlags)> {
    let (trace_id, span_id, flags) = parse_fields(value)?;
    let (trace_id, span_id) = (TraceId::from(trace_id), SpanId::from(span_id));
    (trace_id != TraceId::INVALID && span_id != SpanId::INVALID)
        .then(|| (trace_id, span_id, TraceFlags::new(flags & KNOWN_FLAGS)))
}

/// `version-traceid-parentid-flags` as W3C Trace Context defines it: two lower-case hex
/// digits, 32, 16 and 2, version `ff` forbidden; version `00` ends there, a later
/// version may continue after a `-`. Validated and decoded in one pass over the bytes
/// (this runs on every traced request; `from_str_radix` per field costs several times
/// as much).
fn parse_fields(value: &str) -> Option<(u128, u64, u8)> {
    let bytes = value.as_bytes();
    let version = parse_hex(bytes.get(0..2)?)?;
    let dashes = [2, 35, 52].iter().all(|&at| bytes.get(at) == Some(&b'-'));
    let length_ok = match version {
        0xff => false,
        0 => bytes.len() == 55,
        _ => bytes.len() == 55 || bytes.get(55) == Some(&b'-'),
    };
    if !dashes || !length_ok {
        return None;
    }
    let trace_id =
        (u128::from(parse_hex(bytes.get(3..19)?)?) << 64) | u128::from(parse_hex(bytes.get(19..35)?)?);
    let span_id = parse_hex(bytes.get(36..52)?)?;
    let flags = u8::try_from(parse_hex(bytes.get(53..55)?)?).ok()?;
    Some((trace_id, span_id, flags))
}

#[cfg(test)]
fn is_well_formed(value: &str) -> bool {
    parse_fields(value).is_some()
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
    use super::{is_well_formed, parse_traceparent, parse_tracestate};
    use opentelemetry::trace::{SpanId, TraceFlags, TraceId};

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
    fn ids_and_flags() {
        let (trace_id, span_id, flags) =
            parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03").expect("valid");
        assert_eq!(trace_id, TraceId::from(0x4bf92f3577b34da6a3ce929d0e0e4736));
        assert_eq!(span_id, SpanId::from(0x00f067aa0ba902b7));
        assert_eq!(flags, TraceFlags::new(0x03), "sampled and random are kept");
        let (.., flags) =
            parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff").expect("valid");
        assert_eq!(flags, TraceFlags::new(0x03), "unknown flags are zeroed");
        for invalid in [
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        ] {
            assert_eq!(parse_traceparent(invalid), None, "{invalid:?}");
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
