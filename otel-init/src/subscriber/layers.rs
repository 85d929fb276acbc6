//! The three layers ([`TelemetryLayers`]) and the ready-made subscriber.

use std::fmt;

use opentelemetry::logs::{Logger, LoggerProvider};
use opentelemetry::trace::Tracer;
#[cfg(feature = "logs")]
use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use opentelemetry_sdk::trace::SdkTracer;
use tracing::Subscriber;
use tracing_subscriber::Registry;
use tracing_subscriber::filter::FilterExt as _;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Filter, Layer, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;

use super::console::Console;
use super::filter::{
    InternalRepeatLimit, LogFilter, NotLogOnlyEvent, NotTelemetryIo, TraceFilter, not_raw_sql,
};
use super::span_events::{SpanEvents, SpansOnly};
#[cfg(feature = "logs")]
use otel_kit_core::__private::EventFields;
use otel_kit_core::__private::span_bridge;

/// The `tracing` layers otel-kit-init sets up, each behind its own filter, for a subscriber
/// you compose yourself.
///
/// | Field | Layer | Filter |
/// | --- | --- | --- |
/// | `traces` | tracing-opentelemetry, exporting spans through the tracer | spans at `info` and above, spans with an `otel.*` field at any level, and whatever the [`LogFilter`] enables (spans, and events as span events unless [`SpanEvents::LogsOnly`]) |
/// | `logs` | the OTLP log bridge ([`OpenTelemetryTracingBridge`]) | the [`LogFilter`], minus targets starting with `opentelemetry` and sqlx's statement logs (`sqlx::query`, raw SQL) |
/// | `console` | the fmt layer in the [`Console`]'s format, with trace ids | the [`LogFilter`] |
///
/// Stack them with [`into_layer`](Self::into_layer) (or `and_then` the fields you want)
/// onto a `tracing_subscriber::registry()`, then add your own layers after them. Every
/// field is a [`Layer<S>`] for the subscriber `S` below it, so the three go onto the same
/// place in the stack.
///
/// ```
/// use opentelemetry::trace::TracerProvider as _;
/// use opentelemetry_sdk::logs::SdkLoggerProvider;
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use otel_kit_init::subscriber::{self, Console, ConsoleFormat, LogFilter};
/// use tracing_subscriber::filter::LevelFilter;
/// use tracing_subscriber::prelude::*;
///
/// let tracer_provider = SdkTracerProvider::builder().build();
/// let logger_provider = SdkLoggerProvider::builder().build();
/// let (filter, warning) = LogFilter::from_rust_log(Some("info,my_app=debug"));
/// assert!(warning.is_none());
///
/// let layers = subscriber::layers(
///     tracer_provider.tracer("my-app"),
///     &logger_provider,
///     Console::new(ConsoleFormat::Json, std::io::stderr),
///     &filter,
/// );
/// // Your own layer, with its own filter, goes on top.
/// let audit = tracing_subscriber::fmt::layer()
///     .with_writer(std::io::sink)
///     .with_filter(LevelFilter::WARN);
/// let subscriber = tracing_subscriber::registry().with(layers.into_layer()).with(audit);
///
/// // `tracing::subscriber::set_global_default(subscriber)` in a real program.
/// tracing::subscriber::with_default(subscriber, || {
///     tracing::info_span!("checkout").in_scope(|| tracing::info!("paid"));
/// });
/// ```
///
/// Keeping only some of them:
///
/// ```
/// # use opentelemetry::trace::TracerProvider as _;
/// # use opentelemetry_sdk::logs::SdkLoggerProvider;
/// # use opentelemetry_sdk::trace::SdkTracerProvider;
/// # use otel_kit_init::subscriber::{self, Console, ConsoleFormat, LogFilter};
/// use tracing_subscriber::prelude::*;
///
/// # let tracer_provider = SdkTracerProvider::builder().build();
/// # let logger_provider = SdkLoggerProvider::builder().build();
/// let layers = subscriber::layers(
///     tracer_provider.tracer("my-app"),
///     &logger_provider,
///     Console::default(),
///     &LogFilter::default(),
/// );
/// // Traces and OTLP logs, and your own console instead of ours.
/// let subscriber = tracing_subscriber::registry()
///     .with(layers.traces.and_then(layers.logs))
///     .with(tracing_subscriber::fmt::layer().with_writer(std::io::sink));
/// # drop(subscriber);
/// ```
pub struct TelemetryLayers<S> {
    /// tracing-opentelemetry: turns spans into OpenTelemetry spans and makes each span's
    /// context current while it is entered.
    pub traces: Box<dyn Layer<S> + Send + Sync>,
    /// The OTLP log bridge: turns events into log records stamped with the current span.
    pub logs: Box<dyn Layer<S> + Send + Sync>,
    /// The console, with trace and span ids on lines inside spans.
    pub console: Box<dyn Layer<S> + Send + Sync>,
}

impl<S> fmt::Debug for TelemetryLayers<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TelemetryLayers").finish_non_exhaustive()
    }
}

impl<S> TelemetryLayers<S>
where
    S: Subscriber + Send + Sync + for<'a> LookupSpan<'a>,
{
    /// The three layers as one, `traces` first so a span's OpenTelemetry context is
    /// current before the other two see anything inside it.
    ///
    /// ```
    /// # use opentelemetry::trace::TracerProvider as _;
    /// # use opentelemetry_sdk::logs::SdkLoggerProvider;
    /// # use opentelemetry_sdk::trace::SdkTracerProvider;
    /// use otel_kit_init::subscriber::{self, Console, LogFilter};
    /// use tracing_subscriber::prelude::*;
    ///
    /// # let tracer_provider = SdkTracerProvider::builder().build();
    /// # let logger_provider = SdkLoggerProvider::builder().build();
    /// let layers = subscriber::layers(
    ///     tracer_provider.tracer("my-app"),
    ///     &logger_provider,
    ///     Console::default(),
    ///     &LogFilter::default(),
    /// );
    /// let subscriber = tracing_subscriber::registry().with(layers.into_layer());
    /// # drop(subscriber);
    /// ```
    pub fn into_layer(self) -> impl Layer<S> + Send + Sync {
        self.traces.and_then(self.logs).and_then(self.console)
    }
}

/// Builds the [`TelemetryLayers`]: spans to `tracer`, events to `logger_provider` and to
/// the `console`, filtered as the [module docs](super#filtering-why-traces-do-not-follow-rust_log)
/// describe.
///
/// A logger provider without processors turns the bridge into a cheap no-op, for when
/// logs are not exported. Events inside spans are also recorded on them as span events
/// ([`SpanEvents::Recorded`]); [`layers_with_span_events`] chooses.
///
/// ```
/// use opentelemetry::trace::TracerProvider as _;
/// use opentelemetry_sdk::logs::SdkLoggerProvider;
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use otel_kit_init::subscriber::{self, Console, LogFilter};
/// use tracing_subscriber::prelude::*;
///
/// let tracer_provider = SdkTracerProvider::builder().build();
/// let logger_provider = SdkLoggerProvider::builder().build();
/// let layers = subscriber::layers(
///     tracer_provider.tracer("my-app"),
///     &logger_provider,
///     Console::default(),
///     &LogFilter::default(),
/// );
/// let subscriber = tracing_subscriber::registry().with(layers.into_layer());
/// # drop(subscriber);
/// ```
///
/// The tracer and the logger provider are usually the SDK's (`SdkTracer`,
/// `SdkLoggerProvider`), but any implementation works, for example one that routes each
/// record to a different pipeline. Without the `logs` cargo feature the `logs` layer does
/// nothing and the logger provider is not used (pass
/// `opentelemetry::logs::NoopLoggerProvider::new()`).
pub fn layers<S, W, T, P, L>(
    tracer: T,
    logger_provider: &P,
    console: Console<W>,
    filter: &LogFilter,
) -> TelemetryLayers<S>
where
    S: Subscriber + Send + Sync + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
    T: Tracer + Send + Sync + 'static,
    T::Span: Send + Sync,
    P: LoggerProvider<Logger = L> + Clone + Send + Sync + 'static,
    L: Logger + Send + Sync + 'static,
{
    layers_with_span_events(tracer, logger_provider, console, filter, SpanEvents::Recorded)
}

/// [`layers`], choosing whether events inside spans are also span events
/// ([`SpanEvents`]): [`layers`] records them, as a subscriber that may not export logs
/// should; with logs exported over OTLP, [`SpanEvents::LogsOnly`] stores each line once.
///
/// ```
/// use opentelemetry::trace::TracerProvider as _;
/// use opentelemetry_sdk::logs::SdkLoggerProvider;
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use otel_kit_init::subscriber::{self, Console, LogFilter, SpanEvents};
/// use tracing_subscriber::prelude::*;
///
/// let tracer_provider = SdkTracerProvider::builder().build();
/// let logger_provider = SdkLoggerProvider::builder().build();
/// let layers = subscriber::layers_with_span_events(
///     tracer_provider.tracer("my-app"),
///     &logger_provider,
///     Console::default(),
///     &LogFilter::default(),
///     SpanEvents::LogsOnly,
/// );
/// let subscriber = tracing_subscriber::registry().with(layers.into_layer());
/// # drop(subscriber);
/// ```
pub fn layers_with_span_events<S, W, T, P, L>(
    tracer: T,
    logger_provider: &P,
    console: Console<W>,
    filter: &LogFilter,
    span_events: SpanEvents,
) -> TelemetryLayers<S>
where
    S: Subscriber + Send + Sync + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
    T: Tracer + Send + Sync + 'static,
    T::Span: Send + Sync,
    P: LoggerProvider<Logger = L> + Clone + Send + Sync + 'static,
    L: Logger + Send + Sync + 'static,
{
    build(
        otel_kit_core::__private::BridgeTracer::new(tracer),
        logger_provider,
        console,
        span_events,
        || filter.env_filter(),
    )
}

/// [`layers`], with each layer's directives from `env_filter`: a plain [`EnvFilter`](tracing_subscriber::EnvFilter),
/// or one that can be reloaded (`super::reloadable`).
pub(super) fn build<S, W, T, P, L, F>(
    tracer: otel_kit_core::__private::BridgeTracer<T>,
    logger_provider: &P,
    console: Console<W>,
    span_events: SpanEvents,
    mut env_filter: impl FnMut() -> F,
) -> TelemetryLayers<S>
where
    S: Subscriber + Send + Sync + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
    T: Tracer + Send + Sync + 'static,
    T::Span: Send + Sync,
    P: LoggerProvider<Logger = L> + Clone + Send + Sync + 'static,
    L: Logger + Send + Sync + 'static,
    F: Filter<S> + Send + Sync + 'static,
{
    // Events are span events too (`Recorded`) or log records only (`LogsOnly`): then the
    // span layer's filter turns them away. Either way an `error` event sets its span's
    // status (`ErrorStatus`, behind its own filter: a layer without one would turn every
    // call site's interest into "sometimes", since the filtered layer under it may say
    // never). Each filter decides by metadata first: where the other layers want an
    // event, its call site is "sometimes" and every filter is asked at each event, and
    // the directives need not be asked about an event this layer turns away.
    // otel-kit-testing's harness sets the same bridge up (`span_bridge`).
    let trace_filter = TraceFilter::new(env_filter())
        .and(NotTelemetryIo)
        .and(NotLogOnlyEvent)
        .and(not_raw_sql());
    let errors = TraceFilter::new(env_filter());
    let traces = match span_events {
        SpanEvents::Recorded => span_bridge(tracer, trace_filter, errors).boxed(),
        SpanEvents::LogsOnly => span_bridge(tracer, SpansOnly.and(trace_filter), errors).boxed(),
    };
    TelemetryLayers {
        traces,
        #[cfg(not(feature = "logs"))]
        logs: {
            let _ = logger_provider;
            tracing_subscriber::layer::Identity::new().boxed()
        },
        #[cfg(feature = "logs")]
        // Plain log lines carry no event name (the bridge would name each one after its
        // source line); events named in code keep theirs.
        // An event's `error` is its record's `exception.message`, with the error's sources.
        logs: EventFields::new(OpenTelemetryTracingBridge::new(&otel_kit_core::__private::DeclaredEventNames(
            logger_provider.clone(),
        )))
        .with_filter(
                env_filter()
                    .and(super::filter::not_otel_internal())
                    .and(NotTelemetryIo)
                    .and(not_raw_sql()),
            )
            .boxed(),
        console: console.into_layer(env_filter().and(InternalRepeatLimit::default())),
    }
}

/// A complete subscriber: a [`Registry`] with all three [`TelemetryLayers`], ready for
/// `tracing::subscriber::set_global_default` (or `tracing::Dispatch::new`).
///
/// ```
/// use opentelemetry::trace::TracerProvider as _;
/// use opentelemetry_sdk::logs::SdkLoggerProvider;
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use otel_kit_init::subscriber::{self, Console, ConsoleFormat, LogFilter};
///
/// let tracer_provider = SdkTracerProvider::builder().build();
/// let logger_provider = SdkLoggerProvider::builder().build();
/// let (filter, warning) = LogFilter::from_env();
/// let dispatch = tracing::Dispatch::new(subscriber::subscriber(
///     tracer_provider.tracer("my-app"),
///     &logger_provider,
///     Console::stdout(ConsoleFormat::Text),
///     &filter,
/// ));
/// // In a real program: `tracing::dispatcher::set_global_default(dispatch)`.
/// tracing::dispatcher::with_default(&dispatch, || {
///     if let Some(warning) = warning {
///         tracing::warn!(%warning, "ignoring RUST_LOG");
///     }
/// });
/// ```
pub fn subscriber<W, P, L>(
    tracer: SdkTracer,
    logger_provider: &P,
    console: Console<W>,
    filter: &LogFilter,
) -> impl Subscriber + Send + Sync + for<'a> LookupSpan<'a>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
    P: LoggerProvider<Logger = L> + Clone + Send + Sync + 'static,
    L: Logger + Send + Sync + 'static,
{
    Registry::default().with(layers(tracer, logger_provider, console, filter).into_layer())
}
