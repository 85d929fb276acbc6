//! The order and the bound of [`Telemetry`](crate::Telemetry)'s flush and shutdown.
//!
//! Spans and logs go first, side by side, each with the whole budget; the meter
//! provider's last collection comes after them, so the SDK self-metrics it exports
//! (`otel.sdk.processor.span.processed` and the export counts) include the final
//! span and log flush. It waits for them at most half the budget: a collector that
//! never answers for spans must not leave the metrics no time to go out.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use opentelemetry_sdk::error::OTelSdkResult;

use crate::ShutdownError;
use crate::Signal;
use crate::pipelines::Pipelines;

/// One signal's flush or shutdown, given the time it has left.
type Step<'a> = (Signal, Box<dyn FnOnce(Duration) -> OTelSdkResult + Send + 'a>);

/// Runs each of `first` on a thread of its own, then `last` once they have all
/// returned, or once half of the time to `deadline` has passed, whichever comes first.
/// Every step is given the time left to `deadline`. Returns one sentence per failure.
fn in_order(deadline: Instant, first: Vec<Step<'_>>, last: Option<Step<'_>>) -> Vec<String> {
    let left = move || {
        deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(1))
    };
    let last_at = Instant::now() + deadline.saturating_duration_since(Instant::now()) / 2;
    let results: Vec<(Signal, std::thread::Result<OTelSdkResult>)> = std::thread::scope(|scope| {
        // Each first step holds a sender: when all are dropped (the steps returned, or
        // panicked), the last step's wait ends at once.
        let (done, all_done) = mpsc::channel::<()>();
        let firsts: Vec<_> = first
            .into_iter()
            .map(|(signal, step)| {
                let done = done.clone();
                let handle = scope.spawn(move || {
                    let _done = done;
                    step(left())
                });
                (signal, handle)
            })
            .collect();
        drop(done);
        let last = last.map(|(signal, step)| {
            let handle = scope.spawn(move || {
                let _ = all_done.recv_timeout(last_at.saturating_duration_since(Instant::now()));
                step(left())
            });
            (signal, handle)
        });
        firsts
            .into_iter()
            .chain(last)
            .map(|(signal, handle)| (signal, handle.join()))
            .collect()
    });
    let mut errors = Vec::new();
    for (signal, result) in results {
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => errors.push(format!("{signal}: {e}")),
            Err(_) => errors.push(format!("{signal}: it panicked")),
        }
    }
    errors
}

/// Shuts the pipelines down in order (see the module), then stops the export runtime.
pub(crate) fn shutdown_pipelines(mut p: Pipelines, deadline: Instant) -> Vec<String> {
    // The globals keep their (now shut down) providers: spans made later go nowhere,
    // and swapping in no-op providers would only log two confusing "GlobalSet" lines.
    let tracer = &p.tracer;
    #[cfg_attr(not(feature = "logs"), allow(unused_mut))]
    let mut first: Vec<Step<'_>> = vec![(
        Signal::Traces,
        Box::new(move |left| tracer.shutdown_with_timeout(left)),
    )];
    #[cfg(feature = "logs")]
    {
        let logger = &p.logger;
        first.push((
            Signal::Logs,
            Box::new(move |left| logger.shutdown_with_timeout(left)),
        ));
    }
    #[cfg(feature = "metrics")]
    let last: Option<Step<'_>> = {
        let meter = p.meter.sdk();
        Some((
            Signal::Metrics,
            Box::new(move |left| meter.shutdown_with_timeout(left)),
        ))
    };
    #[cfg(not(feature = "metrics"))]
    let last: Option<Step<'_>> = None;
    let errors = in_order(deadline, first, last);
    // Only now: OTLP exports in flight (gRPC and HTTP) need the export runtime until
    // they finish.
    if let Some(runtime) = p.runtime.as_mut() {
        runtime.stop();
    }
    errors
}

/// Flushes the providers in the same order as [`shutdown_pipelines`], without
/// shutting them down.
pub(crate) fn flush_providers(
    deadline: Instant,
    tracer: &opentelemetry_sdk::trace::SdkTracerProvider,
    #[cfg(feature = "logs")] logger: &opentelemetry_sdk::logs::SdkLoggerProvider,
    #[cfg(feature = "metrics")] meter: &opentelemetry_sdk::metrics::SdkMeterProvider,
) -> Vec<String> {
    #[cfg_attr(not(feature = "logs"), allow(unused_mut))]
    let mut first: Vec<Step<'_>> = vec![(Signal::Traces, Box::new(move |_| tracer.force_flush()))];
    #[cfg(feature = "logs")]
    first.push((Signal::Logs, Box::new(move |_| logger.force_flush())));
    #[cfg(feature = "metrics")]
    let last: Option<Step<'_>> = Some((Signal::Metrics, Box::new(move |_| meter.force_flush())));
    #[cfg(not(feature = "metrics"))]
    let last: Option<Step<'_>> = None;
    in_order(deadline, first, last)
}

/// Runs `work` on its own thread and waits for it at most `timeout`.
pub(crate) fn run_bounded(
    timeout: Duration,
    work: impl FnOnce(Instant) -> Vec<String> + Send + 'static,
) -> Result<(), ShutdownError> {
    let deadline = Instant::now() + timeout;
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("otel-shutdown".to_owned())
        .spawn(move || {
            let _ = tx.send(work(deadline));
        });
    if let Err(e) = spawned {
        return Err(ShutdownError::Failed(format!(
            "could not start the shutdown thread: {e}"
        )));
    }
    // A little grace beyond the deadline for the providers' own timeouts to fire.
    match rx.recv_timeout(timeout + Duration::from_millis(50)) {
        Ok(errors) if errors.is_empty() => Ok(()),
        Ok(errors) => Err(ShutdownError::Failed(errors.join("; "))),
        Err(_) => Err(ShutdownError::Timeout(timeout)),
    }
}
