//! The HTTP scenarios: otel-kit-http's server layer on axum (spans, a log line per
//! request, the duration histogram's points) and its reqwest middleware.

use std::error::Error;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use http_body_util::{BodyExt as _, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use opentelemetry::context::FutureExt as _;

use super::Ids;

type Result<T = ()> = std::result::Result<T, Box<dyn Error>>;

async fn order(Path(id): Path<u64>) -> String {
    // The typical line: a message and one field, inside the request's span.
    tracing::info!(order_id = id, "order shown");
    format!("order {id}: 2 items")
}

async fn listen(router: Router) -> Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(addr)
}

/// `n` GETs of `/orders/{id}` from an untraced client, each with a `traceparent` and a
/// `User-Agent`, as from a traced caller.
pub(super) async fn server(n: usize) -> Result {
    let router = Router::new()
        .route("/orders/{id}", get(order))
        .layer(otel_kit_http::ServerLayer::new());
    let addr = listen(router).await?;
    let paths = (0..n).map(|i| format!("/orders/{}", 10_000 + i));
    get_each(addr, paths).await
}

/// One GET of each of `n` routes (`/api/resource{i}/{id}`) of a `ServerLayer` service.
pub(super) async fn routes(n: usize) -> Result {
    let mut router = Router::new();
    for i in 0..n {
        router = router.route(&format!("/api/resource{i}/{{id}}"), get(|| async { "ok" }));
    }
    let addr = listen(router.layer(otel_kit_http::ServerLayer::new())).await?;
    get_each(addr, (0..n).map(|i| format!("/api/resource{i}/42"))).await
}

async fn get_each(addr: SocketAddr, paths: impl Iterator<Item = String>) -> Result {
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let mut ids = Ids::new();
    for path in paths {
        let request = http::Request::get(format!("http://{addr}{path}"))
            .header("traceparent", ids.traceparent())
            .header("user-agent", "checkout-web/2.3.1 (hyper-util)")
            .body(Empty::new())?;
        let response = client.request(request).await?;
        let status = response.status();
        response.into_body().collect().await?;
        if !status.is_success() {
            return Err(format!("GET {path}: {status}").into());
        }
    }
    Ok(())
}

/// `n` GETs through reqwest with otel-kit-http's `ClientMiddleware`, each under its own
/// remote parent, to an untraced upstream.
pub(super) async fn client(n: usize) -> Result {
    let upstream = listen(Router::new().route(
        "/prices/{id}",
        get(|Path(id): Path<u32>| async move { format!("{}.99", id % 100) }),
    ))
    .await?;
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::builder().no_proxy().build()?)
        .with(otel_kit_http::ClientMiddleware::default())
        .build();
    let mut ids = Ids::new();
    for i in 0..n {
        let parent = ids.remote_parent();
        let response = client
            .get(format!("http://{upstream}/prices/{}", 10_000 + i))
            .send()
            .with_context(parent)
            .await?;
        response.error_for_status()?.text().await?;
    }
    Ok(())
}
