//! `orders`: places orders over gRPC (tonic): reserve stock, charge the card, queue the
//! confirmation.
//!
//! Instrumentation: `otel_kit::grpc::ServerLayer` on the server, and
//! `otel_kit::http::ClientMiddleware` on the reqwest client that calls `payments`, both
//! given orders' providers. The database, its cache and the queue are instrumented in
//! `inventory.rs`, `inventory_cache.rs` and `notifications/`.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use otel_kit::grpc::Providers;
use reqwest_middleware::ClientWithMiddleware;
use serde_json::json;
use tonic::transport::server::TcpIncoming;
use tonic::{Request, Response, Status};

use super::inventory::{Inventory, ReserveError};
use super::notifications::{Confirmation, Publisher};
use crate::proto::orders_server::{self, OrdersServer};
use crate::proto::{PlaceOrderReply, PlaceOrderRequest};

/// The service's state.
pub(crate) struct Orders {
    inventory: Inventory,
    payments: ClientWithMiddleware,
    payments_url: String,
    notifications: Publisher,
    /// Keys made here are `{prefix}-{n}`: unique per run, so a database kept between
    /// runs never sees one twice.
    key_prefix: String,
    next_id: AtomicU64,
}

impl Orders {
    /// Calls to payments record to `providers`.
    pub(crate) fn new(
        inventory: Inventory,
        payments_addr: SocketAddr,
        notifications: Publisher,
        providers: Providers,
    ) -> Self {
        let payments = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
            .with(otel_kit::http::ClientMiddleware::default().providers(providers))
            .build();
        Orders {
            inventory,
            payments,
            payments_url: format!("http://{payments_addr}/charge"),
            notifications,
            key_prefix: format!(
                "{:x}",
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_micros()
            ),
            next_id: AtomicU64::new(1),
        }
    }
}

/// Serves on `listener`, recording to `providers`; call inside the orders runtime.
pub(crate) fn start(
    listener: tokio::net::TcpListener,
    orders: Orders,
    providers: Providers,
) -> std::io::Result<SocketAddr> {
    let addr = listener.local_addr()?;
    let server = tonic::transport::Server::builder()
        .layer(otel_kit::grpc::ServerLayer::new().providers(providers))
        .add_service(OrdersServer::new(orders))
        .serve_with_incoming(TcpIncoming::from(listener));
    tokio::spawn(server);
    Ok(addr)
}

#[tonic::async_trait]
impl orders_server::Orders for Orders {
    async fn place_order(
        &self,
        request: Request<PlaceOrderRequest>,
    ) -> Result<Response<PlaceOrderReply>, Status> {
        let order = request.into_inner();
        let key = match order.idempotency_key.as_str() {
            "" => format!(
                "{}-{}",
                self.key_prefix,
                self.next_id.fetch_add(1, Ordering::Relaxed)
            ),
            key => key.to_owned(),
        };
        let price = match self.inventory.reserve(&key, &order.sku, order.quantity).await {
            Ok(price) => price,
            Err(ReserveError::UnknownSku) => {
                return Err(Status::not_found(format!("no such sku: {}", order.sku)));
            }
            Err(ReserveError::OutOfStock) => return Err(Status::resource_exhausted("out of stock")),
            Err(ReserveError::Duplicate) => {
                return Err(Status::already_exists("this checkout was already placed"));
            }
            Err(ReserveError::Database(error)) => {
                tracing::error!(%error, "inventory unavailable");
                return Err(Status::unavailable("inventory unavailable"));
            }
        };
        let amount_cents = price * i64::from(order.quantity);
        let charge = json!({"amount_cents": amount_cents, "card": order.card, "email": order.email});
        let charged = self.payments.post(&self.payments_url).json(&charge).send().await;
        let refused = match charged {
            Ok(response) if response.status().is_success() => None,
            Ok(response) if response.status() == reqwest::StatusCode::PAYMENT_REQUIRED => {
                Some(Status::failed_precondition("payment declined"))
            }
            Ok(response) => Some(Status::internal(format!(
                "payments answered {}",
                response.status()
            ))),
            Err(error) => Some(Status::unavailable(format!("payments unreachable: {error}"))),
        };
        if let Some(status) = refused {
            if let Err(error) = self.inventory.release(&key, &order.sku, order.quantity).await {
                tracing::error!(%error, shop.product.sku = order.sku, "stock not released");
            }
            return Err(status);
        }
        let confirmation = Confirmation {
            order_id: format!("ord-{key}"),
            email: order.email,
        };
        self.notifications.publish(&confirmation).await;
        let order_id = confirmation.order_id;
        tracing::info!(
            shop.order.id = order_id,
            shop.product.sku = order.sku,
            shop.order.quantity = order.quantity,
            "order placed"
        );
        Ok(Response::new(PlaceOrderReply {
            order_id,
            amount_cents: amount_cents.unsigned_abs(),
        }))
    }
}
