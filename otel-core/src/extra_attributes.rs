//! What an application's attribute hooks write into: [`SpanAttributes`] for a span,
//! [`MetricAttributes`] for a duration metric, capped at [`MAX_METRIC_ATTRIBUTES`].
//!
//! Each instrumentation's layer takes the hooks as builder methods
//! (`span_attributes_from_request`, `span_attributes_from_response`,
//! `metric_attributes_from_request`) and hands them one of these. A hook can only add:
//! it never sees, removes or reorders what the instrumentation itself records.
//!
//! ```
//! use opentelemetry::KeyValue;
//! use otel_kit_core::extra_attributes::{MetricAttributes, MetricAttributesHook, SpanAttributes};
//!
//! // A span hook: anything useful to look at, per request.
//! let mut on_span = Vec::new();
//! SpanAttributes::new(&mut on_span).push(KeyValue::new("tenant.id", "t-42"));
//! assert_eq!(on_span.len(), 1);
//!
//! // A metric hook: a few bounded values; reserved keys and extra ones are dropped.
//! let hook = MetricAttributesHook::new(Box::new(|tier: &str, out: &mut MetricAttributes<'_>| {
//!     out.push(KeyValue::new("tenant.tier", tier.to_owned()));
//!     out.push(KeyValue::new("http.route", "/raw/path/42")); // the instrumentation's own key
//! }) as Box<dyn Fn(&str, &mut MetricAttributes<'_>) + Send + Sync>);
//! let added = hook.collect(&["http.route"], |f, out| f("gold", out));
//! assert_eq!(added, [KeyValue::new("tenant.tier", "gold")]);
//! assert_eq!(hook.dropped(), 1);
//! ```

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use opentelemetry::KeyValue;

/// The most attributes one metric hook adds to one measurement; further ones are
/// dropped and counted ([`MetricAttributesHook::dropped`]).
///
/// Each attribute multiplies the number of series the duration histogram keeps (each
/// series is a full set of buckets, in the SDK and in the backend), so the cap is
/// small: a hook is for a few values known to be bounded (a tenant's tier, a region,
/// an API version), never identifiers, raw paths or user input.
///
/// ```
/// assert_eq!(otel_kit_core::extra_attributes::MAX_METRIC_ATTRIBUTES, 4);
/// ```
pub const MAX_METRIC_ATTRIBUTES: usize = 4;

/// The span attributes a hook adds: it can only push.
///
/// ```
/// use opentelemetry::KeyValue;
/// use otel_kit_core::extra_attributes::SpanAttributes;
///
/// let mut list = vec![KeyValue::new("http.request.method", "GET")];
/// let mut added = SpanAttributes::new(&mut list);
/// added.push(KeyValue::new("order.id", 42));
/// added.extend([KeyValue::new("tenant.id", "t-1")]);
/// assert_eq!(list.len(), 3);
/// ```
pub struct SpanAttributes<'a> {
    list: &'a mut Vec<KeyValue>,
}

impl<'a> SpanAttributes<'a> {
    /// A writer that appends to `list` (for instrumentations).
    pub fn new(list: &'a mut Vec<KeyValue>) -> Self {
        Self { list }
    }

    /// Adds `attribute` to the span.
    pub fn push(&mut self, attribute: KeyValue) {
        self.list.push(attribute);
    }
}

impl Extend<KeyValue> for SpanAttributes<'_> {
    fn extend<I: IntoIterator<Item = KeyValue>>(&mut self, attributes: I) {
        self.list.extend(attributes);
    }
}

impl fmt::Debug for SpanAttributes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpanAttributes")
            .field("len", &self.list.len())
            .finish()
    }
}

/// The metric attributes a hook adds, at most [`MAX_METRIC_ATTRIBUTES`], never one of
/// the instrument's own keys (`http.route`, `rpc.method`, ...: a hook must not replace
/// a bounded value with an unbounded one).
///
/// ```
/// use opentelemetry::KeyValue;
/// use otel_kit_core::extra_attributes::MetricAttributes;
///
/// let mut list = Vec::new();
/// let mut added = MetricAttributes::new(&mut list, &["error.type"]);
/// assert!(added.push(KeyValue::new("tenant.tier", "gold")));
/// assert!(!added.push(KeyValue::new("error.type", "mine")), "reserved");
/// assert_eq!(added.dropped(), 1);
/// ```
pub struct MetricAttributes<'a> {
    list: &'a mut Vec<KeyValue>,
    reserved: &'static [&'static str],
    dropped: u64,
}

impl<'a> MetricAttributes<'a> {
    /// A writer that appends to `list`, refusing the keys in `reserved` (for
    /// instrumentations).
    pub fn new(list: &'a mut Vec<KeyValue>, reserved: &'static [&'static str]) -> Self {
        Self {
            list,
            reserved,
            dropped: 0,
        }
    }

    /// Adds `attribute` to the measurement. Returns `false`, and drops it, when
    /// [`MAX_METRIC_ATTRIBUTES`] were already added or its key is one the instrument
    /// sets itself.
    pub fn push(&mut self, attribute: KeyValue) -> bool {
        if self.list.len() >= MAX_METRIC_ATTRIBUTES || self.reserved.contains(&attribute.key.as_str()) {
            self.dropped += 1;
            return false;
        }
        self.list.push(attribute);
        true
    }

    /// How many attributes were dropped so far.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

impl fmt::Debug for MetricAttributes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetricAttributes")
            .field("len", &self.list.len())
            .field("dropped", &self.dropped)
            .finish()
    }
}

/// A metric hook `F` (an application's closure) and the count of attributes it tried to
/// add beyond the cap or under a reserved key, over the life of the layer.
pub struct MetricAttributesHook<F: ?Sized> {
    dropped: AtomicU64,
    hook: Box<F>,
}

impl<F: ?Sized> MetricAttributesHook<F> {
    /// Wraps `hook`.
    pub fn new(hook: Box<F>) -> Self {
        Self {
            dropped: AtomicU64::new(0),
            hook,
        }
    }

    /// Runs the hook through `run` and returns what it added (at most
    /// [`MAX_METRIC_ATTRIBUTES`]); counts what it dropped.
    pub fn collect(
        &self,
        reserved: &'static [&'static str],
        run: impl FnOnce(&F, &mut MetricAttributes<'_>),
    ) -> Vec<KeyValue> {
        let mut list = Vec::new();
        let mut added = MetricAttributes::new(&mut list, reserved);
        run(&self.hook, &mut added);
        let dropped = added.dropped();
        if dropped > 0 {
            self.dropped.fetch_add(dropped, Ordering::Relaxed);
        }
        list
    }

    /// How many attributes the hook tried to add beyond [`MAX_METRIC_ATTRIBUTES`] or
    /// under a reserved key, since it was set.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

impl<F: ?Sized> fmt::Debug for MetricAttributesHook<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetricAttributesHook")
            .field("dropped", &self.dropped())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_metric_hook_keeps_at_most_the_cap_and_counts_the_rest() {
        type Hook = dyn Fn(&mut MetricAttributes<'_>) + Send + Sync;
        let hook = MetricAttributesHook::<Hook>::new(Box::new(|out| {
            for i in 0..7 {
                out.push(KeyValue::new(format!("k{i}"), i));
            }
        }));
        let added = hook.collect(&[], |f, out| f(out));
        assert_eq!(added.len(), MAX_METRIC_ATTRIBUTES);
        assert_eq!(added[0], KeyValue::new("k0", 0), "the first ones are kept");
        assert_eq!(hook.dropped(), 3);
        let _ = hook.collect(&[], |f, out| f(out));
        assert_eq!(hook.dropped(), 6, "counted over the hook's life");
    }
}
