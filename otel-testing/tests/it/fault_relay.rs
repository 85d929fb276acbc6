//! `FaultRelay` as a client meets it: each fault on the wire, and lifted behind the same
//! address; the collector's retry hint over gRPC (`RetryInfo`).

use std::time::Duration;

use otel_kit_testing::{ExportFailure, FaultRelay, RelayFault, TestCollector};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// An OTLP/HTTP export with an empty JSON body, over a connection of its own.
const REQUEST: &[u8] = b"POST /v1/traces HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";

/// Sends [`REQUEST`] on a new connection; what came back within `wait` (`Err` for a
/// reset), and whether the connection was still open then.
async fn exchange(relay: &FaultRelay, wait: Duration) -> std::io::Result<Vec<u8>> {
    let mut socket = TcpStream::connect(relay.addr()).await?;
    socket.write_all(REQUEST).await?;
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, socket.read(&mut buf)).await {
            Err(_) | Ok(Ok(0)) => return Ok(answer),
            Ok(Ok(n)) => answer.extend_from_slice(&buf[..n]),
            Ok(Err(e)) => return Err(e),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_on_the_wire_then_lifted_behind_the_same_address() {
    let collector = TestCollector::start().await.expect("collector");
    let relay = FaultRelay::start(collector.addr(), None).await.expect("relay");
    let wait = Duration::from_millis(500);
    let ok = exchange(&relay, wait).await.expect("relayed");
    assert!(
        ok.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&ok)
    );

    relay.set_fault(RelayFault::Refuse);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let refused = TcpStream::connect(relay.addr()).await.expect_err("refused");
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);

    for silent in [
        RelayFault::SilentOnAccept,
        RelayFault::SilentAfterRequest,
        RelayFault::Vanish,
    ] {
        relay.set_fault(silent);
        // Leaving `Refuse` binds the port again, on the relay's task.
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(exchange(&relay, wait).await.expect("held"), b"", "{silent:?}");
    }

    relay.set_fault(RelayFault::Garbage);
    let garbage = exchange(&relay, wait).await.expect("garbage");
    assert!(garbage.len() >= 512 && garbage[0] == 0xFF, "{garbage:?}");

    relay.set_fault(RelayFault::Drip(Duration::from_millis(100)));
    let dripped = exchange(&relay, wait).await.expect("drip");
    assert!(
        (2..=6).contains(&dripped.len()),
        "{} bytes in {wait:?}",
        dripped.len()
    );
    assert!(b"HTTP/1.1 200".starts_with(&dripped));

    relay.set_fault(RelayFault::ResetMidResponse);
    let reset = exchange(&relay, wait).await;
    // The first half of the answer may or may not be read before the reset lands.
    assert!(
        reset
            .as_ref()
            .is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionReset),
        "{reset:?}"
    );

    relay.set_fault(RelayFault::None);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let ok = exchange(&relay, wait).await.expect("relayed again");
    assert!(
        ok.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&ok)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vanished_peer_freezes_the_connections_it_was_relaying() {
    let collector = TestCollector::start().await.expect("collector");
    let relay = FaultRelay::start(collector.addr(), None).await.expect("relay");
    let mut socket = TcpStream::connect(relay.addr()).await.expect("connect");
    let mut buf = [0u8; 4096];
    socket.write_all(REQUEST).await.expect("write");
    let n = socket.read(&mut buf).await.expect("read");
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));

    relay.set_fault(RelayFault::Vanish);
    tokio::time::sleep(Duration::from_millis(50)).await;
    relay.set_fault(RelayFault::None);
    // No reset, no FIN, no answer: the connection looks alive and says nothing.
    socket.write_all(REQUEST).await.expect("write");
    let read = tokio::time::timeout(Duration::from_millis(500), socket.read(&mut buf)).await;
    assert!(read.is_err(), "{read:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grpc_failure_with_a_retry_hint_carries_retry_info() {
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;

    let collector = TestCollector::start().await.expect("collector");
    collector.fail_next(
        1,
        ExportFailure::unavailable().with_retry_after(Duration::from_millis(1500)),
    );
    let mut client = TraceServiceClient::connect(collector.endpoint())
        .await
        .expect("connect");
    let status = client
        .export(ExportTraceServiceRequest::default())
        .await
        .expect_err("failure injected");
    assert_eq!(status.code(), tonic::Code::Unavailable);
    let details = <RpcStatus as prost::Message>::decode(status.details()).expect("google.rpc.Status");
    let info = details
        .details
        .iter()
        .find(|any| any.type_url == "type.googleapis.com/google.rpc.RetryInfo")
        .expect("a RetryInfo");
    let delay = <RetryInfo as prost::Message>::decode(info.value.as_slice())
        .expect("RetryInfo")
        .retry_delay
        .expect("a delay");
    assert_eq!((delay.seconds, delay.nanos), (1, 500_000_000));
}

#[derive(Clone, PartialEq, prost::Message)]
struct RpcStatus {
    #[prost(message, repeated, tag = "3")]
    details: Vec<ProtoAny>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct ProtoAny {
    #[prost(string, tag = "1")]
    type_url: String,
    #[prost(bytes = "vec", tag = "2")]
    value: Vec<u8>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct RetryInfo {
    #[prost(message, optional, tag = "1")]
    retry_delay: Option<ProtoDuration>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct ProtoDuration {
    #[prost(int64, tag = "1")]
    seconds: i64,
    #[prost(int32, tag = "2")]
    nanos: i32,
}
