//! A peer that accepts the connection and then says nothing: a collector behind
//! `https://` that never starts the TLS handshake, a proxy that accepts `CONNECT` and
//! never answers, a plain collector that never answers. Every export ends within the
//! timeout, on both protocols, the second as the first (nothing is left waiting).

use std::sync::Arc;

use otel_kit_otlp::{Protocol, Proxy, SpanExporter};
use otel_kit_testing::BlackHole;

use super::{MARGIN, TIMEOUT, certificate, timed_export};

/// One way to reach a silent peer.
struct Cell {
    name: &'static str,
    protocol: Protocol,
    endpoint: String,
    proxy: Option<Proxy>,
    ca: Option<String>,
}

fn cells(hole: &BlackHole, silent_proxy: &BlackHole, ca: &str) -> Vec<Cell> {
    let https = format!("https://{}", hole.addr());
    let plain = hole.endpoint();
    // The collector behind the proxy is never reached: any address will do.
    let behind_proxy = |scheme: &str| format!("{scheme}://127.0.0.1:9");
    let proxy = || Some(Proxy::new(&silent_proxy.endpoint()).expect("proxy"));
    let mut cells = Vec::new();
    for protocol in [Protocol::Grpc, Protocol::HttpProtobuf] {
        let path = match protocol {
            Protocol::Grpc => "",
            Protocol::HttpProtobuf | Protocol::HttpJson => "/v1/traces",
        };
        cells.extend([
            Cell {
                name: "silent before the TLS handshake",
                protocol,
                endpoint: format!("{https}{path}"),
                proxy: None,
                ca: Some(ca.to_owned()),
            },
            Cell {
                name: "silent after the connection (plain)",
                protocol,
                endpoint: format!("{plain}{path}"),
                proxy: None,
                ca: None,
            },
            Cell {
                name: "a proxy silent after CONNECT (plain endpoint)",
                protocol,
                endpoint: format!("{}{path}", behind_proxy("http")),
                proxy: proxy(),
                ca: None,
            },
            Cell {
                name: "a proxy silent after CONNECT (https endpoint)",
                protocol,
                endpoint: format!("{}{path}", behind_proxy("https")),
                proxy: proxy(),
                ca: Some(ca.to_owned()),
            },
        ]);
    }
    cells
}

fn exporter(cell: &Cell) -> Arc<SpanExporter> {
    let mut builder = SpanExporter::builder()
        .with_protocol(cell.protocol)
        .with_endpoint(cell.endpoint.clone())
        .with_timeout(TIMEOUT);
    if let Some(ca) = &cell.ca {
        builder = builder.with_ca_certificate(ca.clone());
    }
    if let Some(proxy) = &cell.proxy {
        builder = builder.with_proxy(proxy.clone());
    }
    Arc::new(builder.build().expect("exporter"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_peer_ends_every_export_within_its_timeout() {
    let hole = BlackHole::start().await.expect("black hole");
    let silent_proxy = BlackHole::start().await.expect("silent proxy");
    let (ca, _) = certificate();
    let limit = TIMEOUT + MARGIN;
    // Every cell at once, each on a thread of its own: two exports one after the other.
    let runs: Vec<_> = cells(&hole, &silent_proxy, &ca)
        .into_iter()
        .map(|cell| {
            std::thread::spawn(move || {
                let exporter = exporter(&cell);
                let first = timed_export(&exporter, limit);
                let second = timed_export(&exporter, limit);
                (cell.protocol, cell.name, [first, second])
            })
        })
        .collect();
    let results = tokio::task::spawn_blocking(move || {
        runs.into_iter()
            .map(|run| run.join().expect("cell"))
            .collect::<Vec<_>>()
    })
    .await
    .expect("join");
    let mut failures = Vec::new();
    for (protocol, name, exports) in results {
        for (which, run) in ["first", "second"].into_iter().zip(exports) {
            let cell = format!("{} / {name} / {which}", protocol.as_str());
            match run {
                Some((took, Err(_))) if took < limit => eprintln!("{cell}: failed after {took:?}"),
                Some((took, result)) => failures.push(format!("{cell}: {result:?} after {took:?}")),
                None => failures.push(format!("{cell}: still waiting after {limit:?}")),
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
