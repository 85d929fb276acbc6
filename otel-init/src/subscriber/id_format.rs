//! The console formats with ids: tracing-subscriber's text line ([`Full`]) or JSON object
//! ([`Json`]), plus the current OpenTelemetry span's ids inside a span.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use opentelemetry::trace::{SpanId, TraceId};
use otel_kit_core::__private::lower_hex;
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{Format, Full, Json, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use super::ids::current_ids;

/// Formats like [`Format<T>`] and adds the current OpenTelemetry span's ids where the
/// format `T` puts them ([`IdPlacement`]).
pub(super) struct WithIds<T> {
    inner: Format<T>,
    /// JSON members written on every line after the ids (the resource's identity).
    identity: Option<Arc<str>>,
}

impl WithIds<Full> {
    /// The default line, then ` trace_id=<32 hex> span_id=<16 hex>` before its newline.
    pub(super) fn text(ansi: bool) -> Self {
        WithIds {
            // Set on the format too: the adapter's `Writer` cannot carry the layer's flag.
            inner: Format::default().with_ansi(ansi),
            identity: None,
        }
    }
}

impl WithIds<Json> {
    /// The JSON object (`timestamp`, `level`, `fields`, `target`, `span`, `spans`), then
    /// `"trace_id"` and `"span_id"` strings, then `identity`'s members (`,"key":"value"`
    /// each, already escaped) on every line.
    pub(super) fn json(identity: Option<Arc<str>>) -> Self {
        WithIds {
            inner: Format::default().json().with_ansi(false),
            identity,
        }
    }
}

/// Where a format's ids go: before the tail its formatted event ends with.
pub(super) trait IdPlacement {
    /// The tail, written again after the ids.
    const TAIL: &'static str;
    /// Writes the ids.
    fn write_ids(writer: &mut Writer<'_>, trace_id: TraceId, span_id: SpanId) -> fmt::Result;
}

impl IdPlacement for Full {
    const TAIL: &'static str = "\n";

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
        let ids = current_ids();
        if ids.is_none() && self.identity.is_none() {
            return self.inner.format_event(ctx, writer, event);
        }
        // The event is formatted into this thread's line, then written with the ids
        // before its tail: one copy of the line, where an adapter between the format and
        // the writer would look at every piece the format writes.
        let formatted = LINE.try_with(|line| {
            // Taken already: an event formatted while formatting another (a field's
            // `Debug` that logs). It is written without ids below.
            let Ok(mut line) = line.try_borrow_mut() else {
                return None;
            };
            line.clear();
            let result = self
                .inner
                .format_event(ctx, Writer::new(&mut *line), event)
                .and_then(|()| match line.strip_suffix(T::TAIL) {
                    Some(head) => {
                        writer.write_str(head)?;
                        if let Some((trace_id, span_id)) = ids {
                            T::write_ids(&mut writer, trace_id, span_id)?;
                        }
                        if let Some(identity) = &self.identity {
                            writer.write_str(identity)?;
                        }
                        writer.write_str(T::TAIL)
                    }
                    // A shape we do not know: as formatted, without ids.
                    None => writer.write_str(&line),
                });
            if line.capacity() > MAX_KEPT_LINE {
                *line = String::new();
            }
            Some(result)
        });
        match formatted {
            Ok(Some(result)) => result,
            _ => self.inner.format_event(ctx, writer, event),
        }
    }
}

/// A line buffer larger than this after an event is freed rather than kept for the
/// thread's next one.
const MAX_KEPT_LINE: usize = 16 * 1024;

thread_local! {
    /// This thread's formatted event, reused from one event to the next.
    static LINE: RefCell<String> = const { RefCell::new(String::new()) };
}
