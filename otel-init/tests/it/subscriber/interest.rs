//! The subscriber `init()` installs costs nothing for the call sites it does not want:
//! each of its layers decides a call site by its metadata once (`always` or `never`), so a
//! DEBUG or TRACE event of a dependency is one load and one branch in the macro, never
//! built, never dispatched and never asked about with `enabled`. The dependencies' call
//! sites are written here with their real targets and levels (hyper-util's connection
//! pool; sqlx's statement log, which asks `enabled!` before formatting its summary): the
//! metadata is all a filter sees. In its own process: `init()` installs the globals, and a
//! call site's interest is shared by every subscriber alive in the process. An
//! application's layer with its own filter (`Builder::tracing_layer`) keeps it so.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use opentelemetry_sdk::logs::{InMemoryLogExporter, SimpleLogProcessor};
use otel_kit_init::Exporter;
use otel_kit_init::subscriber::SpanEvents;
use tracing::subscriber::Interest;
use tracing::{Dispatch, Event, Metadata, Subscriber, span};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::Context;

use crate::support::env;
use crate::support::own_process::ran_in_own_process;

/// What the dispatcher asked of the subscriber, by call site target.
#[derive(Default)]
struct Counts {
    enabled: BTreeMap<String, usize>,
    events: BTreeMap<String, usize>,
}

/// The subscriber `init()` installed, with every `enabled` and `event` call counted on
/// the way through (the methods `Dispatch` does not expose keep their defaults).
struct Counting {
    inner: Dispatch,
    counts: Arc<Mutex<Counts>>,
}

impl Counting {
    fn count(&self, which: fn(&mut Counts) -> &mut BTreeMap<String, usize>, target: &str) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        *which(&mut counts).entry(target.to_owned()).or_default() += 1;
    }
}

impl Subscriber for Counting {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        self.inner.register_callsite(meta)
    }

    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        self.count(|c| &mut c.enabled, meta.target());
        self.inner.enabled(meta)
    }

    fn new_span(&self, attrs: &span::Attributes<'_>) -> span::Id {
        self.inner.new_span(attrs)
    }

    fn record(&self, id: &span::Id, values: &span::Record<'_>) {
        self.inner.record(id, values);
    }

    fn record_follows_from(&self, id: &span::Id, follows: &span::Id) {
        self.inner.record_follows_from(id, follows);
    }

    fn event(&self, event: &Event<'_>) {
        self.count(|c| &mut c.events, event.metadata().target());
        self.inner.event(event);
    }

    fn enter(&self, id: &span::Id) {
        self.inner.enter(id);
    }

    fn exit(&self, id: &span::Id) {
        self.inner.exit(id);
    }

    fn clone_span(&self, id: &span::Id) -> span::Id {
        self.inner.clone_span(id)
    }

    fn try_close(&self, id: span::Id) -> bool {
        self.inner.try_close(id)
    }
}

/// One request as the realistic service makes it: a server span, the pool's and sqlx's
/// DEBUG and TRACE call sites, and the handler's one INFO line.
fn request() {
    let server = tracing::info_span!("GET /orders/{id}", otel.kind = "server");
    let _entered = server.enter();
    tracing::debug!(target: "hyper_util::client::legacy::pool", "reuse idle connection for (\"http\", 127.0.0.1:8080)");
    tracing::trace!(target: "hyper_util::client::legacy::pool", "checkout waiting for idle connection");
    let mut formatted = 0;
    if tracing::enabled!(target: "sqlx::query", tracing::Level::DEBUG) {
        formatted += 1;
        tracing::debug!(target: "sqlx::query", summary = "select id, total from orders …", rows_returned = 1);
    }
    assert_eq!(formatted, 0, "sqlx would format its statement summary");
    tracing::info!(order = 7, "order loaded");
}

/// Runs `calls` under the subscriber `init()` installed, counting what it was asked.
fn counted(calls: impl Fn()) -> Counts {
    let counts = Arc::new(Mutex::new(Counts::default()));
    let counting = Dispatch::new(Counting {
        inner: tracing::dispatcher::get_default(Dispatch::clone),
        counts: Arc::clone(&counts),
    });
    tracing::dispatcher::with_default(&counting, calls);
    std::mem::take(&mut *counts.lock().unwrap_or_else(PoisonError::into_inner))
}

fn dependencies_cost_no_dispatch(span_events: SpanEvents) {
    let telemetry = otel_kit_init::builder()
        .environment(env(&[]))
        .exporter(Exporter::None)
        .span_events(span_events)
        .init()
        .expect("init");
    let counts = counted(|| {
        for _ in 0..5 {
            request();
        }
    });
    drop(telemetry);

    let dependency = |target: &String| target.starts_with("hyper_util") || target.starts_with("sqlx");
    let asked: Vec<_> = counts.enabled.iter().filter(|(t, _)| dependency(t)).collect();
    let dispatched: Vec<_> = counts.events.iter().filter(|(t, _)| dependency(t)).collect();
    assert!(
        asked.is_empty() && dispatched.is_empty(),
        "{span_events:?}: call sites the subscriber does not want were asked {asked:?} and dispatched {dispatched:?}"
    );
    let own = module_path!();
    assert_eq!(
        counts.events.get(own),
        Some(&5),
        "{span_events:?}: the handler's INFO line is dispatched once a request: {:?}",
        counts.events
    );
}

#[test]
fn logs_only_dispatches_nothing_for_a_dependencys_debug_events() {
    if ran_in_own_process(
        module_path!(),
        "logs_only_dispatches_nothing_for_a_dependencys_debug_events",
    ) {
        return;
    }
    dependencies_cost_no_dispatch(SpanEvents::LogsOnly);
}

#[test]
fn recorded_dispatches_nothing_for_a_dependencys_debug_events() {
    if ran_in_own_process(
        module_path!(),
        "recorded_dispatches_nothing_for_a_dependencys_debug_events",
    ) {
        return;
    }
    dependencies_cost_no_dispatch(SpanEvents::Recorded);
}

/// Keeps the target of each event it is given.
struct EventTargets(Arc<Mutex<Vec<String>>>);

impl<S: Subscriber> Layer<S> for EventTargets {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut targets = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        targets.push(event.metadata().target().to_owned());
    }
}

#[test]
fn an_application_layer_gets_its_targets_debug_events_and_other_debug_events_stay_undispatched() {
    if ran_in_own_process(
        module_path!(),
        "an_application_layer_gets_its_targets_debug_events_and_other_debug_events_stay_undispatched",
    ) {
        return;
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let records = InMemoryLogExporter::default();
    let telemetry = otel_kit_init::builder()
        .environment(env(&[("RUST_LOG", "info")]))
        .exporter(Exporter::None)
        .with_log_processor(SimpleLogProcessor::new(records.clone()))
        .tracing_layer(
            EventTargets(Arc::clone(&seen))
                .with_filter(Targets::new().with_target("app::statements", LevelFilter::DEBUG)),
        )
        .init()
        .expect("init");
    assert!(
        !telemetry.warnings().iter().any(|w| w.contains("tracing_layer")),
        "{:?}",
        telemetry.warnings()
    );
    // Records of the `log` crate at the layer's level still become events.
    assert_eq!(
        tracing_log::log::max_level(),
        tracing_log::log::LevelFilter::Debug
    );
    let counts = counted(|| {
        for _ in 0..5 {
            tracing::debug!(target: "app::statements", summary = "select id from orders", "statement");
            tracing::debug!(target: "app::pool", "connection checked out");
            tracing::info!(target: "app::handler", "order loaded");
        }
    });
    telemetry.force_flush().expect("flush");

    let seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
    assert_eq!(
        *seen, ["app::statements"; 5],
        "the layer sees its target's DEBUG events"
    );
    assert_eq!(counts.events.get("app::statements"), Some(&5));
    assert_eq!(counts.events.get("app::handler"), Some(&5));
    assert!(
        !counts.enabled.contains_key("app::pool") && !counts.events.contains_key("app::pool"),
        "a DEBUG call site no layer wants is asked about or dispatched: {:?} {:?}",
        counts.enabled,
        counts.events
    );
    let bodies: Vec<String> = records
        .get_emitted_logs()
        .expect("in-memory logs")
        .iter()
        .filter_map(|log| log.record.body().map(|body| format!("{body:?}")))
        .collect();
    let count = |text: &str| bodies.iter().filter(|b| b.contains(text)).count();
    assert_eq!(count("order loaded"), 5, "{bodies:?}");
    assert_eq!(
        count("statement") + count("checked out"),
        0,
        "DEBUG lines became log records: {bodies:?}"
    );
    drop(telemetry);
}

#[test]
fn layers_given_without_the_kits_subscriber_are_reported_not_installed() {
    let telemetry = otel_kit_init::builder()
        .environment(env(&[]))
        .exporter(Exporter::None)
        .without_globals()
        .tracing_layer(EventTargets(Arc::default()))
        .init()
        .expect("init");
    let named: Vec<&String> = telemetry
        .warnings()
        .iter()
        .filter(|w| w.contains("tracing_layer"))
        .collect();
    assert_eq!(named.len(), 1, "{:?}", telemetry.warnings());
    assert!(named[0].contains("not installed"), "{}", named[0]);
}
