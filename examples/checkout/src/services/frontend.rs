//! `frontend`: the shop's HTTP API (axum); calls `orders` over gRPC.
//!
//! Instrumentation: `otel_kit::http::ServerLayer` on the router, and `otel_kit::grpc::ClientLayer`
//! (with the channel's target, for `server.address`) around the tonic channel, both
//! given the frontend's providers. Each checkout also counts as a business fact
//! (`business_metrics.rs`): its outcome and its duration by payment method.

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::{Json, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use otel_kit::http::Providers;
use serde::Deserialize;
use serde_json::json;
use tonic::Code;
use tonic::transport::Endpoint;

use super::business_metrics::{
    CheckoutMetrics, OUTCOME_CONFIRMED, OUTCOME_DECLINED, OUTCOME_FAILED, OUTCOME_REJECTED,
};
use crate::proto::PlaceOrderRequest;
use crate::proto::orders_client::OrdersClient;

type Orders = OrdersClient<otel_kit::grpc::ClientService<tonic::transport::Channel>>;

/// The handler's state: the orders client and the business metrics.
#[derive(Clone)]
struct Shop {
    orders: Orders,
    metrics: CheckoutMetrics,
}

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
    (providers, metrics): (Providers, CheckoutMetrics),
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<tokio::task::JoinHandle<std::io::Result<()>>, Box<dyn std::error::Error>> {
    let endpoint = Endpoint::from_shared(format!("http://{orders_addr}"))?;
    let channel = tower::ServiceBuilder::new()
        .layer(otel_kit::grpc::ClientLayer::new(endpoint.uri()).providers(providers.clone()))
        .service(endpoint.connect_lazy());
    let app = Router::new()
        .route("/checkout", post(checkout))
        .route("/healthz", get(|| async { "ok" }))
        .layer(
            otel_kit::http::ServerLayer::new()
                .active_requests(true)
                .providers(providers),
        )
        .with_state(Shop {
            orders: OrdersClient::new(channel),
            metrics,
        });
    Ok(tokio::spawn(async move {
        axum::serve(listener, app).with_graceful_shutdown(shutdown).await
    }))
}

async fn checkout(State(shop): State<Shop>, Json(checkout): Json<Checkout>) -> Response {
    let started = std::time::Instant::now();
    let mut orders = shop.orders;
    let card = checkout.card;
    let request = PlaceOrderRequest {
        sku: checkout.sku,
        quantity: checkout.quantity,
        card: card.clone(),
        email: checkout.email,
        idempotency_key: checkout.idempotency_key,
    };
    let (outcome, response) = match orders.place_order(request).await {
        Ok(reply) => {
            let reply = reply.into_inner();
            let body = json!({"order_id": reply.order_id, "amount_cents": reply.amount_cents});
            (
                OUTCOME_CONFIRMED,
                (StatusCode::CREATED, Json(body)).into_response(),
            )
        }
        Err(status) => {
            let (outcome, code) = match status.code() {
                Code::NotFound => (OUTCOME_REJECTED, StatusCode::NOT_FOUND),
                Code::FailedPrecondition => (OUTCOME_DECLINED, StatusCode::PAYMENT_REQUIRED),
                Code::ResourceExhausted | Code::AlreadyExists => (OUTCOME_REJECTED, StatusCode::CONFLICT),
                _ => (OUTCOME_FAILED, StatusCode::BAD_GATEWAY),
            };
            (
                outcome,
                (code, Json(json!({"error": status.message()}))).into_response(),
            )
        }
    };
    shop.metrics.checkout(outcome, started.elapsed(), &card);
    response
}
