//! The child side: one process per scenario and compression, which sets the kit up with
//! `otel_kit_init::builder()` from the `OTEL_*` variables the parent gave it, makes `n`
//! operations through one real instrumentation, and shuts down (flushing everything).
//!
//! Operations that are not servers run under a sampled remote parent with fresh ids,
//! as a span made inside a request would: their spans carry a parent span id, and no
//! parent span is exported beside them.

mod calls;
mod grpc;
mod http;

use std::error::Error;

use opentelemetry::Context;
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};

/// What a child process can be asked to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Requests to an axum service with otel-kit-http's `ServerLayer`, each with an
    /// incoming `traceparent` and one `tracing::info!` line in the handler: server spans,
    /// log records, and (at shutdown) the default set-up's metrics.
    HttpServer,
    /// reqwest calls through otel-kit-http's `ClientMiddleware` to an untraced service.
    HttpClient,
    /// Unary calls to a tonic service with otel-kit-grpc's `ServerLayer`.
    GrpcServer,
    /// Unary calls through otel-kit-grpc's `ClientLayer` to an untraced tonic service.
    GrpcClient,
    /// `SELECT`s by primary key through otel-kit-db's sqlx wrapper on SQLite.
    Db,
    /// Chat calls through otel-kit-genai's `chat(..)` helper (no content capture).
    GenAi,
    /// One request to each of `n` routes of a `ServerLayer` service, runtime metrics off:
    /// `n` points of `http.server.request.duration`.
    Histogram,
    /// One `add` for each of `n` attribute sets of an application counter, runtime
    /// metrics off: `n` points.
    Counter,
}

impl Scenario {
    /// Every scenario, in table order.
    pub const ALL: [Scenario; 8] = [
        Scenario::HttpServer,
        Scenario::HttpClient,
        Scenario::GrpcServer,
        Scenario::GrpcClient,
        Scenario::Db,
        Scenario::GenAi,
        Scenario::Histogram,
        Scenario::Counter,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::HttpServer => "http-server",
            Scenario::HttpClient => "http-client",
            Scenario::GrpcServer => "grpc-server",
            Scenario::GrpcClient => "grpc-client",
            Scenario::Db => "db",
            Scenario::GenAi => "genai",
            Scenario::Histogram => "histogram",
            Scenario::Counter => "counter",
        }
    }

    /// The scenario named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Scenario::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Runs `n` operations in this process, then shuts telemetry down.
    pub fn run(self, n: usize) -> Result<(), Box<dyn Error>> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        runtime.block_on(async move {
            // The runtime's and the process's metrics only where the metrics are the
            // default set-up's; the per-point scenarios count one instrument's points.
            let runtime_metrics = !matches!(self, Scenario::Histogram | Scenario::Counter);
            let mut builder = otel_kit_init::builder()
                .service_name("checkout")
                .service_version("1.4.2");
            if !runtime_metrics {
                builder = builder.without_runtime_metrics();
            }
            let telemetry = builder.init()?;
            match self {
                Scenario::HttpServer => http::server(n).await?,
                Scenario::HttpClient => http::client(n).await?,
                Scenario::Histogram => http::routes(n).await?,
                Scenario::GrpcServer => grpc::server(n).await?,
                Scenario::GrpcClient => grpc::client(n).await?,
                Scenario::Db => calls::db(n).await?,
                Scenario::GenAi => calls::genai(n).await?,
                Scenario::Counter => calls::counter(n),
            }
            telemetry.shutdown()?;
            Ok(())
        })
    }
}

/// Fresh trace and span ids (splitmix64): realistic, incompressible ids on the wire.
#[derive(Debug)]
pub(crate) struct Ids(u64);

impl Ids {
    pub(crate) fn new() -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        Ids(seed ^ u64::from(std::process::id()))
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A W3C `traceparent` of a sampled remote parent.
    pub(crate) fn traceparent(&mut self) -> String {
        format!(
            "00-{:016x}{:016x}-{:016x}-01",
            self.next(),
            self.next(),
            self.next()
        )
    }

    /// A context whose current span is a sampled remote parent.
    pub(crate) fn remote_parent(&mut self) -> Context {
        let trace = (u128::from(self.next()) << 64) | u128::from(self.next());
        let span = SpanContext::new(
            TraceId::from_bytes(trace.to_be_bytes()),
            SpanId::from_bytes(self.next().to_be_bytes()),
            TraceFlags::SAMPLED,
            true,
            TraceState::NONE,
        );
        Context::new().with_remote_span_context(span)
    }
}
