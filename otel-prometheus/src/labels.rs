//! Attributes as Prometheus labels ("Metric Attributes"): names sanitised, values as
//! strings, escaped; keys that sanitise to the same name (or to a label the
//! specification adds, such as `otel_scope_name`) have "the values ... concatenated
//! together, separated by `;`, and ordered by the lexicographical order of the
//! original keys".

use std::borrow::Cow;
use std::collections::HashMap;

use opentelemetry::KeyValue;

use opentelemetry::Value;

use crate::names::{sanitize, sanitized};

/// One label to write: its Prometheus name, the original key (for ordering merged
/// values) and its value.
struct Label<'a> {
    name: Cow<'a, str>,
    key: &'a str,
    value: Cow<'a, str>,
}

/// Writes `name="value",...` (no braces) for the scope labels `fixed` (already valid
/// names, written first) and the attributes, into `out`.
pub(crate) fn write_labels<'a>(
    out: &mut Vec<u8>,
    fixed: &[(&'a str, &'a str)],
    attributes: impl Iterator<Item = &'a KeyValue> + Clone,
) {
    // The common case: no two keys (nor a key and a scope label) sanitise to one name,
    // so each is written as it comes, sanitised on the fly, without allocating.
    let meets = |a: &str, b: &str| sanitized(a, false).eq(sanitized(b, false));
    let mut fast = true;
    for (i, kv) in attributes.clone().enumerate() {
        let key = kv.key.as_str();
        if fixed.iter().any(|(name, _)| meets(key, name))
            || attributes
                .clone()
                .skip(i + 1)
                .any(|other| meets(key, other.key.as_str()))
        {
            fast = false;
            break;
        }
    }
    if fast {
        for (name, value) in fixed {
            write_label(out, name, value);
        }
        for kv in attributes {
            out.extend(sanitized(kv.key.as_str(), false).map(|c| c as u8));
            out.extend_from_slice(b"=\"");
            write_value(out, &kv.value);
            out.extend_from_slice(b"\",");
        }
        return;
    }
    let mut labels: Vec<Label<'a>> = fixed
        .iter()
        .map(|(name, value)| Label {
            name: Cow::Borrowed(*name),
            key: name,
            value: Cow::Borrowed(*value),
        })
        .collect();
    labels.extend(attributes.map(|kv| Label {
        name: Cow::Owned(sanitize(kv.key.as_str(), false)),
        key: kv.key.as_str(),
        value: kv.value.as_str(),
    }));
    labels.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.key.cmp(b.key)));
    let mut i = 0;
    while i < labels.len() {
        let mut j = i + 1;
        while j < labels.len() && labels[j].name == labels[i].name {
            j += 1;
        }
        if j == i + 1 {
            write_label(out, &labels[i].name, &labels[i].value);
        } else {
            let joined = labels[i..j]
                .iter()
                .map(|l| l.value.as_ref())
                .collect::<Vec<_>>()
                .join(";");
            write_label(out, &labels[i].name, &joined);
        }
        i = j;
    }
}

/// An attribute value as a label value: integers and booleans written directly, the
/// rest as their string form, escaped.
fn write_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::I64(n) => out.extend_from_slice(itoa::Buffer::new().format(*n).as_bytes()),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::String(s) => escape(out, s.as_str(), true),
        other => escape(out, &other.as_str(), true),
    }
}

/// `name="value",` with the value escaped as both formats require: `\`, `"` and a
/// newline become `\\`, `\"` and `\n`.
pub(crate) fn write_label(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"=\"");
    escape(out, value, true);
    out.extend_from_slice(b"\",");
}

/// Escapes `\` and newlines, and `"` when `quote`.
pub(crate) fn escape(out: &mut Vec<u8>, value: &str, quote: bool) {
    let bytes = value.as_bytes();
    if !bytes.iter().any(|b| matches!(b, b'\\' | b'"' | b'\n')) {
        out.extend_from_slice(bytes);
        return;
    }
    for &b in bytes {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'"' if quote => out.extend_from_slice(b"\\\""),
            _ => out.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(fixed: &[(&str, &str)], attributes: &[KeyValue]) -> String {
        let mut out = Vec::new();
        write_labels(&mut out, fixed, attributes.iter());
        String::from_utf8(out).unwrap()
    }

    /// `LabelNames` writes what `write_labels` writes, point after point, as the keys
    /// change order, meet each other or meet a scope label.
    #[test]
    fn label_names_write_what_write_labels_writes() {
        let route = KeyValue::new("http.route", "/pay");
        let method = KeyValue::new("http.request.method", "GET");
        let method_again = KeyValue::new("http_request_method", "POST");
        let scope_like = KeyValue::new("otel.scope.name", "x");
        let points: [&[&KeyValue]; 6] = [
            &[&route, &method],
            &[&method, &route],
            &[&route, &method],
            &[&method, &method_again],
            &[&route, &method],
            &[&scope_like, &route],
        ];
        let fixed = [("otel_scope_name", "shop")];
        let mut fixed_text = Vec::new();
        write_label(&mut fixed_text, "otel_scope_name", "shop");
        let mut names = LabelNames::default();
        for point in points {
            let mut ours = Vec::new();
            names.write_point(&mut ours, &fixed, &fixed_text, point);
            let mut expected = Vec::new();
            write_labels(&mut expected, &fixed, point.iter().copied());
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(expected).unwrap()
            );
        }
    }

    #[test]
    fn values_are_escaped() {
        assert_eq!(
            render(&[], &[KeyValue::new("path", "a\\b\"c\nd")]),
            r#"path="a\\b\"c\nd","#
        );
    }

    #[test]
    fn non_string_values_are_strings() {
        // "non-string Attribute values MUST be converted to string attributes"
        assert_eq!(
            render(&[], &[KeyValue::new("code", 200_i64), KeyValue::new("ok", true)]),
            r#"code="200",ok="true","#
        );
    }

    #[test]
    fn keys_that_meet_are_joined_in_key_order() {
        // "In such cases, the values MUST be concatenated together, separated by `;`,
        // and ordered by the lexicographical order of the original keys."
        let out = render(
            &[("otel_scope_name", "shop")],
            &[
                KeyValue::new("http.route", "b"),
                KeyValue::new("http_route", "c"),
                KeyValue::new("http-route", "a"),
                KeyValue::new("otel.scope.name", "x"),
            ],
        );
        assert_eq!(out, r#"http_route="a;b;c",otel_scope_name="x;shop","#);
    }

    #[test]
    fn scope_labels_come_first_on_the_fast_path() {
        assert_eq!(
            render(&[("otel_scope_name", "s")], &[KeyValue::new("a", "1")]),
            r#"otel_scope_name="s",a="1","#
        );
    }
}

/// The label names of the attribute keys met in one rendering, each sanitised once
/// rather than on every point, and the point labels written with them. The points of a
/// metric mostly have the same keys in the same order, so each key is first compared
/// with the previous point's at its position (no hashing), and whether the names
/// collide is decided again only when the keys change.
#[derive(Default)]
pub(crate) struct LabelNames<'a> {
    /// The sanitised names, and where each key's is.
    names: Vec<Box<str>>,
    /// The keys, in the order of `names`.
    keys: Vec<&'a str>,
    by_key: HashMap<&'a str, usize>,
    /// The previous point's keys and their names' positions.
    last: Vec<(&'a str, usize)>,
    /// Whether two of them (or one and a scope label) have one name.
    last_collides: bool,
}

impl<'a> LabelNames<'a> {
    /// Writes the labels of a point, as [`write_labels`] does: `fixed` (the scope's, whose
    /// `name="value",` text is `fixed_text`) then `attributes`.
    pub(crate) fn write_point(
        &mut self,
        out: &mut Vec<u8>,
        fixed: &[(&str, &str)],
        fixed_text: &[u8],
        attributes: &[&'a KeyValue],
    ) {
        let same_keys = self.last.len() == attributes.len()
            && self
                .last
                .iter()
                .zip(attributes)
                .all(|((key, _), kv)| *key == kv.key.as_str());
        if !same_keys {
            self.last.clear();
            for kv in attributes {
                let key = kv.key.as_str();
                // The SDK gives a set's keys in either of two orders: most keys are
                // found among a few names by comparing, without hashing.
                let found = if self.names.len() <= 16 {
                    self.keys.iter().position(|k| *k == key)
                } else {
                    self.by_key.get(key).copied()
                };
                let at = match found {
                    Some(at) => at,
                    None => {
                        self.keys.push(key);
                        self.names.push(sanitize(key, false).into_boxed_str());
                        self.by_key.insert(key, self.names.len() - 1);
                        self.names.len() - 1
                    }
                };
                self.last.push((key, at));
            }
            let names = &self.names;
            let last = &self.last;
            self.last_collides = last.iter().enumerate().any(|(i, (_, at))| {
                let name = &*names[*at];
                fixed.iter().any(|(f, _)| *f == name)
                    || last[i + 1..].iter().any(|(_, other)| &*names[*other] == name)
            });
        } else if !fixed.is_empty() && !self.last_collides {
            // The scope labels change between metrics: check them again.
            let names = &self.names;
            self.last_collides = self
                .last
                .iter()
                .any(|(_, at)| fixed.iter().any(|(f, _)| *f == &*names[*at]));
        }
        if self.last_collides {
            write_labels(out, fixed, attributes.iter().copied());
            return;
        }
        out.extend_from_slice(fixed_text);
        for (kv, (_, at)) in attributes.iter().zip(&self.last) {
            out.extend_from_slice(self.names[*at].as_bytes());
            out.extend_from_slice(b"=\"");
            write_value(out, &kv.value);
            out.extend_from_slice(b"\",");
        }
    }
}
