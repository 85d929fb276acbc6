//! A small tokio runtime on its own thread that drives the OTLP exporters' connections.
//!
//! tonic needs a runtime to run its channel, and hyper (OTLP/HTTP) one for its
//! connections and timeouts; using the application's would put export I/O on the threads
//! that serve requests, and would not exist at all in a synchronous `main`. The batch
//! processors hand their export futures to this runtime's tasks (tonic's channel, or the
//! HTTP requests `http_client` spawns), so a slow or absent collector never occupies an
//! application thread.

use std::sync::mpsc;
#[cfg(feature = "__http")]
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use tokio::sync::oneshot;

/// The longest the runtime's thread waits for its blocking tasks (host-name lookups,
/// credential checks) when it stops; one still running is left behind.
const STOP_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

#[cfg(feature = "http-json")]
use crate::transport::http_client::ClientTls;
#[cfg(feature = "__http")]
use crate::transport::http_client::{ExplainingClient, HttpClients};

/// The thread the exporters send from: one tokio runtime, named `otel-export`, that
/// holds their connections and timers, never the application's.
///
/// Every exporter needs one. An exporter built without
/// [`with_export_runtime`](crate::ExporterBuilder::with_export_runtime) starts its own;
/// exporters given the same one share its thread, and over OTLP/HTTP their connections.
/// Stopping it (or dropping it) ends every export still in flight: stop it after the
/// providers have shut down.
///
/// ```
/// use otel_kit_otlp::{ExportRuntime, LogExporter, SpanExporter};
///
/// let runtime = ExportRuntime::start()?;
/// let spans = SpanExporter::builder().with_export_runtime(&runtime).build()?;
/// let logs = LogExporter::builder().with_export_runtime(&runtime).build()?;
/// # drop((spans, logs));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ExportRuntime {
    shared: RuntimeRef,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// What an exporter keeps of the runtime it was built on: where to spawn, and (over
/// OTLP/HTTP) the clients its exporters share.
#[derive(Debug, Clone)]
#[cfg_attr(not(feature = "__proto"), allow(dead_code))]
pub(crate) struct RuntimeRef {
    handle: tokio::runtime::Handle,
    #[cfg(feature = "__http")]
    clients: Arc<Mutex<HttpClients>>,
}

impl RuntimeRef {
    /// Runs `f` with this runtime as the current one, so what it spawns lands here.
    #[cfg_attr(not(feature = "grpc"), allow(dead_code))]
    pub(crate) fn enter<T>(&self, f: impl FnOnce() -> T) -> T {
        let _guard = self.handle.enter();
        f()
    }

    /// Where the senders and the OTLP/HTTP clients spawn their requests.
    #[cfg_attr(not(feature = "__proto"), allow(dead_code))]
    pub(crate) fn handle(&self) -> &tokio::runtime::Handle {
        &self.handle
    }

    /// A client for this timeout and TLS, shared with this runtime's other exporters
    /// when it can be, and the PEM settings it was built without.
    #[cfg(feature = "__http")]
    pub(crate) fn http_client(
        &self,
        timeout: std::time::Duration,
        tls: crate::transport::http_client::TlsSources,
        route: crate::transport::http_client::Route,
    ) -> Result<(ExplainingClient, Vec<crate::BuildWarning>), String> {
        self.clients.lock().unwrap_or_else(PoisonError::into_inner).get(
            timeout,
            tls,
            route,
            self.handle.clone(),
        )
    }
}

impl ExportRuntime {
    /// Starts the runtime's thread; `Err` when the system refuses a thread.
    pub fn start() -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("otel-export".to_owned())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    // The blocking pool resolves host names: named as telemetry's own
                    // threads, its transport logs stay out of what is exported.
                    .thread_name("otel-export-blocking")
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                };
                let _ = tx.send(Ok(runtime.handle().clone()));
                runtime.block_on(async {
                    let _ = stopped.await;
                });
                // Not the runtime's drop, which waits for every blocking task: a check
                // stuck on a hung file would hold the shutdown for good.
                runtime.shutdown_timeout(STOP_WAIT);
            })?;
        let handle = rx
            .recv()
            .map_err(|_| std::io::Error::other("the export thread exited"))??;
        Ok(ExportRuntime {
            shared: RuntimeRef {
                handle,
                #[cfg(feature = "__http")]
                clients: Arc::default(),
            },
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// What exporters built on this runtime keep of it.
    #[cfg_attr(not(feature = "__proto"), allow(dead_code))]
    pub(crate) fn shared(&self) -> &RuntimeRef {
        &self.shared
    }

    /// Where the OTLP/HTTP clients spawn their requests.
    #[cfg(test)]
    pub(crate) fn handle(&self) -> &tokio::runtime::Handle {
        &self.shared.handle
    }

    /// An OTLP/HTTP client whose requests run on this runtime, shared with this
    /// runtime's exporters of the same timeout and scheme, and the PEM settings it was
    /// built without. opentelemetry-otlp's HTTP/JSON exporter sends with it
    /// (`export_settings/http_json.rs`); `Err` when no client could be built at all.
    #[cfg(feature = "http-json")]
    pub(crate) fn http_client(
        &self,
        timeout: std::time::Duration,
        tls: ClientTls<'_>,
    ) -> Result<(ExplainingClient, Vec<crate::BuildWarning>), String> {
        self.shared.http_client(
            timeout,
            tls.to_sources(),
            crate::transport::http_client::Route::Direct,
        )
    }

    /// [`http_client`](Self::http_client) for requests to `endpoint`, through `proxy`
    /// when it applies to it.
    #[cfg(all(feature = "http-json", feature = "proxy"))]
    pub(crate) fn http_client_via(
        &self,
        timeout: std::time::Duration,
        tls: ClientTls<'_>,
        proxy: &crate::Proxy,
        endpoint: &http::Uri,
    ) -> Result<(ExplainingClient, Vec<crate::BuildWarning>), String> {
        let route = proxy.intercept(endpoint).map_or(
            crate::transport::http_client::Route::Direct,
            crate::transport::http_client::Route::Proxied,
        );
        self.shared.http_client(timeout, tls.to_sources(), route)
    }

    /// Stops the runtime; waits for its thread only when called off any runtime.
    /// Dropping it does the same.
    ///
    /// ```
    /// let mut runtime = otel_kit_otlp::ExportRuntime::start()?;
    /// runtime.stop();
    /// runtime.stop(); // once is enough; again does nothing
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take()
            && tokio::runtime::Handle::try_current().is_err()
        {
            let _ = thread.join();
        }
    }
}

impl Drop for ExportRuntime {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::ExportRuntime;

    #[test]
    fn a_blocking_task_that_never_ends_does_not_hold_the_stop() {
        let mut runtime = ExportRuntime::start().expect("runtime");
        // What a credential check on a hung network mount looks like to the runtime.
        drop(
            runtime
                .handle()
                .spawn_blocking(|| std::thread::sleep(Duration::from_secs(30))),
        );
        std::thread::sleep(Duration::from_millis(50));
        let started = Instant::now();
        runtime.stop();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "stopped after {:?}",
            started.elapsed()
        );
    }
}
