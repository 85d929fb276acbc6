//! [`ConsoleSpanFormat`]: how `OTEL_TRACES_EXPORTER=console` prints spans
//! (`OTEL_KIT_CONSOLE_SPAN_FORMAT`, non-standard).

use std::fmt;

use crate::env::Env;

/// The variable [`ConsoleSpanFormat`] is read from.
pub(crate) const VARIABLE: &str = "OTEL_KIT_CONSOLE_SPAN_FORMAT";

/// How the console span exporter (`OTEL_TRACES_EXPORTER=console`) prints spans.
///
/// | value | `OTEL_KIT_CONSOLE_SPAN_FORMAT` | prints |
/// | --- | --- | --- |
/// | [`Lines`](Self::Lines) (default) | `lines` | one line per span as it ends (`ConsoleSpanExporter`) |
/// | [`Waterfall`](Self::Waterfall) | `waterfall` | each trace as a waterfall when its local root span ends (`WaterfallSpanExporter`) |
///
/// Any other value gives the default and one warning naming the variable.
/// `Builder::console_span_format` wins over the variable.
///
/// ```
/// use otel_kit_init::config::{Config, ConsoleSpanFormat};
///
/// let (config, warnings) = Config::from_lookup(|k| (k == "OTEL_KIT_CONSOLE_SPAN_FORMAT").then(|| "Waterfall".into()));
/// assert_eq!((config.export.console_span_format, warnings.len()), (ConsoleSpanFormat::Waterfall, 0));
///
/// let (config, warnings) = Config::from_lookup(|k| (k == "OTEL_KIT_CONSOLE_SPAN_FORMAT").then(|| "tree".into()));
/// assert_eq!(config.export.console_span_format, ConsoleSpanFormat::Lines);
/// assert_eq!(
///     warnings[0].to_string(),
///     "OTEL_KIT_CONSOLE_SPAN_FORMAT=\"tree\" is not one of lines, waterfall; using lines"
/// );
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ConsoleSpanFormat {
    /// One line per span as it ends.
    #[default]
    Lines,
    /// Each trace as a waterfall, printed when its local root span ends.
    Waterfall,
}

impl ConsoleSpanFormat {
    /// The variable's value for this format.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsoleSpanFormat::Lines => "lines",
            ConsoleSpanFormat::Waterfall => "waterfall",
        }
    }
}

impl fmt::Display for ConsoleSpanFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub(crate) fn read(env: &mut Env<'_>) -> ConsoleSpanFormat {
    env.choice(
        VARIABLE,
        &[
            ("lines", ConsoleSpanFormat::Lines),
            ("waterfall", ConsoleSpanFormat::Waterfall),
        ],
        ConsoleSpanFormat::default(),
    )
}
