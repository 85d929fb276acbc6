//! [`Destination`]: where messages are sent to or consumed from.

use opentelemetry::{KeyValue, StringValue};
use otel_kit_semconv::attribute::{
    MESSAGING_DESTINATION_ANONYMOUS, MESSAGING_DESTINATION_NAME, MESSAGING_DESTINATION_TEMPLATE,
    MESSAGING_DESTINATION_TEMPORARY,
};

/// A destination: its name, the low-cardinality template it comes from, and whether it
/// is temporary or anonymous; and the three rules the conventions make of it:
///
/// - **the span name** is `{messaging.operation.name} {destination}`, where
///   `{destination}` is the template when there is one, else the name when the
///   destination is neither temporary nor anonymous, else nothing (`publish`);
/// - **the span** carries `messaging.destination.name` whenever it is known (a span
///   may be of high cardinality), the template, and `messaging.destination.temporary`
///   and `.anonymous` when true;
/// - **the metrics** carry the name only when it is of low cardinality: not when a
///   template stands for it, and not for a temporary or anonymous destination (a reply
///   inbox); the template when there is one.
///
/// ```
/// use otel_kit_messaging::Destination;
///
/// let orders = Destination::named("orders.created");
/// assert_eq!(orders.span_name("publish"), "publish orders.created");
///
/// let customer = Destination::named("customers.4711.events").template("customers.*.events");
/// assert_eq!(customer.span_name("process"), "process customers.*.events");
///
/// let inbox = Destination::named("_INBOX.x9Zk2").temporary().anonymous();
/// assert_eq!(inbox.span_name("publish"), "publish");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Destination {
    name: Option<StringValue>,
    template: Option<StringValue>,
    temporary: bool,
    anonymous: bool,
}

impl Destination {
    /// No destination known (an operation on several destinations, or none).
    ///
    /// ```
    /// assert_eq!(otel_kit_messaging::Destination::none().span_name("receive"), "receive");
    /// ```
    pub fn none() -> Self {
        Self::default()
    }

    /// The destination `name` (a queue, topic or subject).
    ///
    /// ```
    /// let queue = otel_kit_messaging::Destination::named("print_jobs");
    /// assert_eq!(queue.name(), Some("print_jobs"));
    /// ```
    pub fn named(name: impl Into<StringValue>) -> Self {
        Self {
            name: Some(name.into()),
            ..Self::default()
        }
    }

    /// The low-cardinality template the name was made from (`/customers/{id}`,
    /// `customers.*`): it names the span and replaces the name on metrics.
    ///
    /// ```
    /// let d = otel_kit_messaging::Destination::named("users.42").template("users.*");
    /// assert_eq!(d.template_name(), Some("users.*"));
    /// ```
    #[must_use]
    pub fn template(mut self, template: impl Into<StringValue>) -> Self {
        self.template = Some(template.into());
        self
    }

    /// When no template was given, one made from the name by replacing each token that
    /// looks like an id with `*` (the NATS and AMQP topic wildcard): the safe default
    /// for a subject or routing key that carries an id, which would otherwise make one
    /// span name and one metric series per id. Tokens are separated by `.` and `:`; a
    /// token looks like an id when it is all digits, has a run of four digits or more
    /// (`order-4711`, a date), or is 16 characters or more of letters, digits, `-` and
    /// `_` with a digit among them (UUIDs, hex ids, ULIDs, nano ids). A
    /// temporary or anonymous destination is left as it is (it is kept out of names and
    /// metrics anyway).
    ///
    /// ```
    /// use otel_kit_messaging::Destination;
    ///
    /// let shipped = Destination::named("orders.4711.shipped").with_id_template();
    /// assert_eq!(shipped.template_name(), Some("orders.*.shipped"));
    /// assert_eq!(shipped.span_name("publish"), "publish orders.*.shipped");
    /// let plain = Destination::named("orders.created").with_id_template();
    /// assert_eq!(plain.template_name(), None);
    /// let given = Destination::named("users.42").template("users.{id}").with_id_template();
    /// assert_eq!(given.template_name(), Some("users.{id}"));
    /// ```
    #[must_use]
    pub fn with_id_template(mut self) -> Self {
        if self.template.is_none()
            && !self.temporary
            && !self.anonymous
            && let Some(name) = &self.name
        {
            self.template = id_template(name.as_str()).map(StringValue::from);
        }
        self
    }

    /// The destination may not exist once the messages are processed (a reply inbox).
    #[must_use]
    pub fn temporary(mut self) -> Self {
        self.temporary = true;
        self
    }

    /// The destination's name was generated rather than chosen (a reply inbox).
    #[must_use]
    pub fn anonymous(mut self) -> Self {
        self.anonymous = true;
        self
    }

    /// The name, if known.
    pub fn name(&self) -> Option<&str> {
        self.name.as_ref().map(StringValue::as_str)
    }

    pub(crate) fn name_value(&self) -> Option<&StringValue> {
        self.name.as_ref()
    }

    /// The template, if there is one.
    pub fn template_name(&self) -> Option<&str> {
        self.template.as_ref().map(StringValue::as_str)
    }

    /// What stands for the destination in span names: the template, else a name that
    /// is neither temporary nor anonymous.
    fn label(&self) -> Option<&str> {
        self.template_name()
            .or_else(|| self.name().filter(|_| !self.temporary && !self.anonymous))
    }

    /// `{operation_name} {destination}`, or the operation name alone.
    ///
    /// ```
    /// let d = otel_kit_messaging::Destination::named("orders");
    /// assert_eq!(d.span_name("ack"), "ack orders");
    /// ```
    pub fn span_name(&self, operation_name: &str) -> String {
        match self.label() {
            Some(label) => format!("{operation_name} {label}"),
            None => operation_name.to_owned(),
        }
    }

    /// The span attributes.
    pub(crate) fn span_attributes(&self, out: &mut Vec<KeyValue>) {
        if let Some(name) = &self.name {
            out.push(KeyValue::new(MESSAGING_DESTINATION_NAME, name.clone()));
        }
        if let Some(template) = &self.template {
            out.push(KeyValue::new(MESSAGING_DESTINATION_TEMPLATE, template.clone()));
        }
        if self.temporary {
            out.push(KeyValue::new(MESSAGING_DESTINATION_TEMPORARY, true));
        }
        if self.anonymous {
            out.push(KeyValue::new(MESSAGING_DESTINATION_ANONYMOUS, true));
        }
    }

    /// The metric attributes: the template, or a low-cardinality name.
    pub(crate) fn metric_attributes(&self, out: &mut Vec<KeyValue>) {
        match (&self.template, &self.name) {
            (Some(template), _) => {
                out.push(KeyValue::new(MESSAGING_DESTINATION_TEMPLATE, template.clone()));
            }
            (None, Some(name)) if !self.temporary && !self.anonymous => {
                out.push(KeyValue::new(MESSAGING_DESTINATION_NAME, name.clone()));
            }
            _ => {}
        }
    }

    /// What the destinations of `all` share: the name when they all have it, the
    /// template likewise (a batch from `orders.*` over `orders.1` and `orders.2` shares
    /// the template only). The rest is recorded on each message's link.
    pub(crate) fn common<'a>(mut all: impl Iterator<Item = &'a Destination>) -> Destination {
        let Some(first) = all.next() else {
            return Destination::none();
        };
        let mut common = first.clone();
        for other in all {
            if common.name != other.name {
                common.name = None;
            }
            if common.template != other.template {
                common.template = None;
            }
            common.temporary &= other.temporary;
            common.anonymous &= other.anonymous;
        }
        common
    }
}

/// `name` with each token that looks like an id replaced by `*`; `None` when none does.
fn id_template(name: &str) -> Option<String> {
    let mut template = String::with_capacity(name.len());
    let mut replaced = false;
    let mut rest = name;
    loop {
        let end = rest.find(['.', ':']).unwrap_or(rest.len());
        let token = &rest[..end];
        if looks_like_id(token) {
            template.push('*');
            replaced = true;
        } else {
            template.push_str(token);
        }
        let Some(separator) = rest[end..].chars().next() else {
            break;
        };
        template.push(separator);
        rest = &rest[end + 1..];
    }
    replaced.then_some(template)
}

/// Whether a token of a destination name looks like an id (see
/// [`Destination::with_id_template`]).
fn looks_like_id(token: &str) -> bool {
    let bytes = token.as_bytes();
    let digits = bytes.iter().filter(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return false;
    }
    if digits == bytes.len() || bytes.windows(4).any(|w| w.iter().all(u8::is_ascii_digit)) {
        return true;
    }
    bytes.len() >= 16
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(attributes: &[KeyValue]) -> Vec<&str> {
        attributes.iter().map(|kv| kv.key.as_str()).collect()
    }

    #[test]
    fn a_temporary_destination_stays_on_the_span_and_off_the_metrics() {
        let inbox = Destination::named("_INBOX.abc").temporary().anonymous();
        let mut span = Vec::new();
        inbox.span_attributes(&mut span);
        assert_eq!(
            keys(&span),
            [
                MESSAGING_DESTINATION_NAME,
                MESSAGING_DESTINATION_TEMPORARY,
                MESSAGING_DESTINATION_ANONYMOUS
            ]
        );
        let mut metric = Vec::new();
        inbox.metric_attributes(&mut metric);
        assert!(metric.is_empty());
    }

    #[test]
    fn a_template_replaces_the_name_on_metrics() {
        let d = Destination::named("users.42").template("users.*");
        let mut metric = Vec::new();
        d.metric_attributes(&mut metric);
        assert_eq!(keys(&metric), [MESSAGING_DESTINATION_TEMPLATE]);
        let mut metric = Vec::new();
        Destination::named("orders").metric_attributes(&mut metric);
        assert_eq!(keys(&metric), [MESSAGING_DESTINATION_NAME]);
    }

    #[test]
    fn tokens_that_look_like_ids_become_wildcards() {
        let cases = [
            ("orders.4711.shipped", Some("orders.*.shipped")),
            ("shop:orders.42", Some("shop:orders.*")),
            ("invoices.order-20261123", Some("invoices.*")),
            (
                "users.3f2b9c1e-8d4a-4b6e-9f0a-1c2d3e4f5a6b.events",
                Some("users.*.events"),
            ),
            ("jobs.01HZX3K9Q7R5T8V2W4Y6Z0A1B3", Some("jobs.*")),
            ("orders.created", None),
            ("v2.orders", None),
            ("shard.3", Some("shard.*")),
            ("", None),
            ("a..b", None),
            ("logs:warning", None),
        ];
        for (name, template) in cases {
            assert_eq!(id_template(name).as_deref(), template, "{name}");
        }
        let inbox = Destination::named("replies.4711").temporary().with_id_template();
        assert_eq!(inbox.template_name(), None);
    }

    #[test]
    fn a_batch_shares_what_every_message_has() {
        let a = Destination::named("a");
        let b = Destination::named("b");
        assert_eq!(Destination::common([&a, &a].into_iter()), a);
        assert_eq!(Destination::common([&a, &b].into_iter()), Destination::none());
        assert_eq!(Destination::common(std::iter::empty()), Destination::none());
        let one = Destination::named("orders.1").template("orders.*");
        let two = Destination::named("orders.2").template("orders.*");
        let shared = Destination::common([&one, &two].into_iter());
        assert_eq!((shared.name(), shared.template_name()), (None, Some("orders.*")));
    }
}
