//! The exporter's own listener against hostile clients, over real TCP: a thousand silent
//! connections neither lock a scrape out nor hold the service's file descriptors, half
//! a request head and an idle connection are cut off, a client that never reads frees
//! the exposition at the write timeout, and paths other than `/metrics` get `404`
//! without a collection.

use std::time::{Duration, Instant};

use opentelemetry::metrics::MeterProvider as _;
use otel_kit_prometheus::PrometheusListenerLimits;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::own_process::ran_in_own_process;
use crate::served::{scrape, send_buffer_max, start};

/// Reads until the peer closes (or resets) the connection, at most `within`: what came,
/// and when it ended (`None`: still open at `within`).
pub(super) async fn read_until_closed(
    stream: &mut TcpStream,
    within: Duration,
) -> (Vec<u8>, Option<Duration>) {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let left = within.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Err(_) => return (received, None),
            Ok(Ok(0) | Err(_)) => return (received, Some(started.elapsed())),
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
        }
    }
}

/// The descriptors this process has open.
fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").expect("/proc/self/fd").count()
}

/// Lets this process open `wanted` descriptors, up to its hard limit: a thousand client
/// sockets beside the listener's need more than a common soft limit of 1024.
fn raise_descriptor_limit(wanted: u64) {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let current = limit.current.unwrap_or(u64::MAX);
    if current >= wanted {
        return;
    }
    let raised = limit.maximum.map_or(wanted, |hard| hard.min(wanted));
    setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(raised),
            maximum: limit.maximum,
        },
    )
    .expect("raise the soft descriptor limit");
}

/// In its own process, where every descriptor is this test's.
#[test]
fn a_thousand_silent_connections_neither_lock_a_scrape_out_nor_hold_a_thousand_descriptors() {
    if ran_in_own_process(
        module_path!(),
        "a_thousand_silent_connections_neither_lock_a_scrape_out_nor_hold_a_thousand_descriptors",
    ) {
        return;
    }
    raise_descriptor_limit(4096);
    let limits = PrometheusListenerLimits::DEFAULT;
    let (telemetry, address) = start(limits);
    telemetry
        .meter_provider()
        .meter("shop")
        .u64_counter("shop.orders")
        .build()
        .add(1, &[]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let before = open_descriptors();
    let silent: Vec<std::net::TcpStream> = (0..1000)
        .map(|i| std::net::TcpStream::connect(address).unwrap_or_else(|e| panic!("connection {i}: {e}")))
        .collect();
    // The listener accepts them all (each one past the cap closing an older one).
    std::thread::sleep(Duration::from_millis(500));
    let held = open_descriptors() - before - silent.len();
    assert!(
        held <= limits.max_connections + 4,
        "the listener holds {held} descriptors for 1000 silent connections (cap {})",
        limits.max_connections
    );
    let (status, _, body) = runtime.block_on(async {
        tokio::time::timeout(Duration::from_secs(5), scrape(address, "GET", None))
            .await
            .expect("a real scrape is answered within 5 s beside 1000 silent connections")
    });
    assert_eq!(status, "HTTP/1.1 200 OK", "{body}");
    assert!(body.contains("shop_orders_total"), "{body}");
    println!(
        "1000 silent connections: the listener held {held} descriptors (cap {})",
        limits.max_connections
    );
    drop(silent);
}

#[tokio::test(flavor = "multi_thread")]
async fn half_a_request_head_is_cut_off_at_the_header_read_timeout() {
    let header_read_timeout = Duration::from_secs(1);
    // The idle timeout far out of the way: only the header-read timeout can close it.
    let (_telemetry, address) = start(PrometheusListenerLimits {
        header_read_timeout,
        idle_timeout: Duration::from_secs(60),
        ..PrometheusListenerLimits::DEFAULT
    });
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: test\r\nX-Half: ")
        .await
        .expect("half a head");
    let (received, closed) = read_until_closed(&mut stream, Duration::from_secs(15)).await;
    let closed = closed.expect("the connection is closed within 15 s");
    assert!(
        closed >= header_read_timeout - Duration::from_millis(200)
            && closed <= header_read_timeout + Duration::from_secs(2),
        "closed after {closed:?}, not at the header-read timeout"
    );
    let answer = String::from_utf8_lossy(&received);
    assert!(!answer.contains("200 OK"), "{answer}");
}

/// hyper's header-read timer also runs while it waits for a request head (on a fresh
/// connection and between kept-alive requests) and closes quietly: it is set far out of
/// the way here, so only the idle timeout can close these connections in time.
#[tokio::test(flavor = "multi_thread")]
async fn a_silent_or_idle_connection_is_closed_at_the_idle_timeout() {
    let idle_timeout = Duration::from_secs(1);
    let (_telemetry, address) = start(PrometheusListenerLimits {
        idle_timeout,
        header_read_timeout: Duration::from_secs(60),
        ..PrometheusListenerLimits::DEFAULT
    });
    let at_the_idle_timeout = |closed: Duration| {
        closed >= idle_timeout - Duration::from_millis(200) && closed <= idle_timeout + Duration::from_secs(2)
    };
    // Connected, then nothing.
    let mut silent = TcpStream::connect(address).await.expect("connect");
    let (received, closed) = read_until_closed(&mut silent, Duration::from_secs(15)).await;
    let closed = closed.expect("the silent connection is closed within 15 s");
    assert!(received.is_empty() && at_the_idle_timeout(closed), "{closed:?}");

    // One scrape on a kept-alive connection, then nothing.
    let mut idle = TcpStream::connect(address).await.expect("connect");
    idle.write_all(b"GET /metrics HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .expect("request");
    let (received, closed) = read_until_closed(&mut idle, Duration::from_secs(15)).await;
    assert!(String::from_utf8_lossy(&received).starts_with("HTTP/1.1 200 OK"));
    let closed = closed.expect("the kept-alive connection is closed within 15 s");
    assert!(at_the_idle_timeout(closed), "closed {closed:?} after the request");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_never_reads_is_cut_off_at_the_write_timeout() {
    let write_timeout = Duration::from_secs(1);
    let (telemetry, address) = start(PrometheusListenerLimits {
        write_timeout,
        ..PrometheusListenerLimits::DEFAULT
    });
    // An exposition well past what the kernel buffers of both ends can hold (this
    // machine's largest send buffer twice over, and at least 10 MB).
    let wanted = (2 * send_buffer_max() + (2 << 20)).max(10 << 20);
    telemetry.fill(wanted);
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("a small receive buffer");
    let mut stream = socket.connect(address).await.expect("connect");
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .await
        .expect("request");
    // Not reading, for three times the write timeout.
    tokio::time::sleep(write_timeout * 3).await;
    let (received, closed) = read_until_closed(&mut stream, Duration::from_secs(30)).await;
    assert!(closed.is_some(), "the connection ends");
    let text = String::from_utf8_lossy(&received);
    let (head, body) = text.split_once("\r\n\r\n").expect("the answer's head came");
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_owned)
        })
        .expect("a content-length")
        .trim()
        .parse()
        .expect("a number");
    assert!(
        length > wanted,
        "the exposition is {length} bytes, not past {wanted}"
    );
    assert!(
        body.len() < length,
        "all {length} bytes arrived: the listener waited for the client that did not read"
    );
    println!("a client that never read got {} of {length} bytes", body.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn every_path_but_metrics_is_404_without_a_collection() {
    let (_telemetry, address) = start(PrometheusListenerLimits::DEFAULT);
    for (method, path, expected) in [
        ("GET", "/", "404"),
        ("GET", "/metrics/", "404"),
        ("GET", "/metricsx", "404"),
        ("GET", "/favicon.ico", "404"),
        ("HEAD", "/debug/pprof", "404"),
        ("POST", "/", "404"),
        ("GET", "/metrics?name[]=x", "200"),
        ("POST", "/metrics", "405"),
    ] {
        let mut stream = TcpStream::connect(address).await.expect("connect");
        let request = format!("{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.expect("request");
        let (received, _) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
        let answer = String::from_utf8_lossy(&received);
        let status = answer.lines().next().unwrap_or_default();
        assert!(
            status.starts_with(&format!("HTTP/1.1 {expected}")),
            "{method} {path}: {answer}"
        );
        if expected == "404" {
            assert!(
                !answer.contains("target_info"),
                "{method} {path} rendered a collection: {answer}"
            );
        }
    }
}
