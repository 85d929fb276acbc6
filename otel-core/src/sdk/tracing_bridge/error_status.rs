//! [`ErrorStatus`]: an `error`-level `tracing` event sets its span's status to Error,
//! with the event's `error` field as the description.

use std::error::Error;
use std::fmt;
use std::sync::OnceLock;

use opentelemetry::trace::{Status, TraceContextExt as _};
use tracing::dispatcher::WeakDispatch;
use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{Dispatch, Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Filter, Layer};
use tracing_subscriber::registry::LookupSpan;

use super::event_fields::{ERROR, error_text};
use super::fields_again::Given;

/// Sets an `error`-level event's span to status Error, described by the event's `error`
/// field: its text as given (`error = %e`, `error = ?e`, `#[instrument(err)]`), or for an
/// error value (`error = &e as &dyn Error`) its message and its sources (`outer: inner`),
/// cut to 1024 bytes. An `error` event without that field gives an empty description
/// (its message is a log line, not the error). Events at other levels change no status:
/// a `warn!(error = %e, "retrying")` does not fail the operation.
///
/// It replaces tracing-opentelemetry's own rule (`with_error_events_to_status`, which
/// describes the status only when the event has no message and sees no events once they
/// are log records only), and sits after the span bridge, behind [`ErrorEvents`], so it
/// sees only `error` events.
///
/// ```
/// use otel_kit_core::__private::{ErrorEvents, ErrorStatus};
/// use tracing_subscriber::layer::Layer as _;
///
/// let layer = ErrorStatus::default().with_filter(ErrorEvents);
/// # let _: &dyn tracing_subscriber::layer::Layer<tracing_subscriber::Registry> = &layer;
/// ```
#[derive(Debug, Default)]
pub struct ErrorStatus {
    /// The subscriber's dispatch, to find the span's OpenTelemetry context in: inside a
    /// callback, `tracing::dispatcher::get_default` gives no dispatch where the
    /// subscriber is a scoped default (`with_default`, as in tests).
    dispatch: OnceLock<WeakDispatch>,
}

impl<S> Layer<S> for ErrorStatus
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_register_dispatch(&self, subscriber: &Dispatch) {
        // A layer serves one subscriber; a second registration keeps the first.
        let _ = self.dispatch.set(subscriber.downgrade());
    }

    fn on_event(&self, event: &Event<'_>, cx: Context<'_, S>) {
        if *event.metadata().level() != Level::ERROR {
            return;
        }
        let span = match event.parent() {
            Some(id) => cx.span(id),
            None if event.is_contextual() => cx.lookup_current(),
            None => None,
        };
        let Some(span) = span else {
            return;
        };
        let mut description = Description::default();
        event.record(&mut description);
        let id = span.id();
        // No extensions are held here, as `get_otel_context` requires.
        drop(span);
        let Some(dispatch) = self.dispatch.get().and_then(WeakDispatch::upgrade) else {
            return;
        };
        if let Some(otel) = tracing_opentelemetry::get_otel_context(&id, &dispatch) {
            otel.span()
                .set_status(Status::error(description.0.unwrap_or_default()));
        }
    }
}

/// The `error` field's text, bounded.
#[derive(Default)]
struct Description(Option<String>);

impl Description {
    fn record(&mut self, field: &Field, given: Given<'_>) {
        if field.name() == ERROR {
            self.0 = error_text(&given);
        }
    }
}

impl Visit for Description {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.record(field, Given::Text(value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn Error + 'static)) {
        self.record(field, Given::Error(value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.record(field, Given::Debug(value));
    }
}

/// [`ErrorStatus`]'s filter: the spans (the layer must see a span to find an event's span
/// in it), and of the events only `error` ones, except the SDK's own diagnostics (they
/// are about the export, not the application's span). It decides by a call site's
/// metadata alone, so each call site is asked once (`always` or `never`), and a DEBUG
/// event of a dependency never reaches the layer.
///
/// ```
/// use otel_kit_core::__private::ErrorEvents;
/// use tracing_subscriber::layer::Filter as _;
///
/// let _: &dyn tracing_subscriber::layer::Filter<tracing_subscriber::Registry> = &ErrorEvents;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct ErrorEvents;

fn wanted(meta: &Metadata<'_>) -> bool {
    meta.is_span() || (*meta.level() == Level::ERROR && !meta.target().starts_with("opentelemetry"))
}

impl<S> Filter<S> for ErrorEvents {
    fn enabled(&self, meta: &Metadata<'_>, _cx: &Context<'_, S>) -> bool {
        wanted(meta)
    }

    fn callsite_enabled(&self, meta: &'static Metadata<'static>) -> Interest {
        if wanted(meta) {
            Interest::always()
        } else {
            Interest::never()
        }
    }
}
