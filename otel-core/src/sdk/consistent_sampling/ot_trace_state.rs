//! The OpenTelemetry `ot` entry of `tracestate` (`ot=th:8;rv:...;other:x`): reading the
//! threshold and the explicit randomness, and writing or erasing the threshold while
//! keeping every other sub-key and every other vendor's entry.

use std::fmt::Write as _;

use opentelemetry::trace::{TraceId, TraceState};

use super::{Threshold, parse_randomness, trace_id_randomness};

const KEY: &str = "ot";
/// "The complete list length MUST NOT exceed 256 characters."
const MAX_LEN: usize = 256;

/// What the `ot` entry says about sampling. A value that breaks the rules (longer than
/// 256 characters, a `th` that is not 1 to 14 lower-case hex digits, an `rv` that is not
/// exactly 14) counts as absent: never a panic, never a guess.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct OtValue {
    /// `th`, when valid (the last `th` sub-key counts, as in the other SDKs).
    pub threshold: Option<Threshold>,
    /// `rv`, when valid.
    pub randomness: Option<u64>,
    /// A `th` sub-key is present, valid or not.
    has_th: bool,
}

/// What the `ot` entry of `trace_state` says about sampling.
///
/// ```
/// use opentelemetry::trace::TraceState;
/// use otel_kit_core::__private::consistent_sampling::{Threshold, ot_trace_state};
///
/// let state: TraceState = "ot=th:8;rv:ffffffffffffff,v=1".parse().unwrap();
/// let ot = ot_trace_state::read(&state);
/// assert_eq!(ot.threshold, Threshold::parse("8"));
/// assert_eq!(ot.randomness, Some(0xff_ffff_ffff_ffff));
/// ```
pub fn read(trace_state: &TraceState) -> OtValue {
    match trace_state.get(KEY) {
        Some(value) if value.len() <= MAX_LEN => parse(value),
        _ => OtValue::default(),
    }
}

fn parse(value: &str) -> OtValue {
    let mut ot = OtValue::default();
    for member in value.split(';') {
        if let Some(th) = member.strip_prefix("th:") {
            ot.has_th = true;
            ot.threshold = Threshold::parse(th);
        } else if let Some(rv) = member.strip_prefix("rv:") {
            ot.randomness = parse_randomness(rv);
        }
    }
    ot
}

impl OtValue {
    /// The randomness a decision uses: `rv` when present, else the trace id's.
    pub fn randomness_of(&self, trace_id: TraceId) -> u64 {
        self.randomness.unwrap_or_else(|| trace_id_randomness(trace_id))
    }
}

/// `trace_state` with `th` set to `threshold` (`None`: erased), other `ot` sub-keys and
/// other entries kept. Sub-keys that would take the `ot` value over 256 characters are
/// dropped from the end; an `ot` value already over the limit is not kept. If the
/// result cannot be stored (the SDK refuses the value), the threshold is erased instead
/// and, failing that, `trace_state` is returned as it was.
///
/// ```
/// use opentelemetry::trace::TraceState;
/// use otel_kit_core::__private::consistent_sampling::{Threshold, ot_trace_state};
///
/// let state: TraceState = "v=1,ot=rv:ffffffffffffff;th:c;k:x".parse().unwrap();
/// let half = ot_trace_state::with_threshold(&state, Threshold::parse("8"));
/// assert_eq!(half.header(), "ot=th:8;rv:ffffffffffffff;k:x,v=1");
/// let none = ot_trace_state::with_threshold(&state, None);
/// assert_eq!(none.header(), "ot=rv:ffffffffffffff;k:x,v=1");
/// ```
pub fn with_threshold(trace_state: &TraceState, threshold: Option<Threshold>) -> TraceState {
    let old = trace_state.get(KEY).filter(|v| v.len() <= MAX_LEN).unwrap_or("");
    let others = old
        .split(';')
        .filter(|member| !member.is_empty() && !member.starts_with("th:"));
    let mut value = String::with_capacity(old.len() + 17);
    if let Some(threshold) = threshold {
        let _ = write!(value, "th:{threshold}");
    }
    for member in others {
        if value.len() + 1 + member.len() > MAX_LEN {
            break;
        }
        if !value.is_empty() {
            value.push(';');
        }
        value.push_str(member);
    }
    let updated = if value.is_empty() {
        trace_state.delete(KEY)
    } else {
        trace_state.insert(KEY, value)
    };
    match updated {
        Ok(updated) => updated,
        Err(_) if threshold.is_some() => with_threshold(trace_state, None),
        Err(_) => trace_state.clone(),
    }
}

/// `trace_state` without a threshold; the same value, not a copy being rebuilt, when it
/// has none (the common case costs one lookup).
pub fn erase_threshold(trace_state: &TraceState) -> TraceState {
    match trace_state.get(KEY) {
        Some(value) if value.len() > MAX_LEN || parse(value).has_th => with_threshold(trace_state, None),
        _ => trace_state.clone(),
    }
}

/// The trace state a span that follows its sampled parent passes on: the parent's, with
/// its threshold erased when the parent's own randomness contradicts it (`R < T`, yet
/// sampled), as the specification asks of parent-based samplers.
pub fn checked_for_sampled_child(trace_state: &TraceState, trace_id: TraceId) -> TraceState {
    let Some(value) = trace_state.get(KEY) else {
        return trace_state.clone();
    };
    if value.len() > MAX_LEN {
        return with_threshold(trace_state, None);
    }
    let ot = parse(value);
    match ot.threshold {
        Some(t) if t.samples(ot.randomness_of(trace_id)) => trace_state.clone(),
        // Inconsistent, or a malformed `th` nothing can rely on.
        _ if ot.has_th => with_threshold(trace_state, None),
        _ => trace_state.clone(),
    }
}
