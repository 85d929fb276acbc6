//! The shop's business metrics, declared with otel-kit-init's `app_metrics`: each with
//! its UCUM unit and the only attribute keys it may carry.
//!
//! | metric | instrument, unit | attributes | recorded by |
//! | --- | --- | --- | --- |
//! | `shop.orders.placed` | counter, `{order}` | `shop.order.outcome` | frontend |
//! | `shop.checkout.duration` | histogram, `s` | `shop.payment.method` | frontend |
//! | `shop.payment.amount` | counter, `{USD}` | `shop.payment.method` | payments |

use std::time::Duration;

use otel_kit::app_metrics::{AppCounter, AppMetricError, DurationHistogram};
use otel_kit::opentelemetry::KeyValue;
use otel_kit::opentelemetry::metrics::Meter;

/// Orders by outcome: [`OUTCOME_CONFIRMED`], `declined`, `rejected` or `failed`.
pub(crate) const ORDERS_PLACED: &str = "shop.orders.placed";
/// Time from `POST /checkout` to the answer.
pub(crate) const CHECKOUT_DURATION: &str = "shop.checkout.duration";
/// Money charged, in US dollars.
pub(crate) const PAYMENT_AMOUNT: &str = "shop.payment.amount";
/// How a checkout ended.
pub(crate) const ORDER_OUTCOME: &str = "shop.order.outcome";
/// The card network: `visa`, `mastercard` or `other`.
pub(crate) const PAYMENT_METHOD: &str = "shop.payment.method";

/// The order was placed, charged and confirmed.
pub(crate) const OUTCOME_CONFIRMED: &str = "confirmed";
/// The card was declined.
pub(crate) const OUTCOME_DECLINED: &str = "declined";
/// Unknown product, out of stock, or already placed.
pub(crate) const OUTCOME_REJECTED: &str = "rejected";
/// A service failed.
pub(crate) const OUTCOME_FAILED: &str = "failed";

/// The frontend's business metrics.
#[derive(Clone, Debug)]
pub(crate) struct CheckoutMetrics {
    orders: AppCounter<u64>,
    duration: DurationHistogram,
}

impl CheckoutMetrics {
    pub(crate) fn new(meter: &Meter) -> Result<Self, AppMetricError> {
        Ok(CheckoutMetrics {
            orders: AppCounter::builder(ORDERS_PLACED, "{order}")
                .description("Checkouts, by how they ended.")
                .attributes([ORDER_OUTCOME])
                .build(meter)?,
            duration: DurationHistogram::builder(CHECKOUT_DURATION)
                .description("Time from a checkout request to its answer.")
                .attributes([PAYMENT_METHOD])
                .build(meter)?,
        })
    }

    /// One checkout that ended with `outcome` after `took`, paid with `card`.
    pub(crate) fn checkout(&self, outcome: &'static str, took: Duration, card: &str) {
        self.orders.add(1, &[KeyValue::new(ORDER_OUTCOME, outcome)]);
        self.duration
            .record(took, &[KeyValue::new(PAYMENT_METHOD, payment_method(card))]);
    }
}

/// The payments service's business metric.
#[derive(Clone, Debug)]
pub(crate) struct PaymentMetrics {
    amount: AppCounter<f64>,
}

impl PaymentMetrics {
    pub(crate) fn new(meter: &Meter) -> Result<Self, AppMetricError> {
        Ok(PaymentMetrics {
            amount: AppCounter::builder(PAYMENT_AMOUNT, "{USD}")
                .description("Money charged.")
                .attributes([PAYMENT_METHOD])
                .build(meter)?,
        })
    }

    /// A charge of `cents` to `card`.
    pub(crate) fn charged(&self, cents: i64, card: &str) {
        self.amount.add(
            cents.max(0) as f64 / 100.0,
            &[KeyValue::new(PAYMENT_METHOD, payment_method(card))],
        );
    }
}

/// The card network from the card number's first digit (never the number itself).
fn payment_method(card: &str) -> &'static str {
    match card.as_bytes().first() {
        Some(b'4') => "visa",
        Some(b'5') => "mastercard",
        _ => "other",
    }
}
