//! The NATS cases: core publish and subscribe, JetStream publish and a pull consumer.

use std::hint::black_box;
use std::time::{Duration, Instant};

use async_nats::Subject;
use async_nats::jetstream::consumer::{AckPolicy, pull};
use async_nats::jetstream::stream;
use bytes::Bytes;
use futures_util::StreamExt as _;
use otel_kit_messaging::nats;

use crate::{ARRIVAL, Case, PAYLOAD, next_ok, side};

/// Both sides of both JetStream pull consumers, made when a case first needs them (an
/// idle pull stream misses heartbeats).
struct Pulls {
    bare: pull::Stream,
    traced: nats::Messages,
}

pub(crate) struct Nats {
    bare: async_nats::Client,
    traced: nats::Client,
    js_bare: async_nats::jetstream::Context,
    js_traced: nats::JetStream,
    stream: String,
    /// The subject nobody subscribes to.
    sink: Subject,
    js_publish: Subject,
    /// Each side's messages to consume, bare first.
    consume: [Subject; 2],
    js_consume: [Subject; 2],
    sub_bare: async_nats::Subscriber,
    sub_traced: nats::Subscriber,
    pulls: Option<Pulls>,
}

impl Nats {
    pub(crate) async fn connect(url: &str) -> Nats {
        let prefix = format!("otel-kit-bench.{}", std::process::id());
        let bare = async_nats::connect(url).await.expect("connect to TEST_NATS_URL");
        let traced = nats::instrument(bare.clone());
        let js_bare = async_nats::jetstream::new(bare.clone());
        let js_traced = traced.jetstream(js_bare.clone());
        let stream = format!("OTEL_KIT_BENCH_{}", std::process::id());
        // In memory, bounded and expiring: a run that dies leaves little behind.
        js_bare
            .create_stream(stream::Config {
                name: stream.clone(),
                subjects: vec![format!("{prefix}.js.>")],
                storage: stream::StorageType::Memory,
                max_messages: 10_000,
                max_age: Duration::from_secs(600),
                ..Default::default()
            })
            .await
            .expect("create the stream");
        let sides = |infix: &str| {
            [false, true].map(|wrapped| Subject::from(format!("{prefix}.{infix}.{}", side(wrapped))))
        };
        let consume = sides("consume");
        let sub_bare = bare.subscribe(consume[0].clone()).await.expect("subscribe");
        let sub_traced = traced.subscribe(consume[1].clone()).await.expect("subscribe");
        Nats {
            sink: Subject::from(format!("{prefix}.sink")),
            js_publish: Subject::from(format!("{prefix}.js.publish")),
            js_consume: sides("js.consume"),
            consume,
            bare,
            traced,
            js_bare,
            js_traced,
            stream,
            sub_bare,
            sub_traced,
            pulls: None,
        }
    }

    /// Deletes the stream (the subscriptions end with the connection).
    pub(crate) async fn close(self) {
        let _ = self.js_bare.delete_stream(&self.stream).await;
    }

    async fn pulls(&mut self) -> &mut Pulls {
        if self.pulls.is_none() {
            let stream = self.js_bare.get_stream(&self.stream).await.expect("the stream");
            let mut consumers = Vec::new();
            for wrapped in [false, true] {
                let consumer = stream
                    .create_consumer(pull::Config {
                        durable_name: Some(format!("bench-{}", side(wrapped))),
                        filter_subject: self.js_consume[usize::from(wrapped)].to_string(),
                        ack_policy: AckPolicy::Explicit,
                        ..Default::default()
                    })
                    .await
                    .expect("create a consumer");
                consumers.push(consumer);
            }
            let traced = self.js_traced.consumer(consumers.pop().expect("wrapped"));
            let bare = consumers.pop().expect("bare");
            self.pulls = Some(Pulls {
                bare: bare.messages().await.expect("pull"),
                traced: traced.messages().await.expect("pull"),
            });
        }
        self.pulls.as_mut().expect("made above")
    }

    /// A core publish of the payload to `subject`, on one side.
    async fn publish(&self, wrapped: bool, subject: Subject) {
        let payload = Bytes::from_static(PAYLOAD);
        if wrapped {
            self.traced.publish(subject, payload).await
        } else {
            self.bare.publish(subject, payload).await
        }
        .expect("publish");
    }

    pub(crate) async fn run(&mut self, case: Case, wrapped: bool) -> Duration {
        let n = case.messages();
        let payload = Bytes::from_static(PAYLOAD);
        match case {
            Case::NatsPublish | Case::NatsPublish100 => {
                let started = Instant::now();
                for _ in 0..n {
                    self.publish(wrapped, self.sink.clone()).await;
                }
                self.bare.flush().await.expect("flush");
                started.elapsed() / n
            }
            Case::JetStreamPublish => {
                let subject = self.js_publish.clone();
                let started = Instant::now();
                if wrapped {
                    let ack = self.js_traced.publish(subject, payload).await.expect("publish");
                    black_box(ack.await.expect("the stream's ack"));
                } else {
                    let ack = self.js_bare.publish(subject, payload).await.expect("publish");
                    black_box(ack.await.expect("the stream's ack"));
                }
                started.elapsed()
            }
            Case::NatsConsume | Case::NatsConsumeIdle => {
                let subject = &self.consume[usize::from(wrapped)];
                for _ in 0..n {
                    self.publish(wrapped, subject.clone()).await;
                }
                tokio::time::sleep(ARRIVAL).await;
                let started = Instant::now();
                for _ in 0..n {
                    if wrapped {
                        let delivery = self.sub_traced.next().await.expect("subscribed");
                        delivery.process(handle_nats).await;
                    } else {
                        handle_nats(self.sub_bare.next().await.expect("subscribed")).await;
                    }
                }
                started.elapsed() / n
            }
            Case::JetStreamConsume | Case::JetStreamConsumeIdle => {
                self.pulls().await;
                let subject = &self.js_consume[usize::from(wrapped)];
                // Published at once, the acks awaited after: the set-up stays short.
                if wrapped {
                    let mut acks = Vec::new();
                    for _ in 0..n {
                        let ack = self.js_traced.publish(subject.clone(), payload.clone()).await;
                        acks.push(ack.expect("publish"));
                    }
                    for ack in acks {
                        ack.await.expect("the stream's ack");
                    }
                } else {
                    let mut acks = Vec::new();
                    for _ in 0..n {
                        let ack = self.js_bare.publish(subject.clone(), payload.clone()).await;
                        acks.push(ack.expect("publish"));
                    }
                    for ack in acks {
                        ack.await.expect("the stream's ack");
                    }
                }
                tokio::time::sleep(ARRIVAL).await;
                let pulls = self.pulls.as_mut().expect("made above");
                let started = Instant::now();
                for _ in 0..n {
                    if wrapped {
                        let delivery = next_ok(&mut pulls.traced).await;
                        delivery.process(handle_jetstream).await
                    } else {
                        handle_bare_jetstream(next_ok(&mut pulls.bare).await).await
                    }
                    .expect("ack");
                }
                started.elapsed() / n
            }
            other => unreachable!("{other:?} is a RabbitMQ case"),
        }
    }
}

// The trivial handlers, one per message type: each looks at the payload and, for
// JetStream, acks.

async fn handle_nats(message: async_nats::Message) {
    black_box(message.payload);
}

async fn handle_jetstream(message: nats::JetStreamMessage) -> Result<(), async_nats::Error> {
    black_box(&message.payload);
    message.ack().await
}

async fn handle_bare_jetstream(message: async_nats::jetstream::Message) -> Result<(), async_nats::Error> {
    black_box(&message.payload);
    message.ack().await
}
