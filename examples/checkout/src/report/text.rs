//! Text helpers shared by the waterfall selection, the RED table and the business table.

use otel_kit::testing::AttributeValue;

/// Milliseconds with precision that suits the magnitude.
pub(super) fn format_ms(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.2}")
    } else if ms < 1000.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.0}")
    }
}

/// Cuts `text` to `width` characters, marking the cut with `…`.
pub(super) fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// An attribute value as `key=value` shows it: strings bare unless they need quotes.
pub(super) fn value(v: &AttributeValue) -> String {
    match v {
        AttributeValue::String(s) if s.is_empty() || s.contains([' ', '"']) => format!("{s:?}"),
        AttributeValue::String(s) => s.clone(),
        AttributeValue::Int(i) => i.to_string(),
        AttributeValue::Double(d) => d.to_string(),
        AttributeValue::Bool(b) => b.to_string(),
        AttributeValue::Array(items) => {
            format!("[{}]", items.iter().map(value).collect::<Vec<_>>().join(","))
        }
        other => other.to_string(),
    }
}

#[allow(clippy::cast_precision_loss)] // trace lengths far below 2^53 ns
pub(super) fn nanos_to_ms(nanos: u64) -> f64 {
    nanos as f64 / 1e6
}

#[allow(clippy::cast_precision_loss)] // counts far below 2^53
pub(super) fn count_to_f64(n: u64) -> f64 {
    n as f64
}
