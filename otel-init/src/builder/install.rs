//! What `init()` installs for the whole process (the OpenTelemetry globals, the `tracing`
//! subscriber), and the bound on flushing and shutting it down.

use std::time::Duration;

use tracing_subscriber::{Layer, Registry};

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

    /// Adds the application's own `tracing` layer to the subscriber `init()` installs;
    /// several calls add several. Each goes beneath the kit's layers (traces, OTLP logs,
    /// console) and gets the spans and events its own filter lets through, whatever
    /// `RUST_LOG` says (and records of the `log` crate, with `log-bridge`), while the
    /// kit's layers keep following `RUST_LOG`.
    ///
    /// Give it a per-layer filter (`with_filter`, e.g. a `Targets`): a call site that
    /// neither it nor the kit's layers want then stays free, decided once and never
    /// dispatched. One they disagree on (with `RUST_LOG=info`, an `info` event the layer
    /// does not want) is asked about at each use, as `tracing`'s per-layer filters do;
    /// the kit's own layers already disagree so on events when logs go over OTLP. A layer
    /// without a filter wants everything: every call site is then asked about.
    ///
    /// With [`without_tracing_subscriber`](Self::without_tracing_subscriber),
    /// [`without_globals`](Self::without_globals), or another global subscriber already
    /// installed, there is no subscriber of the kit's: the layers are not installed, and a
    /// start-up warning says so.
    ///
    /// ```no_run
    /// use tracing_subscriber::Layer as _;
    /// use tracing_subscriber::filter::{LevelFilter, Targets};
    ///
    /// // sqlx's statement logs (DEBUG) on stderr, with RUST_LOG left at `info`.
    /// let statements = tracing_subscriber::fmt::layer()
    ///     .with_writer(std::io::stderr)
    ///     .with_filter(Targets::new().with_target("sqlx::query", LevelFilter::DEBUG));
    /// let telemetry = otel_kit_init::builder().tracing_layer(statements).init()?;
    /// # drop(telemetry);
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn tracing_layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<Registry> + Send + Sync + 'static,
    {
        self.tracing_layers.push(layer.boxed());
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
