//! The console formats with ids: tracing-subscriber's text line ([`Full`]) or JSON object
//! ([`Json`]), plus the current OpenTelemetry span's ids inside a span.

use std::fmt;

use opentelemetry::trace::{SpanId, TraceId};
use otel_kit_core::lower_hex;
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{Format, Full, Json, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use super::ids::{HoldTail, current_ids};

/// Formats like [`Format<T>`] and adds the current OpenTelemetry span's ids where the
/// format `T` puts them ([`IdPlacement`]).
pub(super) struct WithIds<T> {
    inner: Format<T>,
}

impl WithIds<Full> {
    /// The default line, then ` trace_id=<32 hex> span_id=<16 hex>` before its newline.
    pub(super) fn text(ansi: bool) -> Self {
        WithIds {
            // Set on the format too: the adapter's `Writer` cannot carry the layer's flag.
            inner: Format::default().with_ansi(ansi),
        }
    }
}

impl WithIds<Json> {
    /// The JSON object (`timestamp`, `level`, `fields`, `target`, `span`, `spans`), then
    /// `"trace_id"` and `"span_id"` strings as its last two members.
    pub(super) fn json() -> Self {
        WithIds {
            inner: Format::default().json().with_ansi(false),
        }
    }
}

/// Where a format's ids go: before the tail its formatted event ends with.
pub(super) trait IdPlacement {
    /// The tail, written again after the ids.
    const TAIL: &'static str;
    /// Whether `byte` belongs to the tail, held back until the event ends.
    fn holds(byte: u8) -> bool;
    /// Writes the ids.
    fn write_ids(writer: &mut Writer<'_>, trace_id: TraceId, span_id: SpanId) -> fmt::Result;
}

impl IdPlacement for Full {
    const TAIL: &'static str = "\n";

    fn holds(byte: u8) -> bool {
        byte == b'\n'
    }

    fn write_ids(writer: &mut Writer<'_>, trace_id: TraceId, span_id: SpanId) -> fmt::Result {
        let (mut trace, mut span) = ([0; 32], [0; 16]);
        writer.write_str(" trace_id=")?;
        writer.write_str(lower_hex::write(&trace_id.to_bytes(), &mut trace))?;
        writer.write_str(" span_id=")?;
        writer.write_str(lower_hex::write(&span_id.to_bytes(), &mut span))
    }
}

/// The object ends `}` then `\n`; members go before that `}`. Hex ids need no JSON
/// escaping.
impl IdPlacement for Json {
    const TAIL: &'static str = "}\n";

    fn holds(byte: u8) -> bool {
        byte == b'}' || byte == b'\n'
    }

    fn write_ids(writer: &mut Writer<'_>, trace_id: TraceId, span_id: SpanId) -> fmt::Result {
        let (mut trace, mut span) = ([0; 32], [0; 16]);
        writer.write_str(",\"trace_id\":\"")?;
        writer.write_str(lower_hex::write(&trace_id.to_bytes(), &mut trace))?;
        writer.write_str("\",\"span_id\":\"")?;
        writer.write_str(lower_hex::write(&span_id.to_bytes(), &mut span))?;
        writer.write_str("\"")
    }
}

impl<S, N, T> FormatEvent<S, N> for WithIds<T>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    T: IdPlacement,
    Format<T>: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let Some((trace_id, span_id)) = current_ids() else {
            return self.inner.format_event(ctx, writer, event);
        };
        let mut hold = HoldTail::new(&mut writer, T::holds);
        self.inner.format_event(ctx, Writer::new(&mut hold), event)?;
        hold.finish(T::TAIL, |w| T::write_ids(w, trace_id, span_id))
    }
}
