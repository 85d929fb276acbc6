//! What `init()` installs for the whole process (the OpenTelemetry globals, the `tracing`
//! subscriber), and the bound on flushing and shutting it down.

use std::time::Duration;

use super::Builder;

impl Builder {
    /// The bound on flushing and shutting down (default 5 s).
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// Do not install a global `tracing` subscriber: for applications that compose their
    /// own with [`crate::subscriber`]'s layers.
    pub fn without_tracing_subscriber(mut self) -> Self {
        self.install_subscriber = false;
        self
    }

    /// Do not set the OpenTelemetry globals (providers, propagator) nor a `tracing`
    /// subscriber: the guard's providers are all there is. For libraries and tests.
    pub fn without_globals(mut self) -> Self {
        self.set_globals = false;
        self.install_subscriber = false;
        self
    }
}
