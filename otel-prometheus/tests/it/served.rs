//! A meter provider served by the exporter's own listener on a free loopback port, and
//! a scrape of it over a fresh connection.

use std::net::SocketAddr;

use opentelemetry::KeyValue;
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry_sdk::metrics::{SdkMeterProvider, Stream};
use otel_kit_prometheus::{
    PrometheusHandler, PrometheusListener, PrometheusListenerLimits, PrometheusReader,
};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// The provider the tests record into, and the listener serving it.
pub(crate) struct Served {
    provider: SdkMeterProvider,
    _listener: PrometheusListener,
}

impl Served {
    pub(crate) fn meter_provider(&self) -> &SdkMeterProvider {
        &self.provider
    }

    /// Records series of a counter, about 260 bytes of exposition each, until the
    /// exposition is past `bytes`.
    pub(crate) fn fill(&self, bytes: usize) {
        let counter = self.provider.meter("shop").u64_counter("shop.orders").build();
        let padding = "p".repeat(200);
        for i in 0..bytes / 250 {
            counter.add(1, &[KeyValue::new("order", format!("{padding}{i}"))]);
        }
    }
}

/// This machine's largest TCP send buffer (the maximum of `tcp_wmem`; 4 MiB when it
/// cannot be read): an answer past it blocks on a client that does not read.
pub(crate) fn send_buffer_max() -> usize {
    std::fs::read_to_string("/proc/sys/net/ipv4/tcp_wmem")
        .ok()
        .and_then(|t| t.split_whitespace().nth(2).and_then(|n| n.parse().ok()))
        .unwrap_or(4 << 20)
}

/// A provider whose streams keep up to 100,000 series (large expositions), served
/// under `limits` on a free loopback port.
pub(crate) fn start(limits: PrometheusListenerLimits) -> (Served, SocketAddr) {
    let reader = PrometheusReader::new(None);
    let provider = SdkMeterProvider::builder()
        .with_reader(reader.clone())
        .with_view(|_: &opentelemetry_sdk::metrics::Instrument| {
            Stream::builder().with_cardinality_limit(100_000).build().ok()
        })
        .build();
    let listener = PrometheusListener::start("127.0.0.1", 0, limits, PrometheusHandler::new(reader))
        .expect("the listener starts");
    let address = listener.address();
    (
        Served {
            provider,
            _listener: listener,
        },
        address,
    )
}

/// `GET /metrics` (or `method`) over a fresh connection: the status line, the
/// `Content-Type` and the body.
pub(crate) async fn scrape(
    address: SocketAddr,
    method: &str,
    accept: Option<&str>,
) -> (String, String, String) {
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("the listener accepts");
    let accept = accept.map(|a| format!("Accept: {a}\r\n")).unwrap_or_default();
    let request = format!("{method} /metrics HTTP/1.1\r\nHost: test\r\n{accept}Connection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("the request is sent");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("a response");
    let (head, body) = response.split_once("\r\n\r\n").expect("a response head");
    let status = head.lines().next().unwrap_or_default().to_owned();
    let content_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(str::to_owned)
        })
        .unwrap_or_default();
    (status, content_type, body.to_owned())
}
