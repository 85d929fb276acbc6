//! Trace and span ids as text.

/// Lowercase hex of an id, as `TraceId`/`SpanId` display themselves.
pub(super) fn hex_id(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// An all-zero or empty id means "none" in OTLP.
pub(super) fn optional_hex_id(bytes: &[u8]) -> Option<String> {
    bytes.iter().any(|b| *b != 0).then(|| hex_id(bytes))
}
