//! A span context's `tracestate` as its W3C header (`key=value,key=value`), written
//! straight from the entries: the propagator and the OTLP encoders both need it for
//! every span whose state is not empty (a consistent sampler's `ot=th:` is on every
//! sampled span), and `TraceState::header` formats each entry into a `String` of its
//! own, collects them and joins them, four allocations for a one-entry state.

use opentelemetry::trace::TraceState;

/// The length of `state`'s header: 0 for an empty state.
///
/// ```
/// use opentelemetry::trace::TraceState;
/// use otel_kit_core::__private::trace_state_header;
///
/// let state = TraceState::from_key_value([("ot", "th:8"), ("v", "1")]).unwrap();
/// assert_eq!(trace_state_header::len(&state), state.header().len());
/// assert_eq!(trace_state_header::len(&TraceState::NONE), 0);
/// ```
pub fn len(state: &TraceState) -> usize {
    // The usual state, empty, answered without the iterator (a call per step).
    if *state == TraceState::NONE {
        return 0;
    }
    let entries = state.into_iter();
    let separators = entries.len().saturating_sub(1);
    entries
        .map(|(key, value)| key.len() + 1 + value.len())
        .sum::<usize>()
        + separators
}

/// Appends `state`'s header to `out`: the bytes [`TraceState::header`] gives.
///
/// ```
/// use opentelemetry::trace::TraceState;
/// use otel_kit_core::__private::trace_state_header;
///
/// let state = TraceState::from_key_value([("ot", "th:8"), ("v", "1")]).unwrap();
/// let mut out = b"tracestate: ".to_vec();
/// trace_state_header::append(&state, &mut out);
/// assert_eq!(out, b"tracestate: ot=th:8,v=1");
/// ```
pub fn append(state: &TraceState, out: &mut Vec<u8>) {
    for (i, (key, value)) in state.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(key.as_bytes());
        out.push(b'=');
        out.extend_from_slice(value.as_bytes());
    }
}

/// `state`'s header as a `String` of exactly its length; empty, without allocating,
/// for an empty state.
///
/// ```
/// use opentelemetry::trace::TraceState;
/// use otel_kit_core::__private::trace_state_header;
///
/// let state = TraceState::from_key_value([("ot", "th:8"), ("v", "1")]).unwrap();
/// assert_eq!(trace_state_header::to_string(&state), "ot=th:8,v=1");
/// assert_eq!(trace_state_header::to_string(&TraceState::NONE).capacity(), 0);
/// ```
pub fn to_string(state: &TraceState) -> String {
    let len = len(state);
    if len == 0 {
        return String::new();
    }
    let mut out = String::with_capacity(len);
    for (i, (key, value)) in state.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(key);
        out.push('=');
        out.push_str(value);
    }
    out
}

#[cfg(test)]
mod tests {
    use opentelemetry::trace::TraceState;

    #[test]
    fn every_form_is_the_sdk_header() {
        let states = [
            TraceState::NONE,
            TraceState::default(),
            TraceState::from_key_value([("a", "1")]).unwrap(),
            TraceState::from_key_value([("ot", "th:e666666666666;rv:ab"), ("v@x", "w"), ("k", "x y")])
                .unwrap(),
            // An empty list from a parse, and one emptied by deleting its entry.
            "".parse::<TraceState>().unwrap(),
            TraceState::from_key_value([("a", "1")])
                .unwrap()
                .delete("a")
                .unwrap(),
        ];
        for state in states {
            let header = state.header();
            assert_eq!(super::len(&state), header.len(), "{header}");
            assert_eq!(super::to_string(&state), header);
            let mut out = b"x".to_vec();
            super::append(&state, &mut out);
            assert_eq!(out[1..], *header.as_bytes());
        }
    }
}
