//! `RUST_LOG` parsing ([`LogFilter`]) and the per-layer filters built from it.

use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Level, Metadata, span};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::{FilterFn, ParseError, filter_fn};
use tracing_subscriber::layer::{Context, Filter};
use tracing_subscriber::registry::LookupSpan;

use crate::env::ConfigWarning;

/// The variable [`LogFilter::from_env`] reads.
const RUST_LOG: &str = "RUST_LOG";

/// `RUST_LOG`-style filter directives (`info`, `my_crate=debug,hyper=warn`, ...), checked
/// once so every layer can build its own [`EnvFilter`] from them.
///
/// The directives decide what reaches the console and the OTLP log bridge, and they can
/// add verbose spans to traces; they never remove the spans traces depend on (see the
/// [module docs](super#filtering-why-traces-do-not-follow-rust_log)). Unset, empty or
/// invalid means `info`; an invalid value also yields a [`ConfigWarning`] for the caller
/// to report once logging works, rather than a line printed to stderr.
///
/// ```
/// use otel_kit_init::subscriber::LogFilter;
///
/// let (filter, warning) = LogFilter::from_rust_log(Some("my_app=debug,hyper=warn"));
/// assert_eq!(filter.directives(), "my_app=debug,hyper=warn");
/// assert!(warning.is_none());
///
/// let (filter, warning) = LogFilter::from_rust_log(Some("my_app=loud"));
/// assert_eq!(filter, LogFilter::default());
/// assert_eq!(filter.directives(), "info");
/// let warning = warning.expect("invalid directives are reported");
/// assert!(warning.to_string().starts_with("RUST_LOG=\"my_app=loud\""));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFilter {
    directives: String,
}

impl Default for LogFilter {
    /// `info`.
    fn default() -> Self {
        LogFilter {
            directives: LogFilter::DEFAULT_DIRECTIVES.to_owned(),
        }
    }
}

impl LogFilter {
    /// What is used when `RUST_LOG` is unset, empty or invalid.
    ///
    /// ```
    /// assert_eq!(otel_kit_init::subscriber::LogFilter::DEFAULT_DIRECTIVES, "info");
    /// ```
    pub const DEFAULT_DIRECTIVES: &str = "info";

    /// Parses directives; an error names the first invalid one.
    ///
    /// ```
    /// use otel_kit_init::subscriber::LogFilter;
    ///
    /// assert_eq!(LogFilter::parse("warn,my_app=trace")?.directives(), "warn,my_app=trace");
    /// assert!(LogFilter::parse("my_app=loud").is_err());
    /// # Ok::<(), tracing_subscriber::filter::ParseError>(())
    /// ```
    pub fn parse(directives: &str) -> Result<LogFilter, ParseError> {
        let directives = directives.trim();
        // Validated here once, so building per-layer copies later cannot fail.
        EnvFilter::builder().parse(directives)?;
        Ok(LogFilter {
            directives: directives.to_owned(),
        })
    }

    /// Reads `RUST_LOG` from the process environment; see
    /// [`from_rust_log`](Self::from_rust_log).
    ///
    /// ```
    /// let (filter, warning) = otel_kit_init::subscriber::LogFilter::from_env();
    /// if let Some(warning) = warning {
    ///     eprintln!("{warning}");
    /// }
    /// # drop(filter);
    /// ```
    pub fn from_env() -> (LogFilter, Option<ConfigWarning>) {
        Self::from_rust_log(crate::env::process_env(RUST_LOG).as_deref())
    }

    /// Resolves a `RUST_LOG` value: unset or blank gives `info`; an invalid value gives
    /// `info` and a warning naming the value and the parse error.
    ///
    /// ```
    /// use otel_kit_init::subscriber::LogFilter;
    ///
    /// assert_eq!(LogFilter::from_rust_log(None), (LogFilter::default(), None));
    /// assert_eq!(LogFilter::from_rust_log(Some("  ")), (LogFilter::default(), None));
    /// assert_eq!(LogFilter::from_rust_log(Some("debug")).0.directives(), "debug");
    /// ```
    pub fn from_rust_log(value: Option<&str>) -> (LogFilter, Option<ConfigWarning>) {
        let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
            return (LogFilter::default(), None);
        };
        match LogFilter::parse(value) {
            Ok(filter) => (filter, None),
            Err(error) => {
                let warning = ConfigWarning {
                    variable: RUST_LOG.to_owned(),
                    value: value.to_owned(),
                    message: format!(
                        "is not a valid filter ({error}); using {:?}",
                        LogFilter::DEFAULT_DIRECTIVES
                    ),
                };
                (LogFilter::default(), Some(warning))
            }
        }
    }

    /// The directives in effect.
    ///
    /// ```
    /// assert_eq!(otel_kit_init::subscriber::LogFilter::default().directives(), "info");
    /// ```
    pub fn directives(&self) -> &str {
        &self.directives
    }

    /// A fresh [`EnvFilter`]: each layer needs its own, since a per-layer filter keeps
    /// per-span state for its layer.
    pub(super) fn env_filter(&self) -> EnvFilter {
        // Checked in `parse`; the fallback only guards against a future directive syntax
        // change between the two calls.
        EnvFilter::builder()
            .parse(&self.directives)
            .unwrap_or_else(|_| EnvFilter::new(LogFilter::DEFAULT_DIRECTIVES))
    }
}

/// True for the OpenTelemetry crates' own diagnostics (`opentelemetry`,
/// `opentelemetry_sdk`, `opentelemetry-otlp`, ...).
fn is_otel_internal(meta: &Metadata<'_>) -> bool {
    meta.target().starts_with("opentelemetry")
}

/// The log bridge's extra filter: bridging the SDK's own diagnostics back into the SDK
/// would loop (an export error logs, the log is exported, the export fails, ...).
#[cfg_attr(not(feature = "logs"), allow(dead_code))]
pub(super) fn not_otel_internal() -> FilterFn<fn(&Metadata<'_>) -> bool> {
    filter_fn(|meta| !is_otel_internal(meta))
}

/// Leaves out sqlx's statement logs (target `sqlx::query`): they carry the SQL as
/// written, literals included, where only parameterised or sanitised SQL may leave the
/// process (otel-kit-db records that). The console still shows them.
pub(super) fn not_raw_sql() -> FilterFn<fn(&Metadata<'_>) -> bool> {
    filter_fn(|meta| !meta.target().starts_with("sqlx::query"))
}

/// True for spans that always reach tracing-opentelemetry, whatever `RUST_LOG` says.
fn always_traced(meta: &Metadata<'_>) -> bool {
    // `Level` orders verbose as greater: this is INFO, WARN and ERROR.
    meta.is_span()
        && (*meta.level() <= Level::INFO || meta.fields().iter().any(|f| f.name().starts_with("otel.")))
}

/// The tracing-opentelemetry layer's filter: spans at `info` and above, spans declaring an
/// `otel.*` field at any level, plus whatever the directives enable (spans and, as span
/// events, events). `F` is the directives' [`EnvFilter`], or one that can be reloaded.
pub(super) struct TraceFilter<F> {
    env: F,
}

impl<F> TraceFilter<F> {
    pub(super) fn new(env: F) -> Self {
        TraceFilter { env }
    }
}

// Every method forwards to the `EnvFilter`, which tracks span scopes for span-field
// directives, and widens `enabled`/`callsite_enabled` for the always-traced spans.
impl<S, F> Filter<S> for TraceFilter<F>
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
    F: Filter<S>,
{
    fn enabled(&self, meta: &Metadata<'_>, cx: &Context<'_, S>) -> bool {
        always_traced(meta) || Filter::<S>::enabled(&self.env, meta, cx)
    }

    fn callsite_enabled(&self, meta: &'static Metadata<'static>) -> Interest {
        if always_traced(meta) {
            Interest::always()
        } else {
            Filter::<S>::callsite_enabled(&self.env, meta)
        }
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        // A `debug_span!` with `otel.kind` must still reach `callsite_enabled`; a lower
        // hint would let the macro skip it before any filter runs.
        Some(LevelFilter::TRACE)
    }

    fn event_enabled(&self, event: &tracing::Event<'_>, cx: &Context<'_, S>) -> bool {
        Filter::<S>::event_enabled(&self.env, event, cx)
    }

    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, cx: Context<'_, S>) {
        Filter::<S>::on_new_span(&self.env, attrs, id, cx);
    }

    fn on_record(&self, id: &span::Id, values: &span::Record<'_>, cx: Context<'_, S>) {
        Filter::<S>::on_record(&self.env, id, values, cx);
    }

    fn on_enter(&self, id: &span::Id, cx: Context<'_, S>) {
        Filter::<S>::on_enter(&self.env, id, cx);
    }

    fn on_exit(&self, id: &span::Id, cx: Context<'_, S>) {
        Filter::<S>::on_exit(&self.env, id, cx);
    }

    fn on_close(&self, id: span::Id, cx: Context<'_, S>) {
        Filter::<S>::on_close(&self.env, id, cx);
    }
}

/// How often one place in the OpenTelemetry crates may print a warning or an error.
const INTERNAL_REPEAT: std::time::Duration = std::time::Duration::from_secs(10);

/// The OpenTelemetry crates log every failed export; during an outage that is a line
/// per batch per signal. This console filter lets a warning or error from one call site
/// of theirs through at most once per 10 s (a call site is one signal's processor or
/// reader, so this is per signal). Everything else passes untouched.
#[derive(Debug, Clone, Default)]
pub(super) struct InternalRepeatLimit {
    last: std::sync::Arc<
        std::sync::Mutex<std::collections::HashMap<tracing::callsite::Identifier, std::time::Instant>>,
    >,
}

fn is_limited(meta: &Metadata<'_>) -> bool {
    meta.is_event() && is_otel_internal(meta) && *meta.level() <= Level::WARN
}

impl<S> Filter<S> for InternalRepeatLimit {
    fn enabled(&self, meta: &Metadata<'_>, _cx: &Context<'_, S>) -> bool {
        if !is_limited(meta) {
            return true;
        }
        let now = std::time::Instant::now();
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match last.get(&meta.callsite()) {
            Some(t) if now.duration_since(*t) < INTERNAL_REPEAT => false,
            _ => {
                last.insert(meta.callsite(), now);
                true
            }
        }
    }

    fn callsite_enabled(&self, meta: &'static Metadata<'static>) -> Interest {
        // Ask on every event for these call sites; cache "always" for the rest.
        if is_limited(meta) {
            Interest::sometimes()
        } else {
            Interest::always()
        }
    }
}

/// The HTTP/gRPC stacks the exporters themselves run on.
const TRANSPORT_TARGETS: [&str; 8] = [
    "hyper",
    "hyper_util",
    "h2",
    "tonic",
    "tower",
    "reqwest",
    "rustls",
    "tokio_rustls",
];

fn is_transport(meta: &Metadata<'_>) -> bool {
    let target = meta.target();
    TRANSPORT_TARGETS.iter().any(|t| {
        target
            .strip_prefix(t)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
    })
}

/// Threads that only ever do telemetry's own work: ours (`otel-*`), the SDK's
/// processors and readers, and reqwest's runtime for the blocking client.
fn on_telemetry_thread() -> bool {
    std::thread::current().name().is_some_and(|n| {
        n.starts_with("otel-") || n.starts_with("OpenTelemetry.") || n == "reqwest-internal-sync-runtime"
    })
}

/// Keeps the exporters' own transport activity (hyper, h2, tonic, reqwest... on a
/// telemetry thread) out of the traces and exported logs: with `RUST_LOG=debug`, every
/// export would otherwise produce telemetry that the next export carries, forever. The
/// application's own use of those crates, on its own threads, is untouched.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct NotTelemetryIo;

impl<S> Filter<S> for NotTelemetryIo {
    fn enabled(&self, meta: &Metadata<'_>, _cx: &Context<'_, S>) -> bool {
        !(is_transport(meta) && on_telemetry_thread())
    }

    fn callsite_enabled(&self, meta: &'static Metadata<'static>) -> Interest {
        // Only transport call sites depend on the thread; the rest stay cached.
        if is_transport(meta) {
            Interest::sometimes()
        } else {
            Interest::always()
        }
    }
}

/// Keeps events that are log records by definition off the trace layer: the GenAI
/// conventions' events written as `tracing` events with target `gen_ai` (by application
/// code or another library; otel-kit-genai itself emits its details event through the
/// logs API, which never reaches `tracing`). The trace layer would otherwise also add
/// them as span events to whatever `tracing` span is current, copying captured prompts
/// and completions onto an unrelated span. They still reach the log bridge.
pub(super) struct NotLogOnlyEvent;

/// The `tracing` target of events that are only log records.
const LOG_ONLY_EVENT_TARGET: &str = "gen_ai";

impl<S> Filter<S> for NotLogOnlyEvent {
    fn enabled(&self, meta: &Metadata<'_>, _cx: &Context<'_, S>) -> bool {
        !(meta.is_event() && meta.target() == LOG_ONLY_EVENT_TARGET)
    }

    fn callsite_enabled(&self, meta: &'static Metadata<'static>) -> Interest {
        if meta.is_event() && meta.target() == LOG_ONLY_EVENT_TARGET {
            Interest::never()
        } else {
            Interest::always()
        }
    }
}
