//! RabbitMQ destinations, as the RabbitMQ conventions name them: on the producer side
//! `{exchange}:{routing key}` (either alone when the other is empty, `amq.default` when
//! both are), on the consumer side `{exchange}:{routing key}:{queue}` without the empty
//! ones, and the queue once when it is the routing key. A server-named queue
//! (`amq.gen-...`) and the direct reply-to pseudo-queue (`amq.rabbitmq.reply-to`) are
//! temporary and anonymous. A name with tokens that look like ids (a routing key
//! `orders.4711`) gets a template by [`Destination::with_id_template`]
//! (`shop:orders.*`), which names its spans and stands for it on metrics.

use crate::destination::Destination;

/// Whether `name` is a queue the server named, or the reply-to pseudo-queue.
fn is_generated(name: &str) -> bool {
    name.starts_with("amq.gen-") || name.starts_with("amq.rabbitmq.reply-to")
}

/// The destination of a message published to `exchange` with `routing_key`.
pub(crate) fn producer(exchange: &str, routing_key: &str) -> Destination {
    let name = match (exchange.is_empty(), routing_key.is_empty()) {
        (false, false) => format!("{exchange}:{routing_key}"),
        (false, true) => exchange.to_owned(),
        (true, false) => routing_key.to_owned(),
        (true, true) => "amq.default".to_owned(),
    };
    let destination = Destination::named(name);
    if exchange.is_empty() && is_generated(routing_key) {
        destination.temporary().anonymous()
    } else {
        destination.with_id_template()
    }
}

/// The destination of a message delivered from `queue`, published to `exchange` with
/// `routing_key`.
pub(crate) fn consumer(exchange: &str, routing_key: &str, queue: &str) -> Destination {
    let mut parts = Vec::with_capacity(3);
    if !exchange.is_empty() {
        parts.push(exchange);
    }
    if !routing_key.is_empty() {
        parts.push(routing_key);
    }
    if !queue.is_empty() && queue != routing_key {
        parts.push(queue);
    }
    let destination = Destination::named(parts.join(":"));
    if is_generated(queue) {
        destination.temporary().anonymous()
    } else {
        destination.with_id_template()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_rabbitmq_conventions() {
        assert_eq!(producer("logs", "warning").name(), Some("logs:warning"));
        assert_eq!(producer("logs", "").name(), Some("logs"));
        assert_eq!(producer("", "jobs").name(), Some("jobs"));
        assert_eq!(producer("", "").name(), Some("amq.default"));
        assert_eq!(
            consumer("logs", "warning", "audit").name(),
            Some("logs:warning:audit")
        );
        assert_eq!(consumer("", "jobs", "jobs").name(), Some("jobs"));
        assert_eq!(consumer("logs", "", "audit").name(), Some("logs:audit"));
        assert_eq!(producer("", "amq.gen-Xa2").span_name("publish"), "publish");
        let keyed = producer("shop", "orders.4711");
        assert_eq!(keyed.span_name("publish"), "publish shop:orders.*");
        assert_eq!(keyed.name(), Some("shop:orders.4711"));
        assert_eq!(
            consumer("shop", "orders.4711", "orders").template_name(),
            Some("shop:orders.*:orders")
        );
        assert_eq!(
            consumer("", "amq.gen-Xa2", "amq.gen-Xa2").span_name("process"),
            "process"
        );
    }
}
