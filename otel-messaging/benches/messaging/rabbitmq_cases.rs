//! The RabbitMQ cases: `basic_publish` with and without confirms, and a consumer.

use std::hint::black_box;
use std::time::{Duration, Instant};

use lapin::options::{BasicConsumeOptions, BasicPublishOptions, ConfirmSelectOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Connection, ConnectionProperties, PublisherConfirm};
use otel_kit_messaging::rabbitmq;

use crate::{ARRIVAL, Case, PAYLOAD, next_ok, side};

pub(crate) struct Rabbit {
    /// Kept open: the channels close with it.
    _connection: Connection,
    bare: lapin::Channel,
    traced: rabbitmq::Channel,
    confirmed_bare: lapin::Channel,
    confirmed_traced: rabbitmq::Channel,
    /// A routing key no queue has.
    sink: String,
    /// Each side's queue, bare first.
    queues: [String; 2],
    consumer_bare: lapin::Consumer,
    consumer_traced: rabbitmq::Consumer,
}

impl Rabbit {
    pub(crate) async fn connect(url: &str) -> Rabbit {
        let connection = Connection::connect(url, ConnectionProperties::default())
            .await
            .expect("connect to TEST_AMQP_URL");
        let wrap = |channel: lapin::Channel| {
            rabbitmq::Channel::builder(channel)
                .server("127.0.0.1", 5672)
                .build()
        };
        let bare = connection.create_channel().await.expect("channel");
        let confirmed_bare = connection.create_channel().await.expect("channel");
        confirmed_bare
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .expect("confirm mode");
        // The consumers have a channel of their own, as a service's would.
        let consuming = connection.create_channel().await.expect("channel");
        let prefix = format!("otel-kit-bench.{}", std::process::id());
        let queues = [false, true].map(|wrapped| format!("{prefix}.{}", side(wrapped)));
        for queue in &queues {
            // Deleted with the connection.
            let options = QueueDeclareOptions {
                exclusive: true,
                auto_delete: true,
                ..Default::default()
            };
            consuming
                .queue_declare(queue.as_str().into(), options, FieldTable::default())
                .await
                .expect("declare a queue");
        }
        let consumer_bare = consuming
            .basic_consume(
                queues[0].as_str().into(),
                "bench-bare".into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await
            .expect("consume");
        let consumer_traced = wrap(consuming)
            .basic_consume(
                queues[1].as_str().into(),
                "bench-wrapped".into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await
            .expect("consume");
        Rabbit {
            _connection: connection,
            traced: wrap(bare.clone()),
            bare,
            confirmed_traced: wrap(confirmed_bare.clone()),
            confirmed_bare,
            // No queue has this name: the default exchange drops the message (not
            // mandatory), and in confirm mode acks it at once.
            sink: format!("{prefix}.sink"),
            queues,
            consumer_bare,
            consumer_traced,
        }
    }

    /// A `basic_publish` of the payload with routing key `key` on the default exchange,
    /// on one side, with or without confirms.
    async fn publish(&self, wrapped: bool, confirmed: bool, key: &str) -> PublisherConfirm {
        let (exchange, options, properties) = (
            "".into(),
            BasicPublishOptions::default(),
            BasicProperties::default(),
        );
        match (wrapped, confirmed) {
            (false, false) => {
                self.bare
                    .basic_publish(exchange, key.into(), options, PAYLOAD, properties)
                    .await
            }
            (false, true) => {
                self.confirmed_bare
                    .basic_publish(exchange, key.into(), options, PAYLOAD, properties)
                    .await
            }
            (true, false) => {
                self.traced
                    .basic_publish(exchange, key.into(), options, PAYLOAD, properties)
                    .await
            }
            (true, true) => {
                self.confirmed_traced
                    .basic_publish(exchange, key.into(), options, PAYLOAD, properties)
                    .await
            }
        }
        .expect("publish")
    }

    pub(crate) async fn run(&mut self, case: Case, wrapped: bool) -> Duration {
        match case {
            Case::RabbitPublish | Case::RabbitPublishConfirmed => {
                let confirmed = case == Case::RabbitPublishConfirmed;
                let started = Instant::now();
                let confirm = self.publish(wrapped, confirmed, &self.sink).await;
                if confirmed {
                    black_box(confirm.await.expect("the broker's confirm"));
                }
                started.elapsed()
            }
            Case::RabbitConsume | Case::RabbitConsumeIdle => {
                let n = case.messages();
                for _ in 0..n {
                    self.publish(wrapped, false, &self.queues[usize::from(wrapped)])
                        .await;
                }
                tokio::time::sleep(ARRIVAL).await;
                let started = Instant::now();
                for _ in 0..n {
                    if wrapped {
                        let delivery = next_ok(&mut self.consumer_traced).await;
                        delivery.process(handle_rabbit).await
                    } else {
                        handle_bare_rabbit(next_ok(&mut self.consumer_bare).await).await
                    }
                    .expect("ack");
                }
                started.elapsed() / n
            }
            other => unreachable!("{other:?} is a NATS case"),
        }
    }
}

// The trivial handlers: each looks at the payload and acks.

async fn handle_rabbit(message: rabbitmq::ConsumedMessage) -> lapin::Result<bool> {
    black_box(&message.data);
    message.ack(Default::default()).await
}

async fn handle_bare_rabbit(delivery: lapin::message::Delivery) -> lapin::Result<bool> {
    black_box(&delivery.data);
    delivery.acker.ack(Default::default()).await
}
