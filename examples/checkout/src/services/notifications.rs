//! `notifications`: a worker fed through a queue (a tokio channel), continuing each
//! order's trace from the message's headers, as it would from Kafka or SQS headers.
//!
//! Instrumentation: the producer opens a PRODUCER span with its service's tracer and
//! injects its context into the message headers with its service's propagators; the
//! worker extracts it with its own and opens a CONSUMER span under it. The worker has
//! the LLM draft each confirmation, streamed: `record_chunk()` per chunk gives
//! `gen_ai.client.operation.time_to_first_chunk`, `openai::ChatStream` the token usage.

use std::collections::HashMap;
use std::time::Duration;

use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry::trace::{FutureExt as _, SpanKind, TraceContextExt as _, Tracer as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::trace::SdkTracer;
use otel_kit_genai::openai::{self, ApiError, ChatStream};
use otel_kit_init::propagation::Propagators;
use serde_json::json;
use tokio::sync::mpsc;

/// The order a notification is about. The demo's own attributes (this one, and the
/// `shop.*` fields of its log lines) live under the `shop.` namespace, as the attribute
/// naming rules ask of names outside the semantic conventions.
const ORDER_ID: &str = "shop.order.id";

use super::llm::Llm;

/// The queue's name: the spans are `send notifications` and `process notifications`.
const QUEUE: &str = "notifications";

/// The instrumentation scope of the queue's spans.
pub(crate) const SCOPE: &str = "checkout.notifications";

/// Messages the worker processes at once.
const WORKER_CONCURRENCY: usize = 16;

/// How many messages the queue holds before `publish` waits.
const QUEUE_CAPACITY: usize = 1024;

/// A message on the queue: headers (the trace context) and the payload.
pub(crate) struct Message {
    headers: HashMap<String, String>,
    order_id: String,
}

/// The sending end, held by `orders`, with the tracer and propagators of `orders`.
#[derive(Clone)]
pub(crate) struct Publisher {
    sender: mpsc::Sender<Message>,
    tracer: SdkTracer,
    propagators: Propagators,
}

/// A new queue: the publisher for `orders`, whose spans go to `tracer` and whose
/// headers `propagators` write, and the receiver for [`run_worker`].
pub(crate) fn queue(tracer: SdkTracer, propagators: Propagators) -> (Publisher, mpsc::Receiver<Message>) {
    let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
    let publisher = Publisher {
        sender,
        tracer,
        propagators,
    };
    (publisher, receiver)
}

impl Publisher {
    /// Queues the confirmation of `order_id`, in a PRODUCER span under the current one.
    pub(crate) async fn publish(&self, order_id: &str) {
        let span = self
            .tracer
            .span_builder(format!("send {QUEUE}"))
            .with_kind(SpanKind::Producer)
            .start(&self.tracer);
        let cx = Context::current_with_span(span);
        let mut headers = HashMap::new();
        self.propagators.inject_context(&cx, &mut headers);
        let message = Message {
            headers,
            order_id: order_id.to_owned(),
        };
        if self.sender.send(message).await.is_err() {
            tracing::warn!(
                shop.order.id = order_id,
                "notifications queue closed, confirmation not sent"
            );
        }
        cx.span().end();
    }
}

/// Processes messages, [`WORKER_CONCURRENCY`] at a time, until every publisher is gone
/// and the last message is done; call inside the notifications runtime. Its spans go to
/// `tracer`, and `propagators` read the headers.
pub(crate) async fn run_worker(
    mut receiver: mpsc::Receiver<Message>,
    tracer: SdkTracer,
    propagators: Propagators,
    llm: Llm,
) {
    let mut in_flight = tokio::task::JoinSet::new();
    while let Some(message) = receiver.recv().await {
        if in_flight.len() >= WORKER_CONCURRENCY {
            in_flight.join_next().await;
        }
        let (llm, tracer) = (llm.clone(), tracer.clone());
        let parent = propagators.extract(&message.headers);
        in_flight.spawn(async move {
            let span = tracer
                .span_builder(format!("process {QUEUE}"))
                .with_kind(SpanKind::Consumer)
                .with_attributes([KeyValue::new(ORDER_ID, message.order_id.clone())])
                .start_with_context(&tracer, &parent);
            let cx = parent.with_span(span);
            send_confirmation(&llm, &message.order_id)
                .with_context(cx.clone())
                .await;
            cx.span().end();
        });
    }
    in_flight.join_all().await;
}

/// Drafts the confirmation with the LLM, then sends it (the e-mail provider's API call
/// is a short sleep here).
async fn send_confirmation(llm: &Llm, order_id: &str) {
    if let Err(reason) = draft(llm, order_id).await {
        tracing::warn!(shop.order.id = order_id, %reason, "no drafted text, sending the plain confirmation");
    }
    tokio::time::sleep(Duration::from_millis(3)).await;
    tracing::info!(shop.order.id = order_id, "order confirmation sent");
}

/// Why no draft came back.
enum DraftError {
    Api(ApiError),
    Transport(String),
}

/// One streamed chat call; returns once the stream has ended.
async fn draft(llm: &Llm, order_id: &str) -> Result<(), String> {
    let mut request = json!({
        "model": llm.model,
        "stream": true,
        "max_tokens": 120,
        "messages": [
            {"role": "system", "content": "You write short, friendly order confirmations."},
            {"role": "user", "content": format!("Order {order_id} is confirmed.")},
        ],
    });
    openai::request_stream_usage(&mut request);
    let mut call = llm
        .genai
        .start(openai::chat("openai", &request).server_url(&llm.base_url));
    let cx = call.context();
    let streamed = async {
        let transport = |e: &dyn std::fmt::Display| DraftError::Transport(e.to_string());
        let mut response = llm
            .chat_completions(&request)
            .send()
            .await
            .map_err(|e| transport(&e))?;
        let status = response.status().as_u16();
        if status >= 400 {
            let body = response.bytes().await.unwrap_or_default();
            return Err(DraftError::Api(ApiError::from_response(status, &body)));
        }
        let mut stream = ChatStream::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| transport(&e))? {
            call.record_chunk();
            stream.push(&chunk);
        }
        Ok(stream.finish())
    }
    .with_context(cx)
    .await;
    match streamed {
        Ok(response) => {
            call.record_response(&response);
            Ok(())
        }
        Err(DraftError::Api(error)) => {
            let reason = error.to_string();
            call.record_error(&error);
            Err(reason)
        }
        Err(DraftError::Transport(reason)) => {
            call.record_error_type("transport", &reason);
            Err(reason)
        }
    }
}
