//! The `tracing` side of the setup: spans to OpenTelemetry (tracing-opentelemetry),
//! events to OTLP log records (the OpenTelemetry log bridge) and to a console whose lines
//! carry the current trace and span ids.
//!
//! Two shapes: [`subscriber`] returns a complete subscriber to install globally;
//! [`layers`] returns the three layers ([`TelemetryLayers`]) for a subscriber you compose
//! yourself.
//!
//! ```
//! use opentelemetry::trace::TracerProvider as _;
//! use opentelemetry_sdk::logs::SdkLoggerProvider;
//! use opentelemetry_sdk::trace::SdkTracerProvider;
//! use otel_kit_init::subscriber::{self, Console, ConsoleFormat, LogFilter};
//!
//! let tracer_provider = SdkTracerProvider::builder().build();
//! let logger_provider = SdkLoggerProvider::builder().build();
//! let (filter, warning) = LogFilter::from_rust_log(Some("info,my_app=debug"));
//! assert!(warning.is_none());
//! let subscriber = subscriber::subscriber(
//!     tracer_provider.tracer("my-app"),
//!     &logger_provider,
//!     Console::stdout(ConsoleFormat::Text),
//!     &filter,
//! );
//! tracing::subscriber::with_default(subscriber, || {
//!     let request = tracing::info_span!("GET /users", otel.kind = "server");
//!     // Prints `<time>  INFO GET /users{otel.kind="server"}: <target>: loaded trace_id=<32 hex> span_id=<16 hex>`.
//!     request.in_scope(|| tracing::info!("loaded"));
//! });
//! ```
//!
//! # Filtering: why traces do not follow `RUST_LOG`
//!
//! `RUST_LOG` ([`LogFilter`]) is a per-layer filter on the console and on the log bridge
//! only, never a global filter. A global filter disables a span for every layer, and a
//! span disabled that way has no OpenTelemetry context: `set_parent` on it does nothing,
//! `context()` on it is empty, so a server span written as `debug_span!` under
//! `RUST_LOG=info` starts a fresh trace instead of continuing the caller's, and nothing
//! can be injected into outgoing requests. Console verbosity must not decide that.
//!
//! The tracing-opentelemetry layer therefore has its own filter. It records:
//!
//! - every span at `info`, `warn` or `error`, whatever `RUST_LOG` says (`RUST_LOG=warn`
//!   quietens the console, not the traces; `RUST_LOG=info,my_crate=off` does not remove
//!   `my_crate`'s `info` spans from traces: use the sampler for that);
//! - every span that declares an `otel.*` field (`otel.kind`, `otel.name`,
//!   `otel.status_code`), at any level: such a span was written for OpenTelemetry, and
//!   these are the server and client spans that propagation hangs on;
//! - anything else `RUST_LOG` enables: `RUST_LOG=my_crate=debug` adds `my_crate`'s debug
//!   spans, and events (recorded as span events unless [`SpanEvents::LogsOnly`], the
//!   choice of `init()` when logs are exported over OTLP) follow `RUST_LOG` exactly.
//!
//! Other `debug` and `trace` spans are not recorded, so library internals (h2, hyper,
//! tower) do not flood traces. Such a span is skipped, not a break: tracing-opentelemetry
//! makes each recorded span's context current on entry, so a span opened inside a
//! skipped one becomes the child of the nearest recorded ancestor, and the trace stays
//! connected. One case this cannot mend: a span created with an explicit `parent:` that
//! is a skipped span becomes a root (tracing makes `parent: <disabled span>` a root),
//! so give such parents an `otel.*` field or an `info` level.
//!
//! The log bridge also drops events whose target starts with `opentelemetry` (the SDK's
//! and the exporters' own diagnostics): exporting a record about an export would loop.
//! Those still reach the console.
//!
//! The subscriber `init()` installs can have its directives replaced while it runs,
//! through [`TelemetryControl::set_filter`](crate::TelemetryControl::set_filter): all three
//! layers' filters change at once, and the rules above still hold.
//!
//! # Trace ids on console lines
//!
//! Inside a span, [`ConsoleFormat::Text`] appends ` trace_id=<32 hex> span_id=<16 hex>`
//! to tracing-subscriber's usual line, and [`ConsoleFormat::Json`] adds top-level
//! `"trace_id"` and `"span_id"` strings to its object. Both read the current OpenTelemetry
//! context, exactly what the log bridge stamps on the OTLP record of the same event, so
//! the console and the exported logs always agree. Lines outside spans have no ids. An
//! event with an explicit `parent:` that is not the entered span still carries the
//! entered span's ids, as its log record does.

mod callsite_decisions;
mod console;
mod console_format;
mod filter;
mod id_format;
mod ids;
mod layers;
#[cfg(feature = "log-bridge")]
pub(crate) mod log_crate;
mod reloadable;
mod span_events;

pub use console::Console;
pub use console_format::ConsoleFormat;
pub use filter::LogFilter;
pub use layers::{TelemetryLayers, layers, layers_with_span_events, subscriber};
#[cfg(feature = "log-bridge")]
#[cfg_attr(docsrs, doc(cfg(feature = "log-bridge")))]
pub use log_crate::{LogLoggerAlreadySet, bridge_log_crate};
#[cfg(feature = "logs")]
#[cfg_attr(docsrs, doc(cfg(feature = "logs")))]
pub use otel_kit_core::__private::DeclaredEventNames;
pub(crate) use reloadable::{ApplicationLayer, FilterSwitch, reloadable_subscriber};
pub(crate) use span_events::SPAN_EVENTS;
pub use span_events::SpanEvents;
