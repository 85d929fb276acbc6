//! The text console format: tracing-subscriber's default line, then
//! ` trace_id=<32 hex> span_id=<16 hex>` inside a span.

use std::fmt;

use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{Format, Full, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use super::ids::{HoldTail, current_ids};

/// Formats like [`Format<Full>`] and appends the current OpenTelemetry span's ids before
/// the line's newline.
pub(super) struct TextWithIds {
    inner: Format<Full>,
}

impl TextWithIds {
    pub(super) fn new(ansi: bool) -> Self {
        TextWithIds {
            // Set on the format too: the adapter's `Writer` cannot carry the layer's flag.
            inner: Format::default().with_ansi(ansi),
        }
    }
}

impl<S, N> FormatEvent<S, N> for TextWithIds
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
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
        let mut hold = HoldTail::new(&mut writer, |b| b == b'\n');
        self.inner.format_event(ctx, Writer::new(&mut hold), event)?;
        hold.finish("\n", |w| write!(w, " trace_id={trace_id} span_id={span_id}"))
    }
}
