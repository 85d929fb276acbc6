//! Where console lines go and how they look ([`Console`]), and the fmt layer built from it.

use std::io::{self, IsTerminal as _};
use std::sync::Arc;

use tracing::Subscriber;
use tracing_subscriber::Layer;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::JsonFields;
use tracing_subscriber::registry::LookupSpan;

use super::console_format::ConsoleFormat;
use super::id_format::WithIds;
use otel_kit_core::__private::BoundedErrors;

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
    /// The resource's identity as JSON members, on every JSON line.
    identity: Option<Arc<str>>,
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
            identity: None,
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
            identity: None,
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

    /// Puts the service's identity on every JSON line as top-level string members
    /// (`service.name`, `service.instance.id`, `deployment.environment.name`, ...), so a
    /// log store that only sees stdout can tell the lines of one instance from
    /// another's. `init()` gives its resource's; the text format ignores it.
    ///
    /// ```
    /// use otel_kit_init::subscriber::{Console, ConsoleFormat};
    ///
    /// let console = Console::new(ConsoleFormat::Json, std::io::sink)
    ///     .resource_identity([("service.name", "orders"), ("deployment.environment.name", "prod")]);
    /// # drop(console);
    /// ```
    pub fn resource_identity<'a>(mut self, members: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut rendered = String::new();
        for (key, value) in members {
            rendered.push(',');
            json_string(&mut rendered, key);
            rendered.push(':');
            json_string(&mut rendered, value);
        }
        self.identity = (!rendered.is_empty()).then(|| Arc::from(rendered));
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
        // The formatter follows an error's sources to their end: given a bounded copy.
        match self.format {
            ConsoleFormat::Text => {
                BoundedErrors::new(layer.with_ansi(self.ansi).event_format(WithIds::text(self.ansi)))
                    .with_filter(filter)
                    .boxed()
            }
            ConsoleFormat::Json => BoundedErrors::new(
                layer
                    .with_ansi(false)
                    // Span fields as JSON, so the `span` and `spans` members nest as objects.
                    .fmt_fields(JsonFields::new())
                    .event_format(WithIds::json(self.identity)),
            )
            .with_filter(filter)
            .boxed(),
        }
    }
}

/// `text` as a JSON string: quoted, with `"`, `\` and control characters escaped.
fn json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}
