//! What the worker does with one message, whichever queue brought it: draft the text
//! with the LLM, then hand it to the e-mail provider (a short sleep here).

use std::fmt;
use std::time::Duration;

use otel_kit::opentelemetry::KeyValue;
use otel_kit::opentelemetry::trace::TraceContextExt as _;
use serde::{Deserialize, Serialize};

use super::draft::draft;
use crate::services::llm::Llm;

/// The order a notification is about. The demo's own attributes (this one, and the
/// `shop.*` fields of its log lines) live under the `shop.` namespace, as the attribute
/// naming rules ask of names outside the semantic conventions.
const ORDER_ID: &str = "shop.order.id";

/// Addresses at this domain are refused by the e-mail provider: `.invalid` never
/// resolves (RFC 2606), which is what the traffic's `Undeliverable` customers use.
pub(crate) const UNDELIVERABLE_DOMAIN: &str = "example.invalid";

/// The message orders publishes: which order, and to whom.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Confirmation {
    pub(crate) order_id: String,
    pub(crate) email: String,
}

/// Why a confirmation was not sent. Neither gets better with a retry, so JetStream
/// terminates such a message rather than redelivering it.
#[derive(Debug)]
pub(crate) enum NotSent {
    /// The e-mail provider refused the address.
    Undeliverable,
    /// The message was not a confirmation (anyone can publish to a subject).
    Malformed(String),
}

impl fmt::Display for NotSent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotSent::Undeliverable => f.write_str("the e-mail provider refused the address"),
            NotSent::Malformed(reason) => write!(f, "not a confirmation: {reason}"),
        }
    }
}

impl std::error::Error for NotSent {}

/// Drafts and sends `confirmation`; called inside its process span, which it gives the
/// order's id (`shop.order.id`). The span fails with this error's type when it does.
pub(crate) async fn send(llm: &Llm, confirmation: &Confirmation) -> Result<(), NotSent> {
    let order_id = confirmation.order_id.as_str();
    otel_kit::opentelemetry::Context::current()
        .span()
        .set_attribute(KeyValue::new(ORDER_ID, order_id.to_owned()));
    if let Err(reason) = draft(llm, order_id).await {
        tracing::warn!(shop.order.id = order_id, %reason, "no drafted text, sending the plain confirmation");
    }
    tokio::time::sleep(Duration::from_millis(3)).await;
    let domain = confirmation.email.rsplit_once('@').map(|(_, domain)| domain);
    if domain == Some(UNDELIVERABLE_DOMAIN) {
        tracing::warn!(
            shop.order.id = order_id,
            "confirmation refused by the e-mail provider"
        );
        return Err(NotSent::Undeliverable);
    }
    tracing::info!(shop.order.id = order_id, "order confirmation sent");
    Ok(())
}
