//! [`ChangedFields`]: a `tracing` layer handed a span's, record's or event's fields with
//! some values changed, as a [`FieldChange`] decides; every other call is forwarded as
//! it came.

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

use super::fields_again::{Capture, Captured, Given};

/// Which values a [`ChangedFields`] changes, and into what.
pub trait FieldChange: sealed::Sealed {
    /// Whether spans and their records are changed too, not only events.
    const SPANS: bool;

    /// Whether the values `record` visits (of a call site with `metadata`) hold one to
    /// change; when not, they go through untouched.
    fn applies(&self, metadata: &'static Metadata<'static>, record: &mut dyn FnMut(&mut dyn Visit)) -> bool;

    /// The value to hand over for `field` instead of `given`, or `None` to keep it.
    fn change(&self, field: &Field, given: &Given<'_>) -> Option<Captured>;
}

pub(super) mod sealed {
    pub trait Sealed {}
}

/// A [`Layer`] that forwards every call to the layer it wraps, with the fields of spans,
/// records and events changed where its [`FieldChange`] says so.
///
/// It does not forward downcasts; the kit's span bridge puts a filtered-out copy of the
/// bridge beside it for those ([`span_bridge`](super::span_bridge)).
#[derive(Debug, Clone, Default)]
pub struct ChangedFields<L, C> {
    inner: L,
    change: C,
}

impl<L, C: Default> ChangedFields<L, C> {
    /// Wraps `inner`, a `tracing` bridge.
    pub fn new(inner: L) -> Self {
        ChangedFields {
            inner,
            change: C::default(),
        }
    }
}

impl<L, C: FieldChange> ChangedFields<L, C> {
    /// Calls `f` with the fields `record` visits, changed, or returns `None` when there
    /// is nothing to change.
    fn changed<R>(
        &self,
        metadata: &'static Metadata<'static>,
        mut record: impl FnMut(&mut dyn Visit),
        f: impl FnOnce(&tracing::field::ValueSet<'_>) -> R,
    ) -> Option<R> {
        if !self.change.applies(metadata, &mut record) {
            return None;
        }
        let mut capture = Capture::new(|field: &Field, given: &Given<'_>| self.change.change(field, given));
        record(&mut capture);
        Some(capture.hand_over(metadata, f))
    }
}

impl<S, L, C> Layer<S> for ChangedFields<L, C>
where
    S: Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    L: Layer<S>,
    C: FieldChange + 'static,
{
    fn on_register_dispatch(&self, subscriber: &tracing::Dispatch) {
        self.inner.on_register_dispatch(subscriber);
    }

    fn on_layer(&mut self, subscriber: &mut S) {
        self.inner.on_layer(subscriber);
    }

    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        self.inner.register_callsite(metadata)
    }

    fn enabled(&self, metadata: &Metadata<'_>, ctx: Context<'_, S>) -> bool {
        self.inner.enabled(metadata, ctx)
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if !C::SPANS {
            return self.inner.on_new_span(attrs, id, ctx);
        }
        let metadata = attrs.metadata();
        let changed = self.changed(
            metadata,
            |visit| attrs.record(visit),
            |values| {
                let changed = if attrs.is_root() {
                    Attributes::new_root(metadata, values)
                } else if let Some(parent) = attrs.parent() {
                    Attributes::child_of(parent.clone(), metadata, values)
                } else {
                    Attributes::new(metadata, values)
                };
                self.inner.on_new_span(&changed, id, ctx.clone())
            },
        );
        if changed.is_none() {
            self.inner.on_new_span(attrs, id, ctx);
        }
    }

    fn on_record(&self, span: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        // A record does not carry its call site's metadata; the span's is the same.
        let metadata = if C::SPANS { ctx.metadata(span) } else { None };
        let changed = metadata.and_then(|metadata| {
            self.changed(
                metadata,
                |visit| values.record(visit),
                |changed| self.inner.on_record(span, &Record::new(changed), ctx.clone()),
            )
        });
        if changed.is_none() {
            self.inner.on_record(span, values, ctx);
        }
    }

    fn on_follows_from(&self, span: &Id, follows: &Id, ctx: Context<'_, S>) {
        self.inner.on_follows_from(span, follows, ctx);
    }

    fn event_enabled(&self, event: &Event<'_>, ctx: Context<'_, S>) -> bool {
        self.inner.event_enabled(event, ctx)
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let metadata = event.metadata();
        let changed = self.changed(
            metadata,
            |visit| event.record(visit),
            |values| {
                let changed = if event.is_root() {
                    Event::new_child_of(None, metadata, values)
                } else if let Some(parent) = event.parent() {
                    Event::new_child_of(parent.clone(), metadata, values)
                } else {
                    Event::new(metadata, values)
                };
                self.inner.on_event(&changed, ctx.clone())
            },
        );
        if changed.is_none() {
            self.inner.on_event(event, ctx);
        }
    }

    fn on_enter(&self, id: &Id, ctx: Context<'_, S>) {
        self.inner.on_enter(id, ctx);
    }

    fn on_exit(&self, id: &Id, ctx: Context<'_, S>) {
        self.inner.on_exit(id, ctx);
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        self.inner.on_close(id, ctx);
    }

    fn on_id_change(&self, old: &Id, new: &Id, ctx: Context<'_, S>) {
        self.inner.on_id_change(old, new, ctx);
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        self.inner.max_level_hint()
    }
}
