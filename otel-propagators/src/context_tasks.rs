//! Continuing a trace where the context arrives out of band: a spawned task, or a
//! message taken off a queue; and keeping a piece of work out of traces altogether.

use std::future::Future;

use opentelemetry::Context;
use opentelemetry::context::{FutureExt as _, WithContext};
use tokio::task::JoinHandle;
use tracing_opentelemetry::{OpenTelemetrySpanExt as _, SetParentError};

/// Spawns `fut` on the current tokio runtime with `cx` as the current OpenTelemetry
/// context on every poll, so spans started inside it (with `tracing` or an OpenTelemetry
/// tracer) are children of the span in `cx` and see its baggage.
///
/// Only the OpenTelemetry context travels: the task has no current `tracing` span of
/// its own. Panics outside a tokio runtime, like [`tokio::spawn`].
///
/// ```
/// use opentelemetry::Context;
/// use opentelemetry::trace::{TraceContextExt as _, Tracer as _};
/// use otel_kit_propagators::spawn_in_context;
/// use otel_kit_testing::TestTelemetry;
///
/// #[tokio::main(flavor = "multi_thread", worker_threads = 2)]
/// async fn main() {
///     let t = TestTelemetry::new();
///     let tracer = t.tracer("worker");
///     let parent = tracer.in_span("enqueue", |cx| cx.span().span_context().clone());
///     let cx = Context::new().with_remote_span_context(parent);
///
///     let job = async move { tracer.in_span("job", |_| {}) };
///     spawn_in_context(cx, job).await.expect("job panicked");
///
///     let spans = t.spans();
///     spans.span("job").has_parent(&spans.span("enqueue"));
/// }
/// ```
pub fn spawn_in_context<F>(cx: Context, fut: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(fut.with_context(cx))
}

/// Makes the OpenTelemetry span of `span` a child of the span in `carrier_extracted_cx`
/// (usually a remote parent read from message headers) and returns `span`, so a queue
/// consumer writes `continue_trace(extract(&headers), info_span!("process order"))` and
/// instruments the handling with the result (example below).
///
/// **Call it before the span is first entered**, before `span.context()` is read, and
/// before any child span is created under it: `tracing-opentelemetry` starts the
/// OpenTelemetry span at that point, and its parent cannot change afterwards. Too late,
/// the span stays where it was and a `WARN` event says so.
///
/// Baggage in `carrier_extracted_cx` comes along. If it holds no span (no trace headers
/// and nothing current when it was extracted), the span becomes a root. Without the
/// `tracing-opentelemetry` layer, or for a span that is disabled, nothing happens.
///
/// ```
/// use std::collections::HashMap;
///
/// use otel_kit_propagators::{continue_trace, extract, inject};
/// use otel_kit_testing::TestTelemetry;
/// use tracing::Instrument as _;
///
/// #[tokio::main(flavor = "current_thread")]
/// async fn main() {
///     let t = TestTelemetry::new().install_global(); // W3C trace context
///     let mut message = HashMap::new();
///     tracing::info_span!("publish").in_scope(|| inject(&opentelemetry::Context::current(), &mut message));
///
///     let span = continue_trace(extract(&message), tracing::info_span!("process order"));
///     async { tracing::info!("processed") }.instrument(span).await;
///
///     let spans = t.spans();
///     spans.span("process order").has_parent(&spans.span("publish"));
/// }
/// ```
pub fn continue_trace(carrier_extracted_cx: Context, span: tracing::Span) -> tracing::Span {
    if let Err(SetParentError::AlreadyStarted) = span.set_parent(carrier_extracted_cx) {
        // A bug in the caller, and silent otherwise: the trace just breaks here.
        tracing::warn!(
            "continue_trace: the span was already started (entered, or its context read), \
             so its parent could not be set; call continue_trace before using the span"
        );
    }
    span
}

/// Runs `fut` with telemetry suppressed (OpenTelemetry's own mechanism, which the SDK
/// honours): no span starts inside it, neither the kit's instrumentations' (database,
/// HTTP client, messaging), an OpenTelemetry tracer's, nor a `tracing` span opened
/// inside it; and the SDK exports no log record made inside it (the console still
/// prints them). Metrics are still recorded. For a background loop's idle polls, which
/// would otherwise make a root trace each time they find nothing: poll untraced, trace
/// the work a poll finds, and log a poll's error outside `untraced` so that it is
/// exported.
///
/// ```
/// use otel_kit_propagators::untraced;
/// use otel_kit_testing::TestTelemetry;
/// use tracing::Instrument as _;
///
/// async fn next_job() -> Option<u32> {
///     // SELECT ... FOR UPDATE SKIP LOCKED through an instrumented pool, say.
///     tracing::info_span!("SELECT jobs").in_scope(|| None)
/// }
///
/// #[tokio::main(flavor = "current_thread")]
/// async fn main() {
///     let t = TestTelemetry::new().install_global();
///     for _ in 0..3 {
///         if let Some(job) = untraced(next_job()).await {
///             async move { tracing::info!(job, "done") }.instrument(tracing::info_span!("run job")).await;
///         }
///     }
///     assert!(t.spans().is_empty(), "idle polls make no traces");
/// }
/// ```
pub fn untraced<F: Future>(fut: F) -> WithContext<F> {
    fut.with_context(Context::current().with_telemetry_suppressed())
}
