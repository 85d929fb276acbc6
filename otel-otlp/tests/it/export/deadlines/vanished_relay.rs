//! A collector that worked, then vanished without a reset: a relay (a load balancer, a
//! NAT) that stops forwarding and holds both sockets open, so that no error ever comes
//! back. The export in the fault ends within its timeout; once the relay forwards new
//! connections again, the next export goes through without a restart, though the old
//! connection stays dead. The exporters' connections carry TCP keep-alive.

use std::sync::Arc;
use std::time::{Duration, Instant};

use otel_kit_otlp::{Protocol, SpanExporter};
use otel_kit_testing::TestCollector;

use super::relay::Relay;
use super::{MARGIN, TIMEOUT, timed_export};

/// The kernel's keep-alive timer on the TCP socket from 127.0.0.1:`local` to
/// 127.0.0.1:`remote`, in seconds left, from `/proc/net/tcp`: `None` when the socket
/// has none running (`tr` 2 is the keep-alive timer; `when` is in 1/100 s).
fn keep_alive_timer(local: u16, remote: u16) -> Option<f64> {
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    let (local, remote) = (format!("0100007F:{local:04X}"), format!("0100007F:{remote:04X}"));
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.get(1) != Some(&local.as_str()) || fields.get(2) != Some(&remote.as_str()) {
            return None;
        }
        let (active, when) = fields.get(5)?.split_once(':')?;
        if active != "02" {
            return None;
        }
        u64::from_str_radix(when, 16).ok().map(|t| t as f64 / 100.0)
    })
}

async fn exporter(protocol: Protocol, relay: &Relay) -> Arc<SpanExporter> {
    let endpoint = match protocol {
        Protocol::Grpc => format!("http://{}", relay.addr()),
        Protocol::HttpProtobuf | Protocol::HttpJson => format!("http://{}/v1/traces", relay.addr()),
    };
    Arc::new(
        SpanExporter::builder()
            .with_protocol(protocol)
            .with_endpoint(endpoint)
            .with_timeout(TIMEOUT)
            .build()
            .expect("exporter"),
    )
}

async fn export(exporter: &Arc<SpanExporter>) -> (Duration, Result<(), String>) {
    let exporter = Arc::clone(exporter);
    let run = tokio::task::spawn_blocking(move || timed_export(&exporter, TIMEOUT + MARGIN))
        .await
        .expect("join");
    match run {
        Some((took, result)) => (took, result.map_err(|e| e.to_string())),
        None => (TIMEOUT + MARGIN, Err("still waiting".to_owned())),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_relay_vanished_and_came_back_export_resumes_without_a_restart() {
    for protocol in [Protocol::Grpc, Protocol::HttpProtobuf] {
        let name = protocol.as_str();
        let collector = TestCollector::start().await.expect("collector");
        let relay = Relay::start(collector.addr()).await;
        let exporter = exporter(protocol, &relay).await;

        let (_, healthy) = export(&exporter).await;
        healthy.unwrap_or_else(|e| panic!("{name}: through the relay: {e}"));
        // TCP keep-alive is on: the kernel runs its timer on the exporter's socket, due
        // within the 60 s idle time.
        let client = *relay.clients().last().expect("a connection");
        if cfg!(target_os = "linux") {
            let deadline = Instant::now() + Duration::from_secs(2);
            let timer = loop {
                match keep_alive_timer(client.port(), relay.addr().port()) {
                    Some(left) => break Some(left),
                    None if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(50)).await,
                    None => break None,
                }
            };
            let left = timer.unwrap_or_else(|| panic!("{name}: no keep-alive timer on {client}"));
            assert!(left > 0.0 && left <= 60.0, "{name}: keep-alive due in {left} s");
        }

        relay.vanish();
        let (took, lost) = export(&exporter).await;
        assert!(
            lost.is_err() && took < TIMEOUT + MARGIN,
            "{name}: in the fault: {lost:?} after {took:?}"
        );
        eprintln!("{name}: in the fault, failed after {took:?}");

        relay.come_back();
        let started = Instant::now();
        let (took, resumed) = export(&exporter).await;
        resumed.unwrap_or_else(|e| panic!("{name}: the first export after the fault: {e} after {took:?}"));
        eprintln!(
            "{name}: the first export after the fault went through in {:?}",
            started.elapsed()
        );
        let requests = collector.requests().len();
        assert_eq!(
            requests, 2,
            "{name}: the healthy export and the one after the fault"
        );
    }
}
