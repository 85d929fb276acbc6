//! Cells of the waterfall: milliseconds, cut text, wrapped detail lines and values.

use opentelemetry::{Array, Value};

/// Milliseconds with precision that suits the magnitude: `0.004`, `3.00`, `20.0`, `1500`.
pub(super) fn format_ms(nanos: u64) -> String {
    #[allow(clippy::cast_precision_loss)] // trace lengths far below 2^53 ns
    let ms = nanos as f64 / 1e6;
    if nanos > 0 && ms < 0.1 {
        format!("{ms:.3}")
    } else if ms < 10.0 {
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

/// A name or service as printed: control characters (a terminal escape in a span name)
/// escaped, so one hostile name cannot redraw the screen or break the columns.
pub(super) fn printable(text: &str) -> String {
    otel_kit_core::__private::printable_text::escape_controls(text).into_owned()
}

/// `parts` joined by spaces on lines of at most `line_width` characters, each
/// indented by `indent` (a part too long for a line of its own is cut).
pub(super) fn wrap(parts: &[String], indent: usize, line_width: usize) -> Vec<String> {
    let room = line_width.saturating_sub(indent).max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for part in parts {
        let part = truncate(part, room);
        if !current.is_empty() && current.chars().count() + 1 + part.chars().count() > room {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&part);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    let pad = " ".repeat(indent);
    lines.into_iter().map(|l| format!("{pad}{l}")).collect()
}

/// An attribute value as `key=value` shows it: strings bare unless they are empty or
/// hold a space, a quote or a control character (then quoted and escaped).
pub(super) fn value(v: &Value) -> String {
    match v {
        Value::String(s) => string(s.as_str()),
        Value::I64(i) => i.to_string(),
        Value::F64(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(Array::String(items)) => {
            let items: Vec<String> = items.iter().map(|s| string(s.as_str())).collect();
            format!("[{}]", items.join(","))
        }
        Value::Array(Array::I64(items)) => list(items),
        Value::Array(Array::F64(items)) => list(items),
        Value::Array(Array::Bool(items)) => list(items),
        // `Value` and `Array` are non-exhaustive.
        other => string(&other.to_string()),
    }
}

fn string(s: &str) -> String {
    if s.is_empty() || s.contains([' ', '"']) || s.chars().any(char::is_control) {
        format!("{s:?}")
    } else {
        s.to_owned()
    }
}

fn list<T: ToString>(items: &[T]) -> String {
    let items: Vec<String> = items.iter().map(ToString::to_string).collect();
    format!("[{}]", items.join(","))
}
