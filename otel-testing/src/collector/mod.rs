//! `TestCollector`: an OTLP receiver on loopback for integration tests.
//!
//! One port serves OTLP/gRPC (the trace, metrics and logs `Export` methods) and OTLP/HTTP
//! (`POST /v1/traces`, `/v1/metrics`, `/v1/logs` with `application/x-protobuf` or
//! `application/json`, gzip accepted, zstd too with the `zstd` feature). Everything received is kept with its types, each
//! export's headers are recorded, and failures can be injected.

mod failure;
mod grpc;
mod http_export;
mod payload;
mod store;
mod tls;

pub use failure::ExportFailure;
#[doc(hidden)]
pub use http_export::{DecodedExport, decode_http_export};
pub use otel_kit_core::otlp::{Protocol, Signal};
pub use store::{ExportRequest, Outcome};
pub use tls::CollectorTls;

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::post;
use axum::serve::ListenerExt as _;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::assert::{Logs, Metrics, Spans};
use store::Store;

/// Default cap on one request body, compressed or decompressed: 32 MiB.
pub const DEFAULT_MAX_BODY_SIZE: usize = 32 * 1024 * 1024;

/// An in-process OTLP collector bound to `127.0.0.1`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use otel_kit_testing::TestCollector;
///
/// let collector = TestCollector::start().await?;
/// // Point an exporter at `collector.endpoint()` (gRPC) or `collector.traces_url()`
/// // (HTTP); then read what arrived with the same assertions as in-memory spans:
/// assert!(collector.spans().is_empty());
/// collector.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct TestCollector {
    addr: SocketAddr,
    scheme: &'static str,
    store: Arc<Store>,
    /// The TLS a TLS collector serves with, replaceable while it runs.
    live_tls: Option<Arc<tls::LiveTls>>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// Options for a [`TestCollector`].
#[derive(Debug, Clone)]
#[must_use]
pub struct TestCollectorBuilder {
    addr: SocketAddr,
    max_body_size: usize,
    tls: Option<CollectorTls>,
    refuse_zstd: bool,
}

impl TestCollectorBuilder {
    /// Binds this address instead of `127.0.0.1:0` (for example to restart a collector on
    /// the port a previous one used).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Caps one request body, compressed and decompressed. Over HTTP a larger body, or a
    /// gzip body that inflates past the cap, gets 413. Over gRPC tonic enforces it: a
    /// larger message gets `OUT_OF_RANGE`, a compressed one that inflates past the cap
    /// `RESOURCE_EXHAUSTED`. Default [`DEFAULT_MAX_BODY_SIZE`].
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// Refuses zstd request bodies as a collector without zstd does (HTTP 415, gRPC
    /// `UNIMPLEMENTED`), even when built with the `zstd` feature: for testing a sender
    /// against a collector that does not accept zstd.
    pub fn refuse_zstd(mut self) -> Self {
        self.refuse_zstd = true;
        self
    }

    /// Serves over TLS (and mTLS when the identity requires client certificates);
    /// [`TestCollector::endpoint`] then starts with `https://`.
    pub fn tls(mut self, tls: CollectorTls) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Binds the port and starts serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<TestCollector> {
        let tls = self.tls.as_ref().map(CollectorTls::server_config).transpose()?;
        let listener = TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let accepts_zstd = cfg!(feature = "zstd") && !self.refuse_zstd;
        let store = Arc::new(Store::new(self.max_body_size, accepts_zstd));
        let router = Router::new()
            .route("/v1/traces", post(http_export::traces))
            .route("/v1/metrics", post(http_export::metrics))
            .route("/v1/logs", post(http_export::logs))
            .route_service(grpc::TRACES_PATH, grpc::route(Arc::clone(&store), Signal::Traces))
            .route_service(
                grpc::METRICS_PATH,
                grpc::route(Arc::clone(&store), Signal::Metrics),
            )
            .route_service(grpc::LOGS_PATH, grpc::route(Arc::clone(&store), Signal::Logs))
            .with_state(Arc::clone(&store));
        let (stop, stopped) = oneshot::channel::<()>();
        let scheme = if tls.is_some() { "https" } else { "http" };
        let live_tls = tls.map(|config| Arc::new(tls::LiveTls::new(config)));
        let task = match &live_tls {
            Some(live) => tokio::spawn(tls::serve(
                listener,
                router,
                Arc::clone(live),
                stopped,
                Arc::clone(&store),
            )),
            None => tokio::spawn(async move {
                // Without TCP_NODELAY a large export meets Nagle + delayed ACK and stalls ~40 ms.
                let listener = listener.tap_io(|tcp| {
                    let _ = tcp.set_nodelay(true);
                });
                let serve = axum::serve(listener, router).with_graceful_shutdown(async {
                    let _ = stopped.await;
                });
                if let Err(e) = serve.await {
                    eprintln!("otel-kit-testing: collector on {addr} stopped: {e}");
                }
            }),
        };
        Ok(TestCollector {
            addr,
            scheme,
            store,
            live_tls,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

impl TestCollector {
    /// Starts a collector on a free loopback port with default options.
    pub async fn start() -> std::io::Result<Self> {
        Self::builder().start().await
    }

    /// Options: bind address, body-size cap, TLS, zstd refused.
    pub fn builder() -> TestCollectorBuilder {
        TestCollectorBuilder {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            tls: None,
            refuse_zstd: false,
        }
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>` (`https://` with [`TestCollectorBuilder::tls`]): the
    /// endpoint for gRPC exporters, and the base endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`)
    /// for HTTP ones.
    pub fn endpoint(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// The OTLP/HTTP traces URL.
    pub fn traces_url(&self) -> String {
        format!("{}://{}/v1/traces", self.scheme, self.addr)
    }

    /// The OTLP/HTTP metrics URL.
    pub fn metrics_url(&self) -> String {
        format!("{}://{}/v1/metrics", self.scheme, self.addr)
    }

    /// The OTLP/HTTP logs URL.
    pub fn logs_url(&self) -> String {
        format!("{}://{}/v1/logs", self.scheme, self.addr)
    }

    /// Serves new connections with `tls` from now on (a certificate rotation, as
    /// cert-manager does it: the connections already made go on with the old identity).
    /// `Err` for a collector started without TLS, or an identity that cannot be used.
    pub fn set_tls(&self, tls: CollectorTls) -> std::io::Result<()> {
        let live = self.live_tls.as_ref().ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "this collector was started without TLS",
            )
        })?;
        live.replace(tls.server_config()?);
        Ok(())
    }

    /// Closes every TLS connection made so far (a collector restarted after a rotation,
    /// a load balancer that drains): the clients must connect again. Nothing for a
    /// collector without TLS.
    pub fn close_tls_connections(&self) {
        if let Some(live) = &self.live_tls {
            live.close_connections();
        }
    }

    /// The certificate (DER, the end entity's) the client presented in each accepted TLS
    /// handshake, in order; `None` where it presented none. Empty without TLS.
    pub fn client_certificates(&self) -> Vec<Option<Vec<u8>>> {
        self.live_tls
            .as_ref()
            .map(|live| live.client_certificates())
            .unwrap_or_default()
    }

    /// TLS handshakes that failed (the client did not trust the server, or presented no
    /// acceptable certificate when one is required).
    pub fn rejected_tls_handshakes(&self) -> usize {
        self.store.rejected_handshakes()
    }

    /// Every span received so far, in arrival order.
    pub fn spans(&self) -> Spans {
        self.store.spans()
    }

    /// Every metric export received so far (later exports of a metric win in lookups).
    pub fn metrics(&self) -> Metrics {
        self.store.metrics()
    }

    /// Every log record received so far.
    pub fn logs(&self) -> Logs {
        self.store.logs()
    }

    /// One entry per export request, accepted or not: signal, protocol, headers, size
    /// and outcome.
    pub fn requests(&self) -> Vec<ExportRequest> {
        self.store.requests()
    }

    /// The decoded trace export requests, for checks below the assertion API.
    pub fn trace_requests(&self) -> Vec<ExportTraceServiceRequest> {
        self.store.trace_requests()
    }

    /// The decoded metric export requests.
    pub fn metric_requests(&self) -> Vec<ExportMetricsServiceRequest> {
        self.store.metric_requests()
    }

    /// The decoded log export requests.
    pub fn log_requests(&self) -> Vec<ExportLogsServiceRequest> {
        self.store.log_requests()
    }

    /// Answers the next `count` export requests (any signal, any protocol) with `failure`
    /// instead of accepting them. Their data is not kept; the requests are recorded. A
    /// new call replaces what is left of the previous one. The failure is answered before
    /// the body is read, so a malformed request also consumes one; only an HTTP request
    /// whose content type is not OTLP is refused (415) first.
    pub fn fail_next(&self, count: usize, failure: ExportFailure) {
        self.store.fail_next(count, failure);
    }

    /// Delays every answer by `delay` (a slow collector); `Duration::ZERO` turns it off.
    pub fn set_response_delay(&self, delay: Duration) {
        self.store.set_delay(delay);
    }

    /// Forgets everything received and any pending failures; the response delay stays.
    pub fn reset(&self) {
        self.store.reset();
    }

    /// Waits until at least `count` spans have arrived; fails with what did arrive
    /// after `timeout`.
    #[track_caller]
    pub fn wait_for_spans(&self, count: usize, timeout: Duration) -> impl Future<Output = Spans> + '_ {
        let caller = std::panic::Location::caller();
        async move {
            self.wait_until(timeout, || self.store.span_count() >= count)
                .await;
            let spans = self.spans();
            if spans.len() < count {
                panic!(
                    "wait_for_spans (called at {caller}): expected at least {count} spans within {timeout:?}, got {}\n{}",
                    spans.len(),
                    spans.tree()
                );
            }
            spans
        }
    }

    /// Waits until a metric with this name has arrived; fails listing the metrics after
    /// `timeout`.
    #[track_caller]
    pub fn wait_for_metric<'a>(
        &'a self,
        name: &'a str,
        timeout: Duration,
    ) -> impl Future<Output = Metrics> + 'a {
        let caller = std::panic::Location::caller();
        async move {
            self.wait_until(timeout, || self.metrics().find(name).is_some())
                .await;
            let metrics = self.metrics();
            if metrics.find(name).is_none() {
                panic!(
                    "wait_for_metric (called at {caller}): no metric {name:?} within {timeout:?}\n{}",
                    metrics.listing()
                );
            }
            metrics
        }
    }

    /// Waits until at least `count` log records have arrived; fails listing them after
    /// `timeout`.
    #[track_caller]
    pub fn wait_for_logs(&self, count: usize, timeout: Duration) -> impl Future<Output = Logs> + '_ {
        let caller = std::panic::Location::caller();
        async move {
            self.wait_until(timeout, || self.store.log_count() >= count).await;
            let logs = self.logs();
            if logs.len() < count {
                panic!(
                    "wait_for_logs (called at {caller}): expected at least {count} log records within {timeout:?}, got {}\n{}",
                    logs.len(),
                    logs.listing()
                );
            }
            logs
        }
    }

    /// Waits until at least `count` export requests (of any outcome) have arrived and
    /// returns them; fails listing what did arrive after `timeout`.
    #[track_caller]
    pub fn wait_for_requests(
        &self,
        count: usize,
        timeout: Duration,
    ) -> impl Future<Output = Vec<ExportRequest>> + '_ {
        let caller = std::panic::Location::caller();
        async move {
            self.wait_until(timeout, || self.store.request_count() >= count)
                .await;
            let requests = self.requests();
            if requests.len() < count {
                panic!(
                    "wait_for_requests (called at {caller}): expected at least {count} requests within {timeout:?}, got {}: {requests:#?}",
                    requests.len()
                );
            }
            requests
        }
    }

    async fn wait_until(&self, timeout: Duration, done: impl Fn() -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.store.notified();
            if done() {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            let _ = tokio::time::timeout(left, notified).await;
        }
    }

    /// Stops serving: open connections are closed gracefully, for at most 2 seconds.
    pub async fn shutdown(mut self) {
        self.stop_serving().await;
    }

    async fn stop_serving(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(2), task).await.is_err() {
                abort.abort();
            }
        }
    }
}

impl Drop for TestCollector {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
