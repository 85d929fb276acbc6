//! Subjects as destinations: which subjects are temporary (reply inboxes), and which
//! low-cardinality template a subject comes from.
//!
//! A NATS subject often carries an id (`orders.4711.shipped`); as a metric attribute it
//! would make one series per order. A template is a subject pattern with NATS wildcards
//! (`*` one token, `>` the rest): a message on a subject a template matches is recorded
//! with the pattern as `messaging.destination.template`, which names its spans and
//! replaces the subject on its metrics. A wildcard subscription's subject is such a
//! template for the messages it receives. A subject matching no template gets one made
//! from it by [`Destination::with_id_template`]: its tokens that look like ids become
//! `*` (`orders.4711.shipped` is recorded under `orders.*.shipped`), so an undeclared id
//! cannot make a span name or a metric series per message. Declare a template for a
//! subject whose ids that rule misses (`customers.ada.events`).
//!
//! Reply inboxes (`_INBOX.` and the subject a request asked replies on) are temporary and
//! anonymous: never in a span name or on a metric.

use opentelemetry::StringValue;

use crate::destination::Destination;

/// The default prefix of NATS reply inboxes (async-nats, nats.go, nats.java alike).
const INBOX_PREFIX: &str = "_INBOX.";

/// Subject patterns a user declared, in the order given; the first match wins.
#[derive(Debug, Clone, Default)]
pub(crate) struct SubjectTemplates {
    patterns: Vec<StringValue>,
}

impl SubjectTemplates {
    pub(crate) fn add(&mut self, pattern: impl Into<StringValue>) {
        self.patterns.push(pattern.into());
    }

    /// The first pattern matching `subject`.
    fn matching(&self, subject: &str) -> Option<&StringValue> {
        self.patterns
            .iter()
            .find(|pattern| matches(pattern.as_str(), subject))
    }

    /// The destination of a message on `subject`, received through a subscription to
    /// `subscribed` (when consuming). `reply` marks a subject known to be a reply inbox.
    pub(crate) fn destination(&self, subject: &str, subscribed: Option<&str>, reply: bool) -> Destination {
        let destination = Destination::named(subject.to_owned());
        if reply || subject.starts_with(INBOX_PREFIX) {
            return destination.temporary().anonymous();
        }
        if let Some(template) = self.matching(subject) {
            return destination.template(template.clone());
        }
        match subscribed {
            Some(pattern) if has_wildcard(pattern) => destination.template(pattern.to_owned()),
            _ => destination.with_id_template(),
        }
    }
}

/// Whether `pattern` has a wildcard token.
pub(crate) fn has_wildcard(pattern: &str) -> bool {
    pattern.split('.').any(|token| token == "*" || token == ">")
}

/// Whether NATS subject pattern `pattern` matches `subject`: `*` stands for one token,
/// a final `>` for one or more.
fn matches(pattern: &str, subject: &str) -> bool {
    let mut tokens = subject.split('.');
    let mut wanted = pattern.split('.').peekable();
    while let Some(want) = wanted.next() {
        if want == ">" && wanted.peek().is_none() {
            return tokens.next().is_some();
        }
        match tokens.next() {
            Some(token) if want == "*" || want == token => {}
            _ => return false,
        }
    }
    tokens.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_as_nats_does() {
        assert!(matches("orders.*.shipped", "orders.4711.shipped"));
        assert!(!matches("orders.*.shipped", "orders.4711.paid"));
        assert!(!matches("orders.*", "orders.4711.shipped"));
        assert!(matches("orders.>", "orders.4711.shipped"));
        assert!(!matches("orders.>", "orders"));
        assert!(matches("orders", "orders"));
        assert!(!matches("orders", "orders.x"));
        assert!(!matches("a.>.b", "a.x.b"), "`>` only at the end");
    }

    #[test]
    fn a_subject_becomes_its_template_or_stays_itself() {
        let mut templates = SubjectTemplates::default();
        templates.add("customers.*.events");
        let templated = templates.destination("customers.42.events", None, false);
        assert_eq!(templated.template_name(), Some("customers.*.events"));
        assert_eq!(templated.name(), Some("customers.42.events"));

        let by_subscription = templates.destination("orders.7", Some("orders.*"), false);
        assert_eq!(by_subscription.template_name(), Some("orders.*"));
        let plain = templates.destination("orders.created", Some("orders.created"), false);
        assert_eq!(plain.template_name(), None);
        let by_default = templates.destination("orders.7", Some("orders.7"), false);
        assert_eq!(by_default.template_name(), Some("orders.*"));

        let inbox = templates.destination("_INBOX.abc.def", None, false);
        assert_eq!(inbox.span_name("publish"), "publish");
        let custom_inbox = templates.destination("replies.abc", None, true);
        assert_eq!(custom_inbox.span_name("publish"), "publish");
    }
}
