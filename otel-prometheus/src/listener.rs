//! The exporter's own listener: `/metrics` on a host and port of its own, served by hyper on a thread of its own, so a
//! scrape never waits for, nor holds up, the application's runtime. It shares the
//! service's file descriptors, so it holds each client to
//! [`PrometheusListenerLimits`]: a connection cap that evicts from the address holding
//! the most places, at most half the cap answered at once (`503` beyond, without
//! collecting), one rendering shared by concurrent scrapes, header-read, idle and write
//! timeouts; and it answers `404` on any path but `/metrics` without collecting.

use std::future::Future as _;
use std::net::{SocketAddr, TcpListener as StdListener, ToSocketAddrs as _};
use std::sync::Arc;
use std::thread::JoinHandle;

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::oneshot;

use crate::connection_slots::ConnectionSlots;
use crate::handler::PrometheusHandler;
use crate::listener_limits::PrometheusListenerLimits;
use crate::shared_rendering::SharedRendering;
use crate::timed_stream::TimedStream;

/// The one path served.
const PATH: &str = "/metrics";

/// `/metrics` served on an address of its own, on a thread of its own; dropping it
/// stops it.
///
/// ```
/// use opentelemetry_sdk::metrics::SdkMeterProvider;
/// use otel_kit_prometheus::{PrometheusHandler, PrometheusListener, PrometheusListenerLimits, PrometheusReader};
///
/// let reader = PrometheusReader::new(None);
/// let _provider = SdkMeterProvider::builder().with_reader(reader.clone()).build();
/// let listener = PrometheusListener::start(
///     "127.0.0.1",
///     0, // any free port
///     PrometheusListenerLimits::DEFAULT,
///     PrometheusHandler::new(reader),
/// )?;
/// assert_ne!(listener.address().port(), 0);
/// # Ok::<(), String>(())
/// ```
#[derive(Debug)]
pub struct PrometheusListener {
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl PrometheusListener {
    /// Binds `host:port` now (so that a port in use is known at start-up) and serves
    /// `handler` on it; `Err` says why not, for the caller's warning.
    pub fn start(
        host: &str,
        port: u16,
        limits: PrometheusListenerLimits,
        handler: PrometheusHandler,
    ) -> Result<Self, String> {
        let addresses = (host, port)
            .to_socket_addrs()
            .map_err(|e| format!("cannot resolve {host}:{port}: {e}"))?;
        let mut last_error = format!("{host} resolves to no address");
        let listener = addresses
            .into_iter()
            .find_map(|a| {
                StdListener::bind(a)
                    .map_err(|e| last_error = format!("cannot listen on {a}: {e}"))
                    .ok()
            })
            .ok_or(last_error.clone())?;
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("cannot listen on {host}:{port}: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| format!("cannot start its runtime: {e}"))?;
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("otel-prometheus".into())
            .spawn(move || {
                runtime.spawn(serve(listener, limits, handler));
                // Until stopped (or dropped); dropping the runtime ends every task.
                runtime.block_on(stopped).ok();
            })
            .map_err(|e| format!("cannot start its thread: {e}"))?;
        Ok(PrometheusListener {
            address,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The address it listens on (the port chosen, when the configured one is 0).
    pub fn address(&self) -> SocketAddr {
        self.address
    }
}

impl Drop for PrometheusListener {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
        if let Some(thread) = self.thread.take() {
            thread.join().ok();
        }
    }
}

async fn serve(listener: StdListener, limits: PrometheusListenerLimits, handler: PrometheusHandler) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(error) => {
            tracing::warn!(target: "otel_kit_prometheus", %error, "the Prometheus listener cannot start; /metrics is not served");
            return;
        }
    };
    let slots = ConnectionSlots::new(limits.max_connections);
    let shared = Arc::new(SharedRendering::default());
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            // A full descriptor table and the like: the next accept may succeed.
            Err(_) => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        // Every open connection is being answered: this one is closed at once.
        let Some(place) = slots.admit(peer.ip()) else {
            continue;
        };
        let place = Arc::new(place);
        let handler = handler.clone();
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let slot = Arc::clone(place.slot());
            let answering = Arc::clone(&place);
            let service = service_fn(move |request: http::Request<hyper::body::Incoming>| {
                let response = if request.uri().path() != PATH {
                    not_found()
                } else if answering.may_answer() {
                    handler.respond_with(&request, |reader, format| {
                        shared.get(format, || reader.render(format))
                    })
                } else {
                    busy()
                };
                std::future::ready(Ok::<_, std::convert::Infallible>(response))
            });
            let stream = TimedStream::new(
                stream,
                Arc::clone(&slot),
                limits.idle_timeout,
                limits.write_timeout,
            );
            // hyper's header-read timeout needs a timer, or it is not applied at all.
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout)
                .serve_connection(TokioIo::new(stream), service);
            // A scraper that hangs up mid-response is its own business; an evicted
            // connection is dropped, closing its socket.
            let mut connection = std::pin::pin!(connection);
            let mut evicted = std::pin::pin!(slot.evicted());
            std::future::poll_fn(|cx| {
                if evicted.as_mut().poll(cx).is_ready() || connection.as_mut().poll(cx).is_ready() {
                    std::task::Poll::Ready(())
                } else {
                    std::task::Poll::Pending
                }
            })
            .await;
        });
    }
}

/// The answer when half the cap is being answered and the client's address has an
/// answer in progress: nothing is collected, and the connection closes after it.
fn busy() -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(
        b"busy: too many answers in progress; retry\n",
    )));
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    let headers = response.headers_mut();
    headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The answer on any path but [`PATH`]: nothing is collected for it.
fn not_found() -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(
        b"not found: metrics are on /metrics\n",
    )));
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}
