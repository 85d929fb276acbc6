//! The measured process: an axum app behind `ServerLayer`, served by hyper's HTTP/1
//! connection builder with an explicit head buffer bound, and the kit's span queue
//! (otel-kit-init's `init()`, gRPC, default queue) exporting to the flood process's
//! black hole. It prints `listening <port>`, answers `stats` on stdin with the span
//! queue's counts and the live heap (the bytes allocated and not freed), and exits when stdin closes.

use std::io::{BufRead, Write};

use axum::Router;
use axum::routing::get;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use otel_kit_http::ServerLayer;
use otel_kit_http::conventions::HeaderCapture;
use otel_kit_testing::allocations::COUNTING_ALLOCATOR;

/// hyper's HTTP/1 read buffer limit per connection (`max_buf_size`), set explicitly: a
/// hostile head (about 65 KB of target, two values of up to 400 KiB) needs more than
/// hyper's default of 408 KiB, and the bound on memory counts this per connection.
pub(crate) const MAX_BUF_SIZE: usize = 1 << 20;

/// The captured request header the flood fills.
pub(crate) const CAPTURED_HEADER: &str = "x-hostile";

pub(crate) fn serve(mode: &str, collector: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let telemetry = runtime.block_on(async {
        otel_kit_init::builder()
            .service_name("hostile-requests")
            .environment_variables([
                ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.to_owned()),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc".to_owned()),
                ("OTEL_METRICS_EXPORTER", "none".to_owned()),
                ("OTEL_LOGS_EXPORTER", "none".to_owned()),
            ])
            .without_tracing_subscriber()
            .init()
            .expect("init")
    });
    let layer = ServerLayer::new().capture_headers(HeaderCapture::default().request([CAPTURED_HEADER]));
    let layer = match mode {
        "uncapped" => layer.max_request_value_bytes(usize::MAX),
        _ => layer,
    };
    let app = Router::new()
        .route("/items/{id}", get(|| async { "item" }))
        .fallback(|| async { "fallback" })
        .layer(layer);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    runtime.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let service = TowerToHyperService::new(app.clone());
            tokio::spawn(async move {
                // A client that breaks off is no failure of the server.
                let _ = hyper::server::conn::http1::Builder::new()
                    .max_buf_size(MAX_BUF_SIZE)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    println!("listening {port}");
    std::io::stdout().flush().expect("stdout");
    for line in std::io::stdin().lock().lines() {
        if line.expect("stdin") == "stats" {
            let queue = telemetry.span_queue_stats().expect("the OTLP span queue");
            let heap = COUNTING_ALLOCATOR.stats();
            // `stats_alloc` counts a reallocation's growth or shrinkage in these two.
            let live = heap.bytes_allocated.saturating_sub(heap.bytes_deallocated);
            println!("stats {} {} {live}", queue.queued(), queue.dropped());
            std::io::stdout().flush().expect("stdout");
        }
    }
    // The black hole never answers: shutting down would wait for the export timeout.
    std::process::exit(0);
}
