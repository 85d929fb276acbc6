//! The subscriber `init()` installs, whose directives can be replaced while it runs
//! ([`FilterSwitch`]), for `TelemetryControl::set_filter`.
//!
//! Each of the three layers keeps its own per-layer filter; what is replaced is the
//! [`EnvFilter`] inside each ([`ReloadableEnvFilter`]). Replacing the filter, not the
//! `Filtered` layer, is what works with per-layer filtering (tokio-rs/tracing#1629).
//!
//! tracing-subscriber's `reload::Layer` does this too, but takes its `RwLock` on every
//! callback: with three layers, twelve lock round trips per span for entering, exiting,
//! creating and closing it, on top of the `EnvFilter`'s own locks there (about +35% on
//! the filters' share of a span, `benches/control.rs`). The span callbacks only matter
//! to an `EnvFilter` whose directives name a span or a field (`my_crate[request]=debug`),
//! so [`ReloadableEnvFilter`] skips them, lock and all, when they do not: the common
//! case costs one relaxed load there, and less than a plain `EnvFilter`.
//!
//! Where the layers' filters answer a call site differently (the kit's three do), each
//! is asked about every event and span there; each filter keeps its `always` and
//! `never` answers by call site
//! ([`CallsiteDecisions`]), replaced with it, so an event costs a lookup rather than a
//! walk over the directives.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, Weak};

use opentelemetry::logs::{Logger, LoggerProvider};
use opentelemetry_sdk::trace::SdkTracer;
use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Dispatch, Metadata, Subscriber, span};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, Filter, Layer, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{EnvFilter, Registry};

use super::callsite_decisions::CallsiteDecisions;
use super::console::Console;
use super::filter::LogFilter;
use super::layers::build;
use super::span_events::SpanEvents;

/// Replaces the directives of the three layers of one subscriber, keeping the directives
/// that `init()` appends for the OpenTelemetry crates' own diagnostics.
#[derive(Clone, Debug)]
pub(crate) struct FilterSwitch {
    /// Weak: the subscriber owns its filters, and once it is gone there is nothing to set.
    filters: Arc<[Weak<Current>]>,
    /// Appended to every filter set, e.g. `opentelemetry=info,otel_kit_init=info`
    /// (`OTEL_LOG_LEVEL`): later directives for a target win.
    appended: Arc<str>,
    /// The most verbose level the application's layers want, whatever the filters say
    /// (`OFF` without any; `None`: they do not say).
    #[cfg(feature = "log-bridge")]
    application_level: Option<LevelFilter>,
}

/// The subscriber was dropped: nothing is left to change.
#[derive(Debug)]
pub(crate) struct SubscriberGone;

impl FilterSwitch {
    /// The most verbose level any of the filters, or of the application's layers, lets
    /// through (`None`: they do not say).
    #[cfg(feature = "log-bridge")]
    pub(crate) fn max_level(&self) -> Option<LevelFilter> {
        self.filters
            .iter()
            .filter_map(Weak::upgrade)
            .map(|current| current.filtering().env.max_level_hint())
            .try_fold(self.application_level?, |max, hint| {
                hint.map(|hint| max.max(hint))
            })
    }

    /// Gives every layer `filter`, with the appended directives, from the next event and
    /// span on, on every thread.
    pub(crate) fn set(&self, filter: &LogFilter) -> Result<(), SubscriberGone> {
        let filter = with_appended(filter, &self.appended);
        let mut replaced = false;
        for current in self.filters.iter().filter_map(Weak::upgrade) {
            current.replace(&filter);
            replaced = true;
        }
        if !replaced {
            return Err(SubscriberGone);
        }
        // Each call site's cached interest, and the `EnvFilter`s' per-call-site state for
        // span directives, come from `callsite_enabled`: ask the new filters again. (The
        // same call `reload::Handle` makes; `tracing` re-exports it without documenting it.)
        tracing::callsite::rebuild_interest_cache();
        #[cfg(feature = "log-bridge")]
        super::log_crate::follow(self.max_level());
        Ok(())
    }
}

/// `filter` followed by `appended`; `filter` alone should the two not parse together
/// (they cannot: both were parsed on their own).
fn with_appended(filter: &LogFilter, appended: &str) -> LogFilter {
    if appended.is_empty() {
        return filter.clone();
    }
    LogFilter::parse(&format!("{},{appended}", filter.directives())).unwrap_or_else(|_| filter.clone())
}

/// The filter in effect for one layer.
#[derive(Debug)]
struct Current {
    filtering: RwLock<Filtering>,
    /// The directives name a span or a field, so the `EnvFilter` tracks spans.
    tracks_spans: AtomicBool,
}

/// An `EnvFilter` and what it answered for each call site, replaced together.
#[derive(Debug)]
struct Filtering {
    env: EnvFilter,
    decisions: CallsiteDecisions,
}

impl Filtering {
    fn new(filter: &LogFilter) -> Self {
        Filtering {
            env: filter.env_filter(),
            decisions: CallsiteDecisions::default(),
        }
    }
}

impl Current {
    fn new(filter: &LogFilter) -> Arc<Self> {
        Arc::new(Current {
            filtering: RwLock::new(Filtering::new(filter)),
            tracks_spans: AtomicBool::new(tracks_spans(filter)),
        })
    }

    fn replace(&self, filter: &LogFilter) {
        // Built outside the lock, and the old one dropped outside it.
        let new = Filtering::new(filter);
        let old = std::mem::replace(
            &mut *self.filtering.write().unwrap_or_else(PoisonError::into_inner),
            new,
        );
        // Any order is harmless: a span the new filter does not see created counts as
        // one created before the change, which an `EnvFilter` ignores.
        self.tracks_spans.store(tracks_spans(filter), Ordering::Relaxed);
        drop(old);
    }

    fn filtering(&self) -> RwLockReadGuard<'_, Filtering> {
        self.filtering.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn tracks_spans(&self) -> bool {
        self.tracks_spans.load(Ordering::Relaxed)
    }
}

/// Only a directive with a `[span{field}]` part is dynamic: `[` opens it, and appears
/// nowhere else in valid directives.
fn tracks_spans(filter: &LogFilter) -> bool {
    filter.directives().contains('[')
}

/// An [`EnvFilter`] that a [`FilterSwitch`] replaces while the subscriber runs.
#[derive(Debug)]
pub(super) struct ReloadableEnvFilter(Arc<Current>);

impl<S: Subscriber> Filter<S> for ReloadableEnvFilter {
    fn enabled(&self, meta: &Metadata<'_>, cx: &Context<'_, S>) -> bool {
        let filtering = self.0.filtering();
        // Where the layers' filters answer a call site differently, each is asked about
        // each of its events and spans: what it said at registration stands.
        match filtering.decisions.get(meta) {
            Some(enabled) => enabled,
            None => Filter::<S>::enabled(&filtering.env, meta, cx),
        }
    }

    fn callsite_enabled(&self, meta: &'static Metadata<'static>) -> Interest {
        // Registration is rare, so it writes and `enabled` takes one read lock.
        let mut filtering = self.0.filtering.write().unwrap_or_else(PoisonError::into_inner);
        let interest = Filter::<S>::callsite_enabled(&filtering.env, meta);
        filtering.decisions.remember(meta, &interest);
        interest
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Filter::<S>::max_level_hint(&self.0.filtering().env)
    }

    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, cx: Context<'_, S>) {
        if self.0.tracks_spans() {
            Filter::<S>::on_new_span(&self.0.filtering().env, attrs, id, cx);
        }
    }

    fn on_record(&self, id: &span::Id, values: &span::Record<'_>, cx: Context<'_, S>) {
        if self.0.tracks_spans() {
            Filter::<S>::on_record(&self.0.filtering().env, id, values, cx);
        }
    }

    fn on_enter(&self, id: &span::Id, cx: Context<'_, S>) {
        if self.0.tracks_spans() {
            Filter::<S>::on_enter(&self.0.filtering().env, id, cx);
        }
    }

    fn on_exit(&self, id: &span::Id, cx: Context<'_, S>) {
        if self.0.tracks_spans() {
            Filter::<S>::on_exit(&self.0.filtering().env, id, cx);
        }
    }

    fn on_close(&self, id: span::Id, cx: Context<'_, S>) {
        if self.0.tracks_spans() {
            Filter::<S>::on_close(&self.0.filtering().env, id, cx);
        }
    }
}

/// A `tracing` layer of the application's own (`Builder::tracing_layer`), put beneath the
/// kit's layers in the subscriber `init()` installs.
pub(crate) type ApplicationLayer = Box<dyn Layer<Registry> + Send + Sync>;

/// [`subscriber`](super::subscriber) with `filter` and then `appended` as its directives,
/// on top of the `application` layers, and the switch that replaces `filter` while it runs.
pub(crate) fn reloadable_subscriber<W, P, L>(
    tracer: otel_kit_core::__private::BridgeTracer<SdkTracer>,
    logger_provider: &P,
    console: Console<W>,
    filter: &LogFilter,
    appended: &str,
    span_events: SpanEvents,
    application: Vec<ApplicationLayer>,
) -> (Dispatch, FilterSwitch)
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
    P: LoggerProvider<Logger = L> + Clone + Send + Sync + 'static,
    L: Logger + Send + Sync + 'static,
{
    let filter = with_appended(filter, appended);
    #[cfg(feature = "log-bridge")]
    let application_level = Layer::<Registry>::max_level_hint(&application);
    let mut filters = Vec::with_capacity(3);
    let mut reloadable = || {
        let current = Current::new(&filter);
        filters.push(Arc::downgrade(&current));
        ReloadableEnvFilter(current)
    };
    let kit = KitLayers {
        tracer,
        logger_provider,
        console,
        span_events,
    };
    // An empty `Vec` is a layer without a per-layer filter whose interest is `never`:
    // beneath the kit's layers it would silence them. No application layers, no layer.
    let dispatch = if application.is_empty() {
        kit.over(Registry::default(), &mut reloadable)
    } else {
        kit.over(Registry::default().with(application), &mut reloadable)
    };
    let switch = FilterSwitch {
        filters: filters.into(),
        appended: appended.into(),
        #[cfg(feature = "log-bridge")]
        application_level,
    };
    (dispatch, switch)
}

/// What the kit's three layers are built from.
struct KitLayers<'p, W, P> {
    tracer: otel_kit_core::__private::BridgeTracer<SdkTracer>,
    logger_provider: &'p P,
    console: Console<W>,
    span_events: SpanEvents,
}

impl<W, P, L> KitLayers<'_, W, P>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
    P: LoggerProvider<Logger = L> + Clone + Send + Sync + 'static,
    L: Logger + Send + Sync + 'static,
{
    /// `below` with the kit's layers on top, built for it.
    fn over<S>(self, below: S, reloadable: impl FnMut() -> ReloadableEnvFilter) -> Dispatch
    where
        S: Subscriber + Send + Sync + for<'a> LookupSpan<'a>,
    {
        let KitLayers {
            tracer,
            logger_provider,
            console,
            span_events,
        } = self;
        let layers = build::<S, _, _, _, _, _>(tracer, logger_provider, console, span_events, reloadable);
        Dispatch::new(below.with(layers.into_layer()))
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::Mutex;

    use opentelemetry::logs::AnyValue;
    use opentelemetry::trace::TracerProvider as _;
    use opentelemetry_sdk::logs::{InMemoryLogExporter, SdkLoggerProvider};
    use opentelemetry_sdk::trace::SdkTracerProvider;
    use tracing_subscriber::filter::Targets;

    use super::*;
    use crate::subscriber::ConsoleFormat;

    /// Bytes written, shared with every clone.
    #[derive(Clone, Default)]
    struct Written(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Written {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Keeps the target of each event it is given.
    struct EventTargets(Arc<Mutex<Vec<String>>>);

    impl<S: Subscriber> Layer<S> for EventTargets {
        fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
            let mut targets = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            targets.push(event.metadata().target().to_owned());
        }
    }

    /// The subscriber at `info`, its console lines into `console`, over `application`.
    fn subscriber(
        console: &Written,
        logger_provider: &SdkLoggerProvider,
        application: Vec<ApplicationLayer>,
    ) -> (Dispatch, FilterSwitch) {
        let tracer = SdkTracerProvider::builder().build().tracer("reloadable-test");
        reloadable_subscriber(
            otel_kit_core::__private::BridgeTracer::new(tracer),
            logger_provider,
            Console::new(ConsoleFormat::Text, {
                let console = console.clone();
                move || console.clone()
            })
            .with_ansi(false),
            &LogFilter::parse("info").expect("valid directives"),
            "",
            SpanEvents::LogsOnly,
            application,
        )
    }

    #[test]
    fn an_application_layer_gets_the_debug_events_its_filter_wants_and_the_kits_layers_do_not() {
        let console = Written::default();
        let records = InMemoryLogExporter::default();
        let logger_provider = SdkLoggerProvider::builder()
            .with_simple_exporter(records.clone())
            .build();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let statements = Targets::new().with_target("app::statements", LevelFilter::DEBUG);
        let (dispatch, _switch) = subscriber(
            &console,
            &logger_provider,
            vec![EventTargets(Arc::clone(&seen)).with_filter(statements).boxed()],
        );
        tracing::dispatcher::with_default(&dispatch, || {
            tracing::debug!(target: "app::statements", "select 1");
            tracing::debug!(target: "app::pool", "connection checked out");
            tracing::info!(target: "app::handler", "order loaded");
        });

        assert_eq!(
            *seen.lock().unwrap_or_else(PoisonError::into_inner),
            ["app::statements"]
        );
        let printed = String::from_utf8(console.0.lock().unwrap_or_else(PoisonError::into_inner).clone())
            .expect("UTF-8");
        assert!(printed.contains("order loaded"), "{printed}");
        assert!(
            !printed.contains("select 1") && !printed.contains("checked out"),
            "{printed}"
        );
        let bodies: Vec<Option<AnyValue>> = records
            .get_emitted_logs()
            .expect("in-memory logs")
            .iter()
            .map(|log| log.record.body().cloned())
            .collect();
        assert_eq!(bodies, [Some(AnyValue::from("order loaded"))]);
    }

    /// One call site, asked about again and again.
    fn pool_event(n: u32) {
        tracing::debug!(target: "app::pool", "checked out {n}");
    }

    #[test]
    fn a_new_filter_answers_for_call_sites_the_old_one_had_decided() {
        let console = Written::default();
        let (dispatch, switch) = subscriber(&console, &SdkLoggerProvider::builder().build(), Vec::new());
        tracing::dispatcher::with_default(&dispatch, || {
            tracing::info_span!("request").in_scope(|| pool_event(1));
            // Decided by the span it runs in: the call site's old `never` must not stand.
            switch
                .set(&LogFilter::parse("info,[request]=debug").expect("valid directives"))
                .expect("the subscriber lives");
            tracing::info_span!("request").in_scope(|| pool_event(2));
            pool_event(3);
            switch
                .set(&LogFilter::parse("info").expect("valid directives"))
                .expect("the subscriber lives");
            tracing::info_span!("request").in_scope(|| pool_event(4));
        });
        let printed = String::from_utf8(console.0.lock().unwrap_or_else(PoisonError::into_inner).clone())
            .expect("UTF-8");
        let lines: Vec<&str> = printed.lines().filter(|l| l.contains("checked out")).collect();
        assert_eq!(lines.len(), 1, "{printed}");
        assert!(lines[0].contains("checked out 2"), "{printed}");
    }
}
