//! For the `server*` tests and `parallel_providers`: serve an axum app on 127.0.0.1
//! and build `traceparent` values.

#![allow(unreachable_pub)]

use std::net::SocketAddr;

use axum::Router;

/// Serves `app` (with `ConnectInfo<SocketAddr>`) on an ephemeral port; returns its base URL.
pub async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .await
            .expect("serve");
    });
    format!("http://{addr}")
}

/// A sampled `traceparent` with trace id `trace` (32 hex digits) and parent span id `span`.
pub fn traceparent(trace: &str, span: &str) -> String {
    format!("00-{trace}-{span}-01")
}

/// The trace id of the current OpenTelemetry context, as hex (all zeros when none).
pub fn current_trace_id() -> String {
    use opentelemetry::trace::TraceContextExt as _;
    opentelemetry::Context::current()
        .span()
        .span_context()
        .trace_id()
        .to_string()
}

pub const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
pub const PARENT: &str = "00f067aa0ba902b7";
