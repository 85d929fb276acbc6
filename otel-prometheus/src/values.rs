//! How the numbers of an exposition are written: sample values, and the exemplar that
//! may follow a counter's or a bucket's value.

use std::time::UNIX_EPOCH;

use otel_kit_core::__private::exemplar::{ExemplarValue, StoredExemplar};

/// ` # {trace_id="...",span_id="..."} value timestamp`: "the OpenTelemetry Exemplar's
/// Trace ID and Span ID MUST be added as Exemplar labels using the `trace_id` and
/// `span_id` keys"; "Timestamps MUST be added as timestamps on the Prometheus
/// exemplar" (seconds, as OpenMetrics writes them).
pub(super) fn write_exemplar(out: &mut Vec<u8>, e: &StoredExemplar) {
    out.extend_from_slice(b" # {");
    if let Some(span) = e.span {
        out.extend_from_slice(b"trace_id=\"");
        write_hex(out, &span.trace_id.to_bytes());
        out.extend_from_slice(b"\",span_id=\"");
        write_hex(out, &span.span_id.to_bytes());
        out.push(b'"');
    }
    out.extend_from_slice(b"} ");
    match e.value {
        ExemplarValue::Double(v) => v.write(out),
        ExemplarValue::Int(v) => v.write(out),
    }
    if let Ok(since) = e.time.duration_since(UNIX_EPOCH) {
        out.push(b' ');
        itoa_write(out, since.as_secs());
        let millis = since.subsec_millis();
        // Three digits, zero-padded: `.007`.
        out.extend_from_slice(&[
            b'.',
            b'0' + (millis / 100) as u8,
            b'0' + (millis / 10 % 10) as u8,
            b'0' + (millis % 10) as u8,
        ]);
    }
}

/// Lower-case hex, as the ids are written everywhere else: into a stack buffer, then
/// one copy (a trace id is 32 digits).
fn write_hex<const N: usize>(out: &mut Vec<u8>, bytes: &[u8; N]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = [0_u8; 32];
    for (pair, b) in text.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 0xf)];
    }
    out.extend_from_slice(&text[..2 * N.min(16)]);
}

fn itoa_write(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// A sample value as both formats write it: integers as they are, floats in their
/// shortest form that reads back the same, `+Inf`, `-Inf` and `NaN`.
pub(super) trait SampleValue: Copy {
    fn write(self, out: &mut Vec<u8>);
}

impl SampleValue for u64 {
    fn write(self, out: &mut Vec<u8>) {
        itoa_write(out, self);
    }
}

impl SampleValue for i64 {
    fn write(self, out: &mut Vec<u8>) {
        out.extend_from_slice(itoa::Buffer::new().format(self).as_bytes());
    }
}

impl SampleValue for f64 {
    fn write(self, out: &mut Vec<u8>) {
        if self.is_nan() {
            out.extend_from_slice(b"NaN");
        } else if self == f64::INFINITY {
            out.extend_from_slice(b"+Inf");
        } else if self == f64::NEG_INFINITY {
            out.extend_from_slice(b"-Inf");
        } else {
            out.extend_from_slice(ryu::Buffer::new().format_finite(self).as_bytes());
        }
    }
}
