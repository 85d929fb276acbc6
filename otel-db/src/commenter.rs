//! The SQL commenter: `/*traceparent='00-...'*/` appended to the query text, so the
//! database's own logs (slow-query log, `pg_stat_activity`) can be joined to the trace.

use opentelemetry::trace::SpanContext;

/// `sql` with the W3C `traceparent` of `span` in a trailing comment, placed before a
/// final `;`, and on its own line when the text ends inside a line comment. `None` for
/// an invalid span context (no tracer installed).
pub(crate) fn with_traceparent(sql: &str, span: &SpanContext) -> Option<String> {
    if !span.is_valid() {
        return None;
    }
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
    Some(format!(
        "{body}{separator}/*traceparent='00-{}-{}-{:02x}'*/{semicolon}",
        span.trace_id(),
        span.span_id(),
        span.trace_flags().to_u8()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::trace::{SpanId, TraceFlags, TraceId, TraceState};

    fn span() -> SpanContext {
        SpanContext::new(
            TraceId::from(0x0af7651916cd43dd8448eb211c80319c_u128),
            SpanId::from(0xb7ad6b7169203331_u64),
            TraceFlags::SAMPLED,
            false,
            TraceState::default(),
        )
    }

    #[test]
    fn appends_before_the_semicolon_and_after_line_comments() {
        let tp = "/*traceparent='00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'*/";
        assert_eq!(
            with_traceparent("SELECT 1", &span()),
            Some(format!("SELECT 1 {tp}"))
        );
        assert_eq!(
            with_traceparent("SELECT 1 ;  ", &span()),
            Some(format!("SELECT 1 {tp};"))
        );
        assert_eq!(
            with_traceparent("SELECT 1 -- note", &span()),
            Some(format!("SELECT 1 -- note\n{tp}"))
        );
        assert_eq!(with_traceparent("SELECT 1", &SpanContext::empty_context()), None);
    }
}
