//! What the builder prints to the console: the `tracing` subscriber's lines, the console
//! span exporter's format, and whether events are also span events.

use super::Builder;
use crate::config::{EffectiveConfig, ExporterKind};
use crate::subscriber::{self, SpanEvents};

impl Builder {
    /// Text (default) or JSON console lines.
    pub fn console_format(mut self, format: subscriber::ConsoleFormat) -> Self {
        self.console_format = format;
        self
    }

    /// How `OTEL_TRACES_EXPORTER=console` prints spans: a line per span (the default) or
    /// a waterfall per trace; wins over `OTEL_KIT_CONSOLE_SPAN_FORMAT`
    /// ([`ConsoleSpanFormat`](crate::config::ConsoleSpanFormat)).
    ///
    /// ```no_run
    /// use otel_kit_init::Exporter;
    /// use otel_kit_init::config::ConsoleSpanFormat;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .traces_exporter(Exporter::Console)
    ///     .console_span_format(ConsoleSpanFormat::Waterfall)
    ///     .init()?;
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn console_span_format(mut self, format: crate::config::ConsoleSpanFormat) -> Self {
        self.code.console_span_format = Some(format);
        self
    }

    /// Whether `tracing` events inside a span are also span events on it; wins over
    /// `OTEL_KIT_SPAN_EVENTS`. Unset, they are log records only when logs are exported
    /// over OTLP, and span events too otherwise ([`SpanEvents`](subscriber::SpanEvents)).
    ///
    /// ```no_run
    /// use otel_kit_init::subscriber::SpanEvents;
    ///
    /// // A backend that stores traces only: keep the log lines on the spans.
    /// let telemetry = otel_kit_init::builder().span_events(SpanEvents::Recorded).init()?;
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn span_events(mut self, span_events: subscriber::SpanEvents) -> Self {
        self.span_events = Some(span_events);
        self
    }

    /// Code's choice, else `OTEL_KIT_SPAN_EVENTS`, else by whether logs go over OTLP.
    /// The variable is read whether or not a subscriber is installed, so a bad value
    /// always warns.
    pub(super) fn resolved_span_events(
        &self,
        effective: &EffectiveConfig,
        warnings: &mut Vec<String>,
    ) -> SpanEvents {
        if let Some(chosen) = self.span_events {
            return chosen;
        }
        let logs_over_otlp =
            !effective.sdk_disabled && effective.export.logs_exporters.contains(&ExporterKind::Otlp);
        let value = (self.lookup)(subscriber::SPAN_EVENTS);
        let (chosen, warning) = SpanEvents::from_env_value(value.as_deref(), logs_over_otlp);
        warnings.extend(warning.map(|w| w.to_string()));
        chosen
    }
}
