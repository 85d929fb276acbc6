//! Records of the `log` crate into `tracing` (the `log-bridge` cargo feature).
//!
//! Many libraries log through `log`, not `tracing` (reqwest, rustls, redis, ...). Without
//! a bridge their records reach neither the console nor OTLP. tracing-log's `LogTracer`
//! turns each record into a `tracing` event, after asking the current subscriber with
//! the record's own target, so `RUST_LOG` filters them as it filters `tracing` events
//! (`rustls=debug` turns rustls's records on) and they carry the ids of the span they
//! were logged in. Under `init()`'s subscriber the `log` crate's own maximum level is the
//! filter's (set again when the runtime control changes it), so a record the filter
//! refuses costs one comparison in the `log` macro: dependencies such as mio call
//! `log::trace!` on every request. With [`bridge_log_crate`] alone it stays at `Trace`:
//! the bridge then asks the current subscriber for each record.

use std::sync::atomic::{AtomicBool, Ordering};

use tracing_log::log;

/// Whether the process's `log` logger is the bridge.
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Why the `log` crate could not be bridged: the process already has a `log` logger
/// (`env_logger`, another subscriber's bridge...), and a process has only one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLoggerAlreadySet;

impl std::fmt::Display for LogLoggerAlreadySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "a `log` logger was already installed, so records of the `log` crate go to it, not to the \
             `tracing` subscriber: remove the other logger (env_logger, ...) to have them exported",
        )
    }
}

impl std::error::Error for LogLoggerAlreadySet {}

/// Sends the `log` crate's records to the current `tracing` subscriber, filtered by it,
/// for the whole process. `init()` calls it when it installs its subscriber; call it
/// yourself when you compose your own (`without_tracing_subscriber` and
/// [`layers`](super::layers)). Calling it again is harmless.
///
/// ```
/// otel_kit_init::subscriber::bridge_log_crate()?;
/// // From here on `log::info!` (in any library) is a `tracing` event.
/// # Ok::<(), otel_kit_init::subscriber::LogLoggerAlreadySet>(())
/// ```
pub fn bridge_log_crate() -> Result<(), LogLoggerAlreadySet> {
    if INSTALLED.load(Ordering::Acquire) {
        return Ok(());
    }
    tracing_log::LogTracer::builder()
        .with_max_level(log::LevelFilter::Trace)
        .init()
        .map_err(|_| LogLoggerAlreadySet)?;
    INSTALLED.store(true, Ordering::Release);
    Ok(())
}

/// Gives the `log` crate `level`, the most verbose level the installed subscriber's
/// filters let through (`Trace` when they do not say), if its logger is the bridge.
pub(crate) fn follow(level: Option<tracing::level_filters::LevelFilter>) {
    use tracing::level_filters::LevelFilter;

    if !INSTALLED.load(Ordering::Acquire) {
        return;
    }
    let level = match level.unwrap_or(LevelFilter::TRACE) {
        LevelFilter::OFF => log::LevelFilter::Off,
        LevelFilter::ERROR => log::LevelFilter::Error,
        LevelFilter::WARN => log::LevelFilter::Warn,
        LevelFilter::INFO => log::LevelFilter::Info,
        LevelFilter::DEBUG => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    };
    log::set_max_level(level);
}
