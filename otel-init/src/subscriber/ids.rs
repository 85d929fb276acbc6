//! The current OpenTelemetry span's ids, and a writer adapter that lets a wrapped
//! formatter's output be extended just before its closing characters.

use std::fmt;

use opentelemetry::trace::{SpanId, TraceContextExt as _, TraceId};
use tracing_subscriber::fmt::format::Writer;

/// The trace and span id of the span in the current OpenTelemetry context.
///
/// This is what the OTLP log bridge stamps on its records (the SDK logger reads
/// `Context::current()`), so a console line and the exported record of the same event
/// always agree. tracing-opentelemetry makes a span's context current when the span is
/// entered; lines outside any span get `None`.
pub(super) fn current_ids() -> Option<(TraceId, SpanId)> {
    opentelemetry::Context::map_current(|cx| {
        let span = cx.span();
        let span_context = span.span_context();
        span_context
            .is_valid()
            .then(|| (span_context.trace_id(), span_context.span_id()))
    })
}

/// How many trailing bytes [`HoldTail`] keeps back at most (`}}}\n` and the like).
const HELD: usize = 8;

/// Passes text through to a [`Writer`], holding back the trailing run of bytes matching
/// `holds`, so [`finish`](Self::finish) can insert text before the output's closing
/// characters (`\n` of a text line, `}\n` of a JSON object) without buffering the line.
pub(super) struct HoldTail<'a, 'w> {
    out: &'a mut Writer<'w>,
    holds: fn(u8) -> bool,
    held: [u8; HELD],
    len: usize,
}

impl<'a, 'w> HoldTail<'a, 'w> {
    /// `holds` must only accept ASCII bytes, so held bytes are whole characters.
    pub(super) fn new(out: &'a mut Writer<'w>, holds: fn(u8) -> bool) -> Self {
        HoldTail {
            out,
            holds,
            held: [0; HELD],
            len: 0,
        }
    }

    fn release(&mut self, up_to: usize) -> fmt::Result {
        for &b in &self.held[..up_to] {
            self.out.write_char(char::from(b))?;
        }
        self.held.copy_within(up_to..self.len, 0);
        self.len -= up_to;
        Ok(())
    }

    /// Writes `insert` before `tail` when the output ended with `tail`; otherwise (an
    /// output shape we do not know) writes the held bytes unchanged and skips `insert`.
    pub(super) fn finish(
        mut self,
        tail: &str,
        insert: impl FnOnce(&mut Writer<'w>) -> fmt::Result,
    ) -> fmt::Result {
        if self.held[..self.len].ends_with(tail.as_bytes()) {
            self.release(self.len - tail.len())?;
            insert(self.out)?;
        }
        self.release(self.len)
    }
}

impl fmt::Write for HoldTail<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let bytes = s.as_bytes();
        let run = bytes.iter().rev().take_while(|&&b| (self.holds)(b)).count();
        let head = bytes.len() - run;
        if head > 0 {
            // The held bytes were not the end after all.
            self.release(self.len)?;
            // `head` is a char boundary: the byte after it is ASCII.
            self.out.write_str(&s[..head])?;
        }
        for &b in &bytes[head..] {
            if self.len == HELD {
                self.release(1)?;
            }
            self.held[self.len] = b;
            self.len += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    fn run(chunks: &[&str], holds: fn(u8) -> bool, tail: &str) -> String {
        let mut out = String::new();
        let mut writer = Writer::new(&mut out);
        let mut hold = HoldTail::new(&mut writer, holds);
        for chunk in chunks {
            hold.write_str(chunk).unwrap();
        }
        hold.finish(tail, |w| w.write_str("<X>")).unwrap();
        out
    }

    fn json(b: u8) -> bool {
        b == b'}' || b == b'\n'
    }

    fn newline(b: u8) -> bool {
        b == b'\n'
    }

    #[test]
    fn inserts_before_the_tail_across_chunk_boundaries() {
        assert_eq!(run(&["a b\n"], newline, "\n"), "a b<X>\n");
        assert_eq!(run(&["a", " b", "\n"], newline, "\n"), "a b<X>\n");
        assert_eq!(
            run(&["{\"a\":{\"b\":1}", "}", "\n"], json, "}\n"),
            "{\"a\":{\"b\":1}<X>}\n"
        );
        assert_eq!(run(&["{\"a\":\"}\"", "}\n"], json, "}\n"), "{\"a\":\"}\"<X>}\n");
        // A long run of held bytes spills its oldest bytes in order.
        assert_eq!(run(&["x", "}}}}}}}}}}", "\n"], json, "}\n"), "x}}}}}}}}}<X>}\n");
    }

    #[test]
    fn leaves_unknown_shapes_alone() {
        assert_eq!(run(&["no newline"], newline, "\n"), "no newline");
        assert_eq!(run(&["a\nb"], newline, "\n"), "a\nb");
        assert_eq!(run(&["é\n"], newline, "\n"), "é<X>\n");
    }
}
