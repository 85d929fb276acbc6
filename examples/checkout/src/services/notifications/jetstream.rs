//! The queue through NATS JetStream, when `NATS_URL` is set: orders and notifications
//! each connect with their own client, as two processes would.
//!
//! Instrumentation: `otel_kit::messaging::nats::Client::builder(client).providers(..)`
//! around each service's async-nats client, and everything through it: orders'
//! `JetStream::publish` (a PRODUCER span `publish notifications.*` whose context goes in
//! the message's headers, ended by the stream's ack), the worker's `Consumer::messages`
//! (counted as consumed), `JetStreamDelivery::process` (a CONSUMER span `process
//! notifications.*`, a child of the producer's) and `ack` / `term` (settle spans inside
//! it).
//!
//! Each run has a stream of its own, `NOTIFICATIONS_<run>` on subject
//! `notifications.<run>`, so runs sharing a server (parallel tests) never see each
//! other's messages; the template `notifications.*` keeps the run id out of span names
//! and metrics. The worker deletes the stream once it has drained it.

use std::time::Duration;

use async_nats::jetstream::consumer::{AckPolicy, pull};
use async_nats::jetstream::stream::{self, RetentionPolicy};
use futures_util::StreamExt as _;
use otel_kit::messaging::Providers;
use otel_kit::messaging::nats::{self, Consumer, JetStreamDelivery};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use super::WORKER_CONCURRENCY;
use super::confirmation::{self, Confirmation, NotSent};
use crate::BoxError;
use crate::services::llm::Llm;

/// The pattern every run's subject matches: `messaging.destination.template`.
const SUBJECT_TEMPLATE: &str = "notifications.*";

/// The durable consumer: `messaging.destination.subscription.name`.
const CONSUMER: &str = "notifications";

/// Messages of a run that never finished (killed) expire with their stream's age.
const MAX_AGE: Duration = Duration::from_secs(3600);

/// How often a draining worker asks the server whether anything is left.
const DRAIN_POLL: Duration = Duration::from_millis(50);

/// This run's stream and subject.
#[derive(Clone, Debug)]
pub(crate) struct Names {
    stream: String,
    subject: String,
}

impl Names {
    /// The names of run `run` (letters and digits only, as NATS names need).
    pub(crate) fn for_run(run: &str) -> Self {
        Names {
            stream: format!("NOTIFICATIONS_{run}"),
            subject: format!("notifications.{run}"),
        }
    }

    /// The stream's name, for the start-up line.
    pub(crate) fn stream(&self) -> &str {
        &self.stream
    }
}

/// A connection named after its service, instrumented with that service's providers.
async fn connect(url: &str, service: &str, providers: Providers) -> Result<nats::Client, BoxError> {
    let client = async_nats::ConnectOptions::new()
        .name(service)
        .connect(url)
        .await?;
    Ok(nats::Client::builder(client)
        .providers(providers)
        .subject_template(SUBJECT_TEMPLATE)
        .build())
}

/// Orders' end: publishes to this run's subject.
#[derive(Clone)]
pub(crate) struct Publisher {
    jetstream: nats::JetStream,
    subject: String,
}

impl Publisher {
    /// Connects to `url` as orders, recording to `providers`; call inside orders' runtime.
    pub(crate) async fn connect(url: String, names: Names, providers: Providers) -> Result<Self, BoxError> {
        let client = connect(&url, "orders", providers).await?;
        Ok(Publisher {
            jetstream: client.jetstream(async_nats::jetstream::new(client.inner().clone())),
            subject: names.subject,
        })
    }

    /// Publishes `confirmation` and waits for the stream to store it.
    pub(crate) async fn publish(&self, confirmation: &Confirmation) {
        let payload = match serde_json::to_vec(confirmation) {
            Ok(payload) => payload,
            Err(error) => {
                tracing::error!(%error, "confirmation not encoded");
                return;
            }
        };
        let stored = match self.jetstream.publish(self.subject.clone(), payload.into()).await {
            Ok(ack) => ack.await.map(drop).map_err(BoxError::from),
            Err(error) => Err(error.into()),
        };
        if let Err(error) = stored {
            tracing::warn!(shop.order.id = confirmation.order_id, %error, "confirmation not queued");
        }
    }
}

/// The worker's end: this run's stream and its durable consumer.
pub(crate) struct Subscription {
    jetstream: nats::JetStream,
    consumer: Consumer,
    stream: String,
}

/// Connects to `url` as notifications, recording to `providers`, and creates this run's
/// stream and consumer; call inside notifications' runtime, before orders publishes.
pub(crate) async fn subscribe(
    url: String,
    names: Names,
    providers: Providers,
) -> Result<Subscription, BoxError> {
    let client = connect(&url, "notifications", providers).await?;
    let jetstream = client.jetstream(async_nats::jetstream::new(client.inner().clone()));
    let stream = jetstream
        .inner()
        .get_or_create_stream(stream::Config {
            name: names.stream.clone(),
            subjects: vec![names.subject],
            // A message is gone once acknowledged: the stream holds only work to do.
            retention: RetentionPolicy::WorkQueue,
            max_age: MAX_AGE,
            ..Default::default()
        })
        .await?;
    let consumer = stream
        .get_or_create_consumer(
            CONSUMER,
            pull::Config {
                durable_name: Some(CONSUMER.to_owned()),
                ack_policy: AckPolicy::Explicit,
                ..Default::default()
            },
        )
        .await?;
    Ok(Subscription {
        consumer: jetstream.consumer(consumer),
        jetstream,
        stream: names.stream,
    })
}

impl Subscription {
    /// Nothing left: every message delivered and acknowledged (or terminated).
    async fn drained(&self) -> bool {
        match self.consumer.inner().get_info().await {
            Ok(info) => info.num_pending == 0 && info.num_ack_pending == 0,
            Err(error) => {
                tracing::warn!(%error, "consumer state unknown");
                false
            }
        }
    }

    async fn delete(&self) {
        // Untraced (`inner()`): the demo's clean-up, not the shop's work.
        if let Err(error) = self.jetstream.inner().delete_stream(&self.stream).await {
            tracing::warn!(%error, stream = self.stream, "stream not deleted");
        }
    }
}

/// Processes messages, [`WORKER_CONCURRENCY`] at a time, until `drain` fires (orders
/// has stopped) and the consumer has nothing left; then deletes the stream. Call inside
/// the notifications runtime.
pub(crate) async fn run_worker(subscription: Subscription, llm: Llm, mut drain: oneshot::Receiver<()>) {
    let mut messages = match subscription.consumer.messages().await {
        Ok(messages) => messages,
        Err(error) => {
            tracing::error!(%error, "notifications not consumed");
            subscription.delete().await;
            return;
        }
    };
    let mut in_flight = JoinSet::new();
    let mut draining = false;
    let mut poll = tokio::time::interval(DRAIN_POLL);
    loop {
        tokio::select! {
            next = messages.next(), if in_flight.len() < WORKER_CONCURRENCY => match next {
                Some(Ok(delivery)) => {
                    in_flight.spawn(process(delivery, llm.clone()));
                }
                // A missed heartbeat and the like: the stream goes on.
                Some(Err(error)) => tracing::warn!(%error, "pulling notifications"),
                None => break,
            },
            Some(_) = in_flight.join_next(), if !in_flight.is_empty() => {}
            // Polled until it fires (or orders is gone), never after.
            _ = &mut drain, if !draining => draining = true,
            _ = poll.tick(), if draining && in_flight.is_empty() => {
                if subscription.drained().await {
                    break;
                }
            }
        }
    }
    drop(messages);
    in_flight.join_all().await;
    subscription.delete().await;
}

/// One message in its process span: sent, then acknowledged; a message that cannot
/// succeed (refused address, not a confirmation) is terminated, never redelivered.
async fn process(delivery: JetStreamDelivery, llm: Llm) -> Result<(), NotSent> {
    delivery
        .process(|message| async move {
            let sent = match serde_json::from_slice::<Confirmation>(&message.payload) {
                Ok(confirmation) => confirmation::send(&llm, &confirmation).await,
                Err(error) => Err(NotSent::Malformed(error.to_string())),
            };
            let settled = match &sent {
                Ok(()) => message.ack().await,
                Err(_) => message.term().await,
            };
            if let Err(error) = settled {
                tracing::warn!(%error, "notification not settled; JetStream will deliver it again");
            }
            sent
        })
        .await
}
