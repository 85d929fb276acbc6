//! [`Call`]: one outgoing request in flight, and how it ends: the span's closing
//! attributes, status and end, the `http.client.request.duration` point, and for a
//! failure (the client returned an error) or a panic below the front-end its one
//! exception event; or cancellation, which is none of these.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use http::{HeaderMap, StatusCode, Version};
use opentelemetry::logs::Severity;
use opentelemetry::trace::{Status, TraceContextExt as _};
use opentelemetry::{Context, KeyValue, StringValue, Value};
use otel_kit_core::__private::Resolver;
use otel_kit_core::__private::call::{ERROR_TYPE_PANIC, EndEarly};
use otel_kit_core::__private::carrier::HeaderSource;
use otel_kit_core::__private::exception;
use otel_kit_core::__private::hooks::Signatures;
use otel_kit_core::SpanAttributes;
use otel_kit_semconv::attribute::{
    ERROR_TYPE, HTTP_REQUEST_METHOD, HTTP_RESPONSE_STATUS_CODE, NETWORK_PROTOCOL_VERSION, SERVER_ADDRESS,
    SERVER_PORT,
};

use super::config::Config;
use super::framework::{ClientFramework, ClientHooks};
use super::instruments::Instruments;
use crate::bound_duration::BindableSet;
use crate::conventions::from_switches::Side;
use crate::conventions::{CLIENT_EXCEPTION_EVENT, protocol_version};

/// When a request started, read once for the span's start time and the duration.
#[derive(Clone, Copy)]
pub(crate) struct Started {
    pub(crate) instant: Instant,
    pub(crate) time: SystemTime,
}

impl Started {
    pub(crate) fn now() -> Self {
        Self {
            instant: Instant::now(),
            time: SystemTime::now(),
        }
    }
}

/// How a request ended, as the front-end read it; `H` holds the response headers.
pub(crate) enum Ended<'a, H: ?Sized = HeaderMap> {
    /// A response arrived (its head), whatever its status.
    Response {
        status: StatusCode,
        version: Version,
        headers: &'a H,
    },
    /// The client returned an error instead: `error.type`, the error's `exception.type`,
    /// and the status description (also the exception's message), which the front-end
    /// keeps free of the URL's secrets.
    Failed {
        error_type: &'static str,
        exception_type: &'static str,
        description: String,
    },
}

/// A traced request in flight: its CLIENT span's context and what ending it needs.
/// Ended exactly once: by [`finish`](Self::finish) with how it ended, or through
/// [`EndEarly`] when the request panicked or was dropped, so a cancelled request is
/// counted rather than lost.
// `pub` in a private module: the tower client's public `ResponseFuture` alias names it;
// users never do. Without the tower client nothing public names it.
#[cfg_attr(not(feature = "tower-client"), allow(unreachable_pub))]
pub struct Call<F: ClientFramework> {
    /// The CLIENT span's context, carrying the front-end's active-request marker.
    cx: Context,
    /// The front-end's configuration (header capture, hooks, where the point goes).
    config: Arc<Config<F>>,
    metric: MetricParts,
    started: Started,
}

/// `http.request.method`, `server.address`, `server.port`: shared by the span and the
/// metric (each string made once), and what samplers see.
#[derive(Clone)]
pub(crate) struct CommonParts {
    pub(crate) method: Value,
    pub(crate) host: Option<StringValue>,
    pub(crate) port: Option<u16>,
}

impl CommonParts {
    /// The three attributes, pushed onto `attributes`.
    pub(crate) fn push_into(&self, attributes: &mut Vec<KeyValue>) {
        attributes.push(KeyValue::new(HTTP_REQUEST_METHOD, self.method.clone()));
        if let Some(host) = &self.host {
            attributes.push(KeyValue::new(SERVER_ADDRESS, host.clone()));
        }
        if let Some(port) = self.port {
            attributes.push(KeyValue::new(SERVER_PORT, i64::from(port)));
        }
    }
}

/// The request's part of its metric attribute set: the [`CommonParts`] and what the
/// application's hook added. The set itself is made only when a point is recorded with
/// its attributes.
pub(crate) struct MetricParts {
    pub(crate) common: CommonParts,
    /// Empty (unallocated) without the hook.
    pub(crate) added: Vec<KeyValue>,
}

impl MetricParts {
    /// The whole set, with what the response added (`closing`).
    fn attributes(&self, closing: impl IntoIterator<Item = KeyValue>) -> Vec<KeyValue> {
        // Room for the status code, protocol version and `error.type`.
        let mut attributes = Vec::with_capacity(6 + self.added.len());
        self.common.push_into(&mut attributes);
        attributes.extend(self.added.iter().cloned());
        attributes.extend(closing);
        attributes
    }

    /// The set as a bound histogram knows it, when it is made of the parts alone (no
    /// attribute of the application's hook) and a status code below 400.
    fn bindable(&self, status: u16, version: Option<&'static str>) -> Option<BindableSet<'_>> {
        self.added.is_empty().then(|| BindableSet {
            method: &self.common.method,
            shared: self.common.host.as_ref(),
            fixed: [version, None],
            numbers: [status, self.common.port.unwrap_or(0)],
        })
    }
}

impl<F: ClientFramework> Call<F> {
    pub(crate) fn new(cx: Context, started: Started, config: Arc<Config<F>>, metric: MetricParts) -> Self {
        Self {
            cx,
            config,
            metric,
            started,
        }
    }

    /// When the request started (a front-end that must tell its client's own deadline
    /// from the caller's cancellation reads it).
    #[cfg(feature = "awc")]
    pub(crate) fn started_at(&self) -> Instant {
        self.started.instant
    }

    /// The time since the request started, and the span's end time that matches it.
    fn elapsed(&self) -> (f64, SystemTime) {
        let elapsed = self.started.instant.elapsed();
        (elapsed.as_secs_f64(), self.started.time + elapsed)
    }

    /// Records how the request ended on the span and the metric, calls the application's
    /// response hook through `hook` (with the front-end's own argument) when the span
    /// records, then ends the span. Called with the span's context current.
    pub(crate) fn finish<H: HeaderSource + ?Sized>(
        self,
        ended: Ended<'_, H>,
        hook: impl FnOnce(&<ClientHooks<F> as Signatures>::ResponseSpanAttributes, &mut SpanAttributes<'_>),
    ) {
        let (seconds, end_time) = self.elapsed();
        // Known by its parts when the response adds no `error.type`.
        let mut bound = None;
        let span = self.cx.span();
        // Asked once: each question to a span in a context takes its lock.
        let recording = span.is_recording();
        // On the span when it records; kept for the metric's set either way.
        let both = |kv: KeyValue| {
            if recording {
                span.set_attribute(kv.clone());
            }
            Some(kv)
        };
        // What the response adds to the metric's set, in this order.
        let closing: [Option<KeyValue>; 3] = match ended {
            Ended::Response {
                status,
                version,
                headers,
            } => {
                let status = status.as_u16();
                let code = both(KeyValue::new(HTTP_RESPONSE_STATUS_CODE, i64::from(status)));
                let version = protocol_version(version);
                let version_attribute =
                    version.and_then(|version| both(KeyValue::new(NETWORK_PROTOCOL_VERSION, version)));
                bound = (status < 400).then_some((status, version));
                // The client rule: any 4xx or 5xx is an error for the caller. The
                // description stays empty, the status code already says it all.
                let error_type = (status >= 400).then(|| {
                    span.set_status(Status::error(""));
                    KeyValue::new(ERROR_TYPE, status.to_string())
                });
                let error_type = error_type.and_then(both);
                let capture = self.config.http.headers(Side::Client);
                if !capture.is_empty() {
                    span.set_attributes(capture.response_attributes(headers));
                }
                [code, version_attribute, error_type]
            }
            // The request raised: one `http.client.request.exception` (WARN: the
            // caller is expected to handle it), whose message is the status
            // description, which keeps the URL's secrets out.
            Ended::Failed {
                error_type,
                exception_type,
                description,
            } => {
                let error_type = both(KeyValue::new(ERROR_TYPE, error_type));
                let event = (CLIENT_EXCEPTION_EVENT, Severity::Warn);
                self.config.resolver.with(None, |resolved| {
                    exception::record_error(resolved, &self.cx, event, exception_type, &description);
                });
                span.set_status(Status::error(description));
                [error_type, None, None]
            }
        };
        if let Some(add) = self.config.hooks.response_span_attributes.as_deref()
            && recording
        {
            let mut added = Vec::new();
            hook(add, &mut SpanAttributes::new(&mut added));
            span.set_attributes(added);
        }
        let set = bound.and_then(|(status, version)| self.metric.bindable(status, version));
        let attributes = || self.metric.attributes(closing.into_iter().flatten());
        record(&self.config.resolver, seconds, attributes, set);
        // A span that does not record has nothing to end (each call on it takes a lock).
        if recording {
            span.end_with_timestamp(end_time);
        }
    }

    /// Ended without a response: a panic below the front-end (`error`: its
    /// `error.type` and description), or the caller's cancellation (`None`).
    fn end_early(self, error: Option<(&'static str, Cow<'static, str>)>) {
        let (seconds, end_time) = self.elapsed();
        let span = self.cx.span();
        let error_type = error.map(|(error_type, description)| {
            let error_type = KeyValue::new(ERROR_TYPE, error_type);
            span.set_attribute(error_type.clone());
            span.set_status(Status::error(description));
            error_type
        });
        span.end_with_timestamp(end_time);
        record(
            &self.config.resolver,
            seconds,
            || self.metric.attributes(error_type),
            None,
        );
    }
}

/// Records the duration, with the attributes `attributes` makes when it is not bound. The
/// span's context is current (every front-end ends its calls inside
/// `CallFuture::poll_finish` or [`EndEarly`], which attach it), so an SDK that keeps
/// exemplars links the measurement to the span.
fn record<F: ClientFramework>(
    resolver: &Resolver<Instruments<F>>,
    seconds: f64,
    attributes: impl FnOnce() -> Vec<KeyValue>,
    set: Option<BindableSet<'_>>,
) {
    resolver.with(None, |resolved| {
        let instruments = resolved.instruments();
        instruments
            .bound_durations
            .record(&instruments.duration, seconds, attributes, set);
    });
}

impl<F: ClientFramework> EndEarly for Call<F> {
    fn context(&self) -> &Context {
        &self.cx
    }

    /// The panic is recorded once, as the `http.client.request.exception` event
    /// (severity WARN, in the span's context), and on the span and the metric.
    fn panicked(self, payload: &(dyn std::any::Any + Send)) {
        let event = (CLIENT_EXCEPTION_EVENT, Severity::Warn);
        let description = exception::record_panic(
            &self.config.resolver,
            &self.cx,
            event,
            payload,
            "the request panicked",
        );
        self.end_early(Some((ERROR_TYPE_PANIC, description)));
    }

    /// The caller dropped the request (its own timeout, a `select!`, an abort): not an
    /// error of the request (HTTP client spans, semantic conventions 1.41 and later),
    /// so the status stays Unset and there is no `error.type`, on the span and on the
    /// duration. The span still ends, without `http.response.status_code`.
    fn cancelled(self) {
        self.end_early(None);
    }
}
