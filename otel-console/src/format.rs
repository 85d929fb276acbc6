//! Text rendering shared by the three console exporters: typed values, truncation,
//! durations and the batch header.

use std::fmt::Write as _;
use std::time::Duration;

use opentelemetry::logs::AnyValue;
use opentelemetry::{Array, Key, KeyValue, Value};
use opentelemetry_sdk::Resource;
use otel_kit_semconv::resource::SERVICE_NAME;

/// The longest attribute value or log body printed in full, in characters; longer ones
/// are cut here and marked `…(+N)` so one huge value cannot flood the terminal.
///
/// ```
/// assert_eq!(otel_kit_console::MAX_VALUE_CHARS, 256);
/// ```
pub const MAX_VALUE_CHARS: usize = 256;

/// Appends ` key=value` for each attribute, in the order the SDK recorded them.
pub(crate) fn push_attrs<'a>(out: &mut String, attrs: impl IntoIterator<Item = &'a KeyValue>) {
    for kv in attrs {
        out.push(' ');
        out.push_str(kv.key.as_str());
        out.push('=');
        push_value(out, &kv.value);
    }
}

/// Renders a value so its type shows: strings quoted, ints bare, floats always with a
/// decimal point or exponent, bools bare, arrays in brackets.
pub(crate) fn push_value(out: &mut String, value: &Value) {
    match value {
        Value::Bool(b) => push_display(out, b),
        Value::I64(i) => push_display(out, i),
        Value::F64(f) => push_f64(out, *f),
        Value::String(s) => push_str(out, s.as_str()),
        Value::Array(array) => {
            let mut text = String::new();
            push_array(&mut text, array);
            push_truncated(out, &text);
        }
        // `Value` is non-exhaustive; a future variant still prints, just untyped.
        other => push_truncated(out, &other.to_string()),
    }
}

/// Renders a log value (body or attribute) the same way as [`push_value`], plus the
/// log-only shapes: bytes as hex, lists in brackets, maps in braces sorted by key.
#[cfg_attr(not(feature = "logs"), allow(dead_code))]
pub(crate) fn push_any(out: &mut String, value: &AnyValue) {
    match value {
        AnyValue::Int(i) => push_display(out, i),
        AnyValue::Double(f) => push_f64(out, *f),
        AnyValue::String(s) => push_str(out, s.as_str()),
        AnyValue::Boolean(b) => push_display(out, b),
        nested => {
            let mut text = String::new();
            push_any_nested(&mut text, nested);
            push_truncated(out, &text);
        }
    }
}

/// Renders without truncation; the caller truncates the whole rendered text once.
fn push_any_nested(out: &mut String, value: &AnyValue) {
    match value {
        AnyValue::Int(i) => push_display(out, i),
        AnyValue::Double(f) => push_f64(out, *f),
        AnyValue::String(s) => push_display(out, &format_args!("{:?}", s.as_str())),
        AnyValue::Boolean(b) => push_display(out, b),
        AnyValue::Bytes(bytes) => {
            out.push_str("0x");
            for byte in bytes.iter() {
                push_display(out, &format_args!("{byte:02x}"));
            }
        }
        AnyValue::ListAny(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_any_nested(out, item);
            }
            out.push(']');
        }
        AnyValue::Map(map) => {
            // HashMap order is random; sorting keeps the output stable between runs.
            let mut entries: Vec<(&Key, &AnyValue)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(key.as_str());
                out.push('=');
                push_any_nested(out, item);
            }
            out.push('}');
        }
        other => push_display(out, &format_args!("{other:?}")),
    }
}

fn push_array(out: &mut String, array: &Array) {
    fn list<T>(out: &mut String, items: &[T], mut each: impl FnMut(&mut String, &T)) {
        out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            each(out, item);
        }
        out.push(']');
    }
    match array {
        Array::Bool(items) => list(out, items, |o, b| push_display(o, b)),
        Array::I64(items) => list(out, items, |o, i| push_display(o, i)),
        Array::F64(items) => list(out, items, |o, f| push_f64(o, *f)),
        Array::String(items) => list(out, items, |o, s| {
            push_display(o, &format_args!("{:?}", s.as_str()));
        }),
        other => push_display(out, &other),
    }
}

/// `Debug` for `f64` keeps the decimal point (`1.0`, not `1`), so floats never look
/// like ints.
pub(crate) fn push_f64(out: &mut String, f: f64) {
    push_display(out, &format_args!("{f:?}"));
}

/// Quotes and escapes a string, keeping at most [`MAX_VALUE_CHARS`] characters of it
/// and saying how many were cut: `abc` becomes `"ab"…(+1)` at a limit of 2.
pub(crate) fn push_str(out: &mut String, s: &str) {
    match s.char_indices().nth(MAX_VALUE_CHARS) {
        None => push_display(out, &format_args!("{s:?}")),
        Some((cut, _)) => {
            let dropped = s[cut..].chars().count();
            push_display(out, &format_args!("{:?}…(+{dropped})", &s[..cut]));
        }
    }
}

/// Cuts already-rendered text (arrays, lists, maps) at [`MAX_VALUE_CHARS`] characters.
fn push_truncated(out: &mut String, text: &str) {
    match text.char_indices().nth(MAX_VALUE_CHARS) {
        None => out.push_str(text),
        Some((cut, _)) => {
            let dropped = text[cut..].chars().count();
            out.push_str(&text[..cut]);
            push_display(out, &format_args!("…(+{dropped})"));
        }
    }
}

/// Writing to a `String` cannot fail, so the `fmt::Result` is dropped here, once.
pub(crate) fn push_display(out: &mut String, value: &dyn std::fmt::Display) {
    let _ = write!(out, "{value}");
}

/// `850ns`, `12.3µs`, `853µs`, `1.23ms`, `2.50s`: three significant digits, as a person
/// would say it.
pub(crate) fn push_duration(out: &mut String, d: Duration) {
    let nanos = d.as_nanos();
    if nanos < 1_000 {
        push_display(out, &format_args!("{nanos}ns"));
    } else if nanos < 1_000_000 {
        push_scaled(out, nanos as f64 / 1e3, "µs");
    } else if nanos < 1_000_000_000 {
        push_scaled(out, nanos as f64 / 1e6, "ms");
    } else {
        push_scaled(out, d.as_secs_f64(), "s");
    }
}

fn push_scaled(out: &mut String, value: f64, unit: &str) {
    let decimals = if value < 10.0 {
        2
    } else if value < 100.0 {
        1
    } else {
        0
    };
    push_display(out, &format_args!("{value:.decimals$}{unit}"));
}

/// `service.name` of a resource; the SDK always sets one, the fallback is the spec's
/// own default for when nobody did.
pub(crate) fn service_name(resource: Option<&Resource>) -> String {
    resource
        .and_then(|r| r.get(&Key::from_static_str(SERVICE_NAME)))
        .map_or_else(|| "unknown_service".to_owned(), |v| v.as_str().into_owned())
}

/// `# service checkout, 3 spans`, for `noun` `span`.
pub(crate) fn push_header(out: &mut String, service: &str, count: usize, noun: &str) {
    let plural = if count == 1 { "" } else { "s" };
    push_display(out, &format_args!("# service {service}, {count} {noun}{plural}"));
}
