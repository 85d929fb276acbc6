//! The thread a remote sampler polls on (the Jaeger and the X-Ray ones): a current-thread
//! tokio runtime driven by a thread of its own until the [`PollerThread`] is dropped,
//! which drops the runtime and every task spawned on it. So the application's runtime,
//! if any, never runs a fetch, and a sampler that is gone leaves no thread polling.

use std::fmt;
use std::sync::Mutex;

use tokio::sync::oneshot;

/// See the module docs. The sampler holds it (behind an `Arc`, in every copy of the
/// sampler); its drop stops the thread.
pub(crate) struct PollerThread {
    handle: tokio::runtime::Handle,
    stop: Mutex<Option<oneshot::Sender<()>>>,
}

impl fmt::Debug for PollerThread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PollerThread")
    }
}

impl PollerThread {
    /// Starts the thread, named `name` (what `/proc/self/task/*/comm` shows).
    pub(crate) fn start(name: &str) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start its runtime: {e}"))?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                // Runs the spawned poll loop until the stop signal (or its sender's drop).
                let _ = runtime.block_on(stopped);
            })
            .map_err(|e| format!("cannot start its thread: {e}"))?;
        Ok(PollerThread {
            handle,
            stop: Mutex::new(Some(stop)),
        })
    }

    /// The runtime's handle, to spawn the poll loop on.
    pub(crate) fn handle(&self) -> &tokio::runtime::Handle {
        &self.handle
    }
}

impl Drop for PollerThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.lock().ok().and_then(|mut s| s.take()) {
            let _ = stop.send(());
        }
    }
}
