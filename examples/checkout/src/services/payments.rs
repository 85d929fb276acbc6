//! `payments`: charges cards (axum, HTTP), after an LLM fraud check.
//!
//! Instrumentation: `otel_kit::http::ServerLayer` on the router, given payments' providers. tower-http's
//! `CatchPanicLayer` sits outside it, so a panicking handler becomes a 500 while the
//! server span records `error.type = panic`.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{Json, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use otel_kit::http::Providers;
use serde::Deserialize;
use serde_json::json;
use tower_http::catch_panic::CatchPanicLayer;

use super::business_metrics::PaymentMetrics;
use super::fraud_check::{FraudCheck, Verdict};

/// Cards starting with this are declined (the test-card convention of card processors).
pub(crate) const DECLINED_CARD_PREFIX: &str = "4000000000000002";

/// A charge request from `orders`.
#[derive(Deserialize)]
struct Charge {
    amount_cents: i64,
    card: String,
    email: String,
}

/// What a charge needs: the fraud check, and whether every charge fails (the injected
/// [`Fault::Payments`](crate::Fault::Payments)).
#[derive(Clone)]
struct Charger {
    fraud_check: FraudCheck,
    failing: bool,
    metrics: PaymentMetrics,
}

/// Serves on `listener`, recording to `providers`; call inside the payments runtime.
/// With `failing`, every charge answers 503.
pub(crate) fn start(
    listener: tokio::net::TcpListener,
    (fraud_check, failing, metrics): (FraudCheck, bool, PaymentMetrics),
    providers: Providers,
) -> std::io::Result<SocketAddr> {
    let addr = listener.local_addr()?;
    let app = Router::new()
        .route("/charge", post(charge))
        .layer(otel_kit::http::ServerLayer::new().providers(providers))
        .layer(CatchPanicLayer::new())
        .with_state(Charger {
            fraud_check,
            failing,
            metrics,
        });
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(addr)
}

async fn charge(State(charger): State<Charger>, Json(charge): Json<Charge>) -> Response {
    if charger.failing {
        tracing::error!("charge refused: the payments fault is injected");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"error": "payments_unavailable"})),
        )
            .into_response();
    }
    let fraud_check = charger.fraud_check.clone();
    // The demo's bug: it assumes a 16-digit card number, so a short one panics here.
    // The masked number goes back to the customer, never into telemetry: card digits,
    // even the last four, are not something to record.
    let masked = format!("**** {}", &charge.card[12..16]);
    match fraud_check.check(charge.amount_cents, &charge.email).await {
        Ok(Verdict::Allow) => {}
        Ok(Verdict::Review) => {
            tracing::info!("charge held for review");
            return (StatusCode::ACCEPTED, Json(json!({"status": "review"}))).into_response();
        }
        // Fail open: an unavailable fraud check must not stop the shop.
        Err(reason) => tracing::warn!(
            shop.fraud_check.error = %reason,
            "fraud check unavailable, charge accepted unchecked"
        ),
    }
    if charge.card.starts_with(DECLINED_CARD_PREFIX) {
        tracing::info!(shop.payment.amount_cents = charge.amount_cents, "card declined");
        return (
            StatusCode::PAYMENT_REQUIRED,
            Json(json!({"error": "card_declined"})),
        )
            .into_response();
    }
    charger.metrics.charged(charge.amount_cents, &charge.card);
    tracing::info!(shop.payment.amount_cents = charge.amount_cents, "charged");
    Json(json!({"status": "charged", "card": masked})).into_response()
}
