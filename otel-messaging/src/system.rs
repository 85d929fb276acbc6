//! The messaging systems [`Builder<S>`](crate::Builder) is written once over, each behind
//! its feature:
//!
//! | system | builder | made by | its own settings |
//! | --- | --- | --- | --- |
//! | `Nats` | `nats::Builder` | `nats::Client::builder(client)` | `subject_template`; `build()` |
//! | `RabbitMq` | `rabbitmq::Builder` | `rabbitmq::Channel::builder(channel)` | `connection_url`; `build()` |
//! | `Kafka` | `kafka::Builder` | `kafka::Builder::new(&config)` | `record_message_key`, `cluster_id`; `producer(..)`, `consumer(..)` |

/// NATS through async-nats: the system of [`nats::Builder`](crate::nats::Builder).
#[cfg(feature = "nats")]
#[cfg_attr(docsrs, doc(cfg(feature = "nats")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nats {}

/// RabbitMQ through lapin: the system of [`rabbitmq::Builder`](crate::rabbitmq::Builder).
#[cfg(feature = "rabbitmq")]
#[cfg_attr(docsrs, doc(cfg(feature = "rabbitmq")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RabbitMq {}

/// Kafka through rdkafka: the system of [`kafka::Builder`](crate::kafka::Builder).
#[cfg(feature = "kafka")]
#[cfg_attr(docsrs, doc(cfg(feature = "kafka")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kafka {}
