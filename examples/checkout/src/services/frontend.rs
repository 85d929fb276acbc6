//! `frontend`: the shop's HTTP API (axum); calls `orders` over gRPC.
//!
//! Instrumentation: `otel_kit_http::ServerLayer` on the router, and `otel_kit_grpc::ClientLayer`
//! (with the channel's target, for `server.address`) around the tonic channel, both
//! given the frontend's providers.

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::{Json, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use otel_kit_http::Providers;
use serde::Deserialize;
use serde_json::json;
use tonic::Code;
use tonic::transport::Endpoint;

use crate::proto::PlaceOrderRequest;
use crate::proto::orders_client::OrdersClient;

type Orders = OrdersClient<otel_kit_grpc::ClientService<tonic::transport::Channel>>;

/// The body of `POST /checkout`.
#[derive(Deserialize)]
struct Checkout {
    sku: String,
    quantity: u32,
    card: String,
    email: String,
    /// Sent again by a client that retries; a new one is made when absent.
    #[serde(default)]
    idempotency_key: String,
}

/// Serves on `listener` until `shutdown` completes, then drains the requests in flight;
/// records to `providers`; call inside the frontend runtime. The returned task ends when
/// the server has drained.
pub(crate) fn start(
    listener: tokio::net::TcpListener,
    orders_addr: SocketAddr,
    providers: Providers,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<tokio::task::JoinHandle<std::io::Result<()>>, Box<dyn std::error::Error>> {
    let endpoint = Endpoint::from_shared(format!("http://{orders_addr}"))?;
    let channel = tower::ServiceBuilder::new()
        .layer(otel_kit_grpc::ClientLayer::new(endpoint.uri()).providers(providers.clone()))
        .service(endpoint.connect_lazy());
    let app = Router::new()
        .route("/checkout", post(checkout))
        .route("/healthz", get(|| async { "ok" }))
        .layer(
            otel_kit_http::ServerLayer::new()
                .active_requests(true)
                .providers(providers),
        )
        .with_state(OrdersClient::new(channel));
    Ok(tokio::spawn(async move {
        axum::serve(listener, app).with_graceful_shutdown(shutdown).await
    }))
}

async fn checkout(State(mut orders): State<Orders>, Json(checkout): Json<Checkout>) -> Response {
    let request = PlaceOrderRequest {
        sku: checkout.sku,
        quantity: checkout.quantity,
        card: checkout.card,
        email: checkout.email,
        idempotency_key: checkout.idempotency_key,
    };
    match orders.place_order(request).await {
        Ok(reply) => {
            let reply = reply.into_inner();
            let body = json!({"order_id": reply.order_id, "amount_cents": reply.amount_cents});
            (StatusCode::CREATED, Json(body)).into_response()
        }
        Err(status) => {
            let code = match status.code() {
                Code::NotFound => StatusCode::NOT_FOUND,
                Code::FailedPrecondition => StatusCode::PAYMENT_REQUIRED,
                Code::ResourceExhausted | Code::AlreadyExists => StatusCode::CONFLICT,
                _ => StatusCode::BAD_GATEWAY,
            };
            (code, Json(json!({"error": status.message()}))).into_response()
        }
    }
}
