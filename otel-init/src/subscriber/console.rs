//! Where console lines go and how they look ([`Console`]), and the fmt layer built from it.

use std::io::{self, IsTerminal as _};

use tracing::Subscriber;
use tracing_subscriber::Layer;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::JsonFields;
use tracing_subscriber::registry::LookupSpan;

use super::console_format::ConsoleFormat;
use super::id_format::WithIds;

/// The console output: a [`ConsoleFormat`] and a writer (stdout by default).
///
/// Inside a span, text lines end with ` trace_id=<32 hex> span_id=<16 hex>` and JSON
/// objects get top-level `"trace_id"` and `"span_id"` strings: the ids of the current
/// OpenTelemetry span, the same ids the OTLP log record of that event carries.
///
/// ```
/// use otel_kit_init::subscriber::{Console, ConsoleFormat};
///
/// // Stdout, text, colours when stdout is a terminal and `NO_COLOR` is unset.
/// let console = Console::default();
/// assert_eq!(console.format(), ConsoleFormat::Text);
///
/// // JSON on stderr.
/// let console = Console::new(ConsoleFormat::Json, std::io::stderr);
/// assert_eq!(console.format(), ConsoleFormat::Json);
/// ```
#[derive(Debug, Clone)]
pub struct Console<W = fn() -> io::Stdout> {
    format: ConsoleFormat,
    writer: W,
    ansi: bool,
}

impl Default for Console {
    /// Text on stdout; see [`Console::stdout`].
    fn default() -> Self {
        Console::stdout(ConsoleFormat::Text)
    }
}

impl Console {
    /// Stdout in `format`. Text is coloured when stdout is a terminal and `NO_COLOR` is
    /// unset or empty (<https://no-color.org>); JSON never is.
    ///
    /// ```
    /// use otel_kit_init::subscriber::{Console, ConsoleFormat};
    ///
    /// let console = Console::stdout(ConsoleFormat::Json);
    /// assert_eq!(console.format(), ConsoleFormat::Json);
    /// ```
    pub fn stdout(format: ConsoleFormat) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Console {
            format,
            writer: io::stdout,
            ansi: io::stdout().is_terminal() && !no_color,
        }
    }
}

impl<W> Console<W>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    /// `format` into any [`MakeWriter`]: a file, a buffer in a test, a non-blocking
    /// writer. No colours; turn them on with [`with_ansi`](Self::with_ansi).
    ///
    /// ```
    /// use otel_kit_init::subscriber::{Console, ConsoleFormat};
    ///
    /// let console = Console::new(ConsoleFormat::Text, std::io::sink);
    /// # drop(console);
    /// ```
    pub fn new(format: ConsoleFormat, writer: W) -> Self {
        Console {
            format,
            writer,
            ansi: false,
        }
    }

    /// Turns ANSI colours on or off for the text format (JSON ignores it).
    ///
    /// ```
    /// use otel_kit_init::subscriber::{Console, ConsoleFormat};
    ///
    /// let plain = Console::stdout(ConsoleFormat::Text).with_ansi(false);
    /// # drop(plain);
    /// ```
    pub fn with_ansi(mut self, ansi: bool) -> Self {
        self.ansi = ansi;
        self
    }

    /// The format.
    ///
    /// ```
    /// use otel_kit_init::subscriber::{Console, ConsoleFormat};
    ///
    /// assert_eq!(Console::default().format(), ConsoleFormat::Text);
    /// ```
    pub fn format(&self) -> ConsoleFormat {
        self.format
    }

    /// The fmt layer behind a per-layer `filter`.
    pub(super) fn into_layer<S, F>(self, filter: F) -> Box<dyn Layer<S> + Send + Sync>
    where
        S: Subscriber + Send + Sync + for<'a> LookupSpan<'a>,
        F: tracing_subscriber::layer::Filter<S> + Send + Sync + 'static,
    {
        let layer = tracing_subscriber::fmt::layer().with_writer(self.writer);
        match self.format {
            ConsoleFormat::Text => layer
                .with_ansi(self.ansi)
                .event_format(WithIds::text(self.ansi))
                .with_filter(filter)
                .boxed(),
            ConsoleFormat::Json => layer
                .with_ansi(false)
                // Span fields as JSON, so the `span` and `spans` members nest as objects.
                .fmt_fields(JsonFields::new())
                .event_format(WithIds::json())
                .with_filter(filter)
                .boxed(),
        }
    }
}
