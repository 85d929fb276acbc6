//! HTTP/2 pings on the gRPC exporters' connections are on, and conservative: none on an
//! idle connection, none sooner than 300 s after the last frame read; a ping left
//! unanswered for 20 s closes the connection. Watched on the wire, in a relay that reads
//! the frames the exporter sends. About six minutes: runs when `TEST_RELIABILITY` is set.

use std::sync::Arc;
use std::time::{Duration, Instant};

use otel_kit_otlp::{Protocol, SpanExporter};
use otel_kit_testing::TestCollector;

use super::relay::{Frame, Relay};
use super::timed_export;

/// hyper's interval as the exporter sets it, and the time a ping may go unanswered.
const PING_INTERVAL: Duration = Duration::from_secs(300);
const PING_TIMEOUT: Duration = Duration::from_secs(20);
/// Longer than the ping timeout, so that the ping, not the export, ends the connection.
const TIMEOUT: Duration = Duration::from_secs(30);

const PING: u8 = 6;

fn pings(frames: &[Frame], since: Instant) -> Vec<Instant> {
    frames
        .iter()
        .filter(|f| f.kind == PING && f.flags & 1 == 0 && f.at >= since)
        .map(|f| f.at)
        .collect()
}

async fn export(exporter: &Arc<SpanExporter>) -> (Duration, Result<(), String>) {
    let exporter = Arc::clone(exporter);
    let run = tokio::task::spawn_blocking(move || timed_export(&exporter, TIMEOUT + Duration::from_secs(5)))
        .await
        .expect("join");
    match run {
        Some((took, result)) => (took, result.map_err(|e| e.to_string())),
        None => (TIMEOUT, Err("still waiting".to_owned())),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_pings_only_during_a_call_after_five_quiet_minutes_and_give_up_on_a_silent_peer() {
    if std::env::var_os("TEST_RELIABILITY").is_none_or(|v| v.is_empty()) {
        eprintln!("skipped: TEST_RELIABILITY is not set (about six minutes)");
        return;
    }
    let collector = TestCollector::start().await.expect("collector");
    let relay = Relay::start(collector.addr()).await;
    let exporter = Arc::new(
        SpanExporter::builder()
            .with_protocol(Protocol::Grpc)
            .with_endpoint(format!("http://{}", relay.addr()))
            .with_timeout(TIMEOUT)
            .build()
            .expect("exporter"),
    );
    let (_, healthy) = export(&exporter).await;
    healthy.expect("through the relay");

    // Idle past the interval: no ping on a connection without a call.
    let idle = Instant::now();
    tokio::time::sleep(PING_INTERVAL + Duration::from_secs(5)).await;
    assert_eq!(
        pings(&relay.frames(), idle),
        Vec::<Instant>::new(),
        "pinged while idle"
    );

    // A call after five quiet minutes pings at once; the relay no longer forwards, so
    // the ping goes unanswered and the connection is closed 20 s later.
    relay.vanish();
    let call = Instant::now();
    let (took, lost) = export(&exporter).await;
    assert!(lost.is_err(), "{lost:?}");
    let sent = pings(&relay.frames(), call);
    let first = *sent.first().expect("a ping during the call");
    eprintln!(
        "ping {:?} after the call started; export failed after {took:?}",
        first - call
    );
    assert!(
        first - call < Duration::from_secs(2),
        "pinged {:?} after the call started",
        first - call
    );
    let closed = relay
        .closed()
        .into_iter()
        .find(|at| *at > first)
        .expect("the unanswered ping closed the connection");
    eprintln!("connection closed {:?} after the ping", closed - first);
    assert!(
        closed - first >= PING_TIMEOUT - Duration::from_secs(1)
            && closed - first < PING_TIMEOUT + Duration::from_secs(5),
        "closed {:?} after the ping",
        closed - first
    );

    relay.come_back();
    let (_, resumed) = export(&exporter).await;
    resumed.expect("after the fault");
}
