//! [`ProcessParent`]: the parent of a process span, and the links it gets.

use opentelemetry::trace::{Link, TraceContextExt as _};
use opentelemetry::{Context, KeyValue};

use crate::message::MessageInfo;

/// Whether a single message's process span is a child of the producer's span (one
/// trace from publish to processing) or only linked to it.
///
/// The conventions use links as the default correlation, since a batch can have only one
/// parent and processing may run inside another span (an HTTP request that delivered the
/// message); and they allow the creation context as the parent "exclusively for single
/// messages", noting it is "NOT RECOMMENDED ... (by default) if processing happens in the
/// scope of another span", in which case the ambient span "SHOULD" be added as a link.
/// Every mode links the process span to the producer's span; they differ in the parent:
///
/// | mode | processing outside any span | processing inside a span (the ambient one) | a batch |
/// | --- | --- | --- | --- |
/// | [`Auto`](ProcessParent::Auto) (default) | child of the producer | child of the ambient span | child of the ambient span (or a root) |
/// | [`Producer`](ProcessParent::Producer) | child of the producer | child of the producer, the ambient span linked too | child of the ambient span (or a root) |
/// | [`LinkOnly`](ProcessParent::LinkOnly) | a root, in its own trace | child of the ambient span | child of the ambient span (or a root) |
///
/// A consumer loop runs outside any span, so by default a message published in one trace
/// is processed in that trace.
///
/// ```
/// use otel_kit_messaging::ProcessParent;
///
/// assert_eq!(ProcessParent::default(), ProcessParent::Auto);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProcessParent {
    /// The producer's span outside any span, the ambient span inside one (links to the
    /// producer always).
    #[default]
    Auto,
    /// Always the producer's span; an ambient span is linked.
    Producer,
    /// Never the producer's span: it is only linked.
    LinkOnly,
}

/// The parent context and the links of a span over `messages`, started in `ambient`.
/// `message_link_attributes` are the attributes of each message's link (its id, and its
/// destination in a batch over several).
pub(crate) fn parent_and_links(
    mode: Option<ProcessParent>,
    ambient: &Context,
    messages: &[MessageInfo],
    message_link_attributes: impl Fn(&MessageInfo) -> Vec<KeyValue>,
) -> (Context, Vec<Link>) {
    let mut links: Vec<Link> = messages
        .iter()
        .filter_map(|message| {
            let sc = message.creation_span_context()?;
            Some(Link::new(sc.clone(), message_link_attributes(message), 0))
        })
        .collect();
    let single = match messages {
        [message] => message.creation_context(),
        _ => None,
    };
    let (Some(mode), Some(producer)) = (mode, single) else {
        return (ambient.clone(), links);
    };
    let in_span = ambient.span().span_context().is_valid();
    match mode {
        ProcessParent::Auto if in_span => (ambient.clone(), links),
        ProcessParent::LinkOnly => (ambient.clone(), links),
        ProcessParent::Auto => (producer.clone(), links),
        ProcessParent::Producer => {
            if in_span {
                links.push(Link::with_context(ambient.span().span_context().clone()));
            }
            (producer.clone(), links)
        }
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry::trace::{SpanContext, SpanId, TraceFlags, TraceId, TraceState};

    use super::*;
    use crate::destination::Destination;

    fn remote(id: u64) -> SpanContext {
        SpanContext::new(
            TraceId::from(u128::from(id)),
            SpanId::from(id),
            TraceFlags::SAMPLED,
            true,
            TraceState::NONE,
        )
    }

    fn message(producer: &SpanContext) -> MessageInfo {
        let extracted = Context::new().with_remote_span_context(producer.clone());
        MessageInfo::new(Destination::named("q")).with_creation_context(extracted, &Context::new())
    }

    fn parent_of(cx: &Context) -> SpanContext {
        cx.span().span_context().clone()
    }

    #[test]
    fn each_mode_chooses_its_parent() {
        let producer = remote(1);
        let ambient = Context::new().with_remote_span_context(remote(2));
        let messages = [message(&producer)];
        let none = |_: &MessageInfo| Vec::new();
        let outside = Context::new();

        for (mode, cx, parent, links) in [
            (ProcessParent::Auto, &outside, producer.clone(), 1),
            (ProcessParent::Auto, &ambient, remote(2), 1),
            (ProcessParent::Producer, &outside, producer.clone(), 1),
            (ProcessParent::Producer, &ambient, producer.clone(), 2),
            (ProcessParent::LinkOnly, &outside, SpanContext::NONE, 1),
            (ProcessParent::LinkOnly, &ambient, remote(2), 1),
        ] {
            let (chosen, made) = parent_and_links(Some(mode), cx, &messages, none);
            assert_eq!(parent_of(&chosen), parent, "{mode:?}");
            assert_eq!(made.len(), links, "{mode:?}");
            assert_eq!(
                made[0].span_context, producer,
                "{mode:?}: the producer is linked first"
            );
        }
    }

    #[test]
    fn a_batch_is_never_a_child_of_a_producer() {
        let messages = [message(&remote(1)), message(&remote(3))];
        let (parent, links) =
            parent_and_links(Some(ProcessParent::Producer), &Context::new(), &messages, |_| {
                Vec::new()
            });
        assert!(!parent.span().span_context().is_valid());
        assert_eq!(links.len(), 2);
    }
}
