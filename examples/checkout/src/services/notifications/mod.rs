//! `notifications`: sends each placed order's confirmation, fed through a queue, and
//! continues the order's trace from the message's headers. The queue is NATS JetStream
//! when `NATS_URL` is set ([`jetstream`]), else a tokio channel inside the process
//! ([`channel`]); both are traced by otel-kit-messaging, with the same conventions. The
//! work per message is in [`confirmation`]: the LLM drafts the text (streamed), then the
//! e-mail provider sends it.

mod channel;
mod confirmation;
mod draft;
mod jetstream;

use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub(crate) use confirmation::{Confirmation, UNDELIVERABLE_DOMAIN};

use super::llm::Llm;
use crate::BoxError;
use crate::pipelines::ServiceTelemetry;
use crate::system::on;

/// Messages the worker processes at once.
const WORKER_CONCURRENCY: usize = 16;

/// The sending end, held by `orders`.
#[derive(Clone)]
pub(crate) enum Publisher {
    Channel(channel::Publisher),
    // Boxed: the JetStream context is large, the channel's sender small.
    JetStream(Box<jetstream::Publisher>),
}

impl Publisher {
    /// Queues `confirmation`, in a PRODUCER span under the current one. A queue that
    /// refuses it is logged: the order stands without its confirmation.
    pub(crate) async fn publish(&self, confirmation: &Confirmation) {
        match self {
            Publisher::Channel(publisher) => publisher.publish(confirmation).await,
            Publisher::JetStream(publisher) => publisher.publish(confirmation).await,
        }
    }
}

/// The worker, running on the notifications runtime.
pub(crate) struct Worker {
    task: JoinHandle<()>,
    /// Tells a JetStream worker that orders has stopped. A channel's worker needs no
    /// telling: the channel closes when orders drops its publisher.
    drain: Option<oneshot::Sender<()>>,
}

impl Worker {
    /// Waits until the worker has processed everything queued; call once orders has
    /// stopped.
    pub(crate) async fn finish(self) {
        if let Some(drain) = self.drain {
            let _ = drain.send(());
        }
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the notifications worker failed");
        }
    }
}

/// Where the queue is: JetStream at a NATS server, or in the process.
pub(crate) enum Queue<'a> {
    Channel,
    /// The server's URL, and this run's id (see [`jetstream`]).
    JetStream {
        url: &'a str,
        run: &'a str,
    },
}

impl Queue<'_> {
    /// What the start-up line says.
    pub(crate) fn describe(&self) -> String {
        match self {
            Queue::Channel => "an in-process queue (tokio channel)".to_owned(),
            Queue::JetStream { url, run } => format!(
                "NATS JetStream at {}, stream {}",
                crate::without_credentials(url),
                jetstream::Names::for_run(run).stream()
            ),
        }
    }
}

/// Starts the worker on `runtime` with `telemetry` (notifications'), and makes the
/// publisher orders will hold, on `orders_runtime` with `orders`' telemetry.
pub(crate) fn start(
    queue: &Queue<'_>,
    (runtime, telemetry): (&Runtime, &ServiceTelemetry),
    (orders_runtime, orders): (&Runtime, &ServiceTelemetry),
    llm: Llm,
) -> Result<(Publisher, Worker), BoxError> {
    match *queue {
        Queue::Channel => {
            let (publisher, messages) = channel::queue(orders.providers());
            let task = runtime.spawn(channel::run_worker(messages, telemetry.providers(), llm));
            Ok((Publisher::Channel(publisher), Worker { task, drain: None }))
        }
        Queue::JetStream { url, run } => {
            let names = jetstream::Names::for_run(run);
            // The stream and its consumer exist before orders can publish.
            let subscription = on(
                runtime,
                jetstream::subscribe(url.to_owned(), names.clone(), telemetry.providers()),
            )?;
            let (drain, drained) = oneshot::channel();
            let task = runtime.spawn(jetstream::run_worker(subscription, llm, drained));
            let worker = Worker {
                task,
                drain: Some(drain),
            };
            let publisher = on(
                orders_runtime,
                jetstream::Publisher::connect(url.to_owned(), names, orders.providers()),
            );
            match publisher {
                Ok(publisher) => Ok((Publisher::JetStream(Box::new(publisher)), worker)),
                Err(error) => {
                    // Nothing was published: the worker deletes the stream and ends.
                    runtime.block_on(worker.finish());
                    Err(error)
                }
            }
        }
    }
}
