//! The subscriber `init()` installs costs nothing for the call sites it does not want:
//! each of its layers decides a call site by its metadata once (`always` or `never`), so a
//! DEBUG or TRACE event of a dependency is one load and one branch in the macro, never
//! built, never dispatched and never asked about with `enabled`. The dependencies' call
//! sites are written here with their real targets and levels (hyper-util's connection
//! pool; sqlx's statement log, which asks `enabled!` before formatting its summary): the
//! metadata is all a filter sees. In its own process: `init()` installs the globals, and a
//! call site's interest is shared by every subscriber alive in the process.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use otel_kit_init::Exporter;
use otel_kit_init::subscriber::SpanEvents;
use tracing::subscriber::Interest;
use tracing::{Dispatch, Event, Metadata, Subscriber, span};

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

fn dependencies_cost_no_dispatch(span_events: SpanEvents) {
    let telemetry = otel_kit_init::builder()
        .environment(env(&[]))
        .exporter(Exporter::None)
        .span_events(span_events)
        .init()
        .expect("init");
    let counts = Arc::new(Mutex::new(Counts::default()));
    let counting = Dispatch::new(Counting {
        inner: tracing::dispatcher::get_default(Dispatch::clone),
        counts: Arc::clone(&counts),
    });
    tracing::dispatcher::with_default(&counting, || {
        for _ in 0..5 {
            request();
        }
    });
    drop(telemetry);

    let counts = counts.lock().unwrap_or_else(PoisonError::into_inner);
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
