//! The JSON console format: tracing-subscriber's JSON object, plus top-level
//! `"trace_id"` and `"span_id"` strings inside a span.

use std::fmt;

use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{Format, Json, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use super::ids::{HoldTail, current_ids};

/// Formats like [`Format<Json>`] (`timestamp`, `level`, `fields`, `target`, `span`,
/// `spans`) and adds the current OpenTelemetry span's ids as the last two members.
pub(super) struct JsonWithIds {
    inner: Format<Json>,
}

impl JsonWithIds {
    pub(super) fn new() -> Self {
        JsonWithIds {
            inner: Format::default().json().with_ansi(false),
        }
    }
}

impl<S, N> FormatEvent<S, N> for JsonWithIds
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
        // The object ends `}` then `\n`; members go before that `}`. Hex ids need no
        // JSON escaping.
        let mut hold = HoldTail::new(&mut writer, |b| b == b'}' || b == b'\n');
        self.inner.format_event(ctx, Writer::new(&mut hold), event)?;
        hold.finish("}\n", |w| {
            write!(w, ",\"trace_id\":\"{trace_id}\",\"span_id\":\"{span_id}\"")
        })
    }
}
