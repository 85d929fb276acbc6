//! A small tokio runtime on its own thread that drives the OTLP exporters' connections.
//!
//! tonic needs a runtime to run its channel, and hyper (OTLP/HTTP) one for its
//! connections and timeouts; using the application's would put export I/O on the threads
//! that serve requests, and would not exist at all in a synchronous `main`. The batch
//! processors hand their export futures to this runtime's tasks (tonic's channel, or the
//! HTTP requests `http_client` spawns), so a slow or absent collector never occupies an
//! application thread.

use std::sync::mpsc;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

use crate::InitError;

#[derive(Debug)]
pub(crate) struct ExportRuntime {
    handle: tokio::runtime::Handle,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ExportRuntime {
    pub(crate) fn start() -> Result<Self, InitError> {
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
            })
            .map_err(InitError::ExportThread)?;
        let handle = rx
            .recv()
            .map_err(|_| InitError::ExportThread(std::io::Error::other("the export thread exited")))?
            .map_err(InitError::ExportThread)?;
        Ok(ExportRuntime {
            handle,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Runs `f` with this runtime as the current one, so what it spawns lands here.
    #[cfg_attr(not(feature = "grpc"), allow(dead_code))]
    pub(crate) fn enter<T>(&self, f: impl FnOnce() -> T) -> T {
        let _guard = self.handle.enter();
        f()
    }

    /// Where the OTLP/HTTP clients spawn their requests.
    #[cfg_attr(not(feature = "__http"), allow(dead_code))]
    pub(crate) fn handle(&self) -> &tokio::runtime::Handle {
        &self.handle
    }

    /// Stops the runtime; waits for its thread only when called off any runtime.
    pub(crate) fn stop(&mut self) {
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
