//! The SQL commenter: the span's trace context appended to the query text as a comment
//! (`/*traceparent='00-...'*/`), in the sqlcommenter format, so the database's own logs
//! (slow-query log, `pg_stat_activity`) can be joined to the trace.
//!
//! What goes in is what the propagator the pool resolved injects (W3C `traceparent` and
//! `tracestate` with otel-kit-init's defaults, `b3` with B3), so the database sees the
//! same context an HTTP call would carry. Baggage is left out: it is application data,
//! and a query's text ends up in logs and monitoring views.

use std::fmt::Write as _;

use opentelemetry::Context;
use opentelemetry::propagation::Injector;
use otel_kit_core::__private::Resolved;

use crate::sql_core::instrumentation::{Frontend, Instruments};

/// The injected fields, in the order the propagator wrote them.
#[derive(Default)]
struct Fields(Vec<(String, String)>);

impl Injector for Fields {
    fn set(&mut self, key: &str, value: String) {
        // An empty field (the W3C propagator's `tracestate` without entries) says nothing.
        if !value.is_empty() && !key.eq_ignore_ascii_case("baggage") {
            self.0.push((key.to_owned(), value));
        }
    }
}

/// `sql` with the trace context of `cx`, as `resolved`'s propagator writes it, in a
/// trailing comment placed before a final `;`, and on its own line when the text ends
/// inside a line comment. `None` when the propagator writes nothing (no valid span).
pub(crate) fn with_trace_context<F: Frontend>(
    sql: &str,
    cx: &Context,
    resolved: &Resolved<Instruments<F>>,
) -> Option<String> {
    let mut fields = Fields::default();
    resolved.inject(cx, &mut fields);
    append(sql, fields.0)
}

/// `sql` with `fields` in a sqlcommenter comment: sorted by key, keys and values
/// percent-encoded, values in single quotes.
fn append(sql: &str, mut fields: Vec<(String, String)>) -> Option<String> {
    if fields.is_empty() {
        return None;
    }
    fields.sort();
    let body = sql.trim_end();
    let (body, semicolon) = match body.strip_suffix(';') {
        Some(rest) => (rest.trim_end(), ";"),
        None => (body, ""),
    };
    let last_line = body.rsplit('\n').next().unwrap_or(body);
    let separator = if last_line.contains("--") || last_line.contains('#') {
        "\n"
    } else {
        " "
    };
    let mut out = String::with_capacity(body.len() + 96);
    out.push_str(body);
    out.push_str(separator);
    out.push_str("/*");
    for (i, (key, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        percent_encode(&mut out, key);
        out.push_str("='");
        percent_encode(&mut out, value);
        out.push('\'');
    }
    out.push_str("*/");
    out.push_str(semicolon);
    Some(out)
}

/// Percent-encodes all but RFC 3986's unreserved characters, as sqlcommenter asks: no
/// quote, `*/` or newline can end the comment early.
fn percent_encode(out: &mut String, text: &str) {
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::append;

    const TP: &str = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    fn traceparent() -> Vec<(String, String)> {
        vec![("traceparent".into(), TP.into())]
    }

    #[test]
    fn appends_before_the_semicolon_and_after_line_comments() {
        let comment = format!("/*traceparent='{TP}'*/");
        assert_eq!(
            append("SELECT 1", traceparent()),
            Some(format!("SELECT 1 {comment}"))
        );
        assert_eq!(
            append("SELECT 1 ;  ", traceparent()),
            Some(format!("SELECT 1 {comment};"))
        );
        assert_eq!(
            append("SELECT 1 -- note", traceparent()),
            Some(format!("SELECT 1 -- note\n{comment}"))
        );
        assert_eq!(append("SELECT 1", Vec::new()), None);
    }

    #[test]
    fn fields_are_sorted_and_encoded_so_nothing_ends_the_comment() {
        let fields = vec![
            ("tracestate".into(), "vendor=a'b,x=*/DROP".into()),
            ("traceparent".into(), TP.into()),
        ];
        assert_eq!(
            append("SELECT 1", fields),
            Some(format!(
                "SELECT 1 /*traceparent='{TP}',tracestate='vendor%3Da%27b%2Cx%3D%2A%2FDROP'*/"
            ))
        );
    }
}
