//! [`Call`]: one request in flight, and how it ends: the span's closing attributes,
//! status and end, and the metric points, for each way a request can end (a response,
//! a service error, a panic, or cancellation).

use crate::conventions::from_switches::Side;
use std::borrow::Cow;
use std::sync::{Arc, LazyLock};
use std::time::Instant;

use opentelemetry::trace::{Status, TraceContextExt as _};
use opentelemetry::{Context, KeyValue, StringValue, Value};
use otel_kit_semconv::attribute as semconv;
use smallvec::SmallVec;

use opentelemetry::logs::Severity;
use otel_kit_core::__private::Resolver;
use otel_kit_core::__private::call::EndEarly;
use otel_kit_core::__private::exception;
use otel_kit_core::__private::hooks::Signatures;
use otel_kit_core::SpanAttributes;

use super::config::Config;
use super::framework::ServerFramework;
use super::head::ServerResponse;
use super::hooks::ServerHooks;
use super::instruments::Instruments;
use crate::bound_duration::BindableSet;
use crate::conventions::SERVER_EXCEPTION_EVENT;
use crate::framework::Tower;

/// `error.type` of a request whose future was dropped before the response was ready
/// (the client went away, a timeout layer gave up, or the server shut down): the
/// span's status is Error and it has no `http.response.status_code`.
pub use otel_kit_core::__private::call::ERROR_TYPE_CANCELLED;

/// `error.type` of a request whose handler panicked; the status description is the
/// panic message when it is a string.
pub use otel_kit_core::__private::call::ERROR_TYPE_PANIC;

/// A traced request in flight: its span's context and what the response future needs
/// to end it. `F` is the framework (tower's by default).
// `pub` in a private module: named by the public `ResponseFuture` aliases, never by users.
pub struct Call<F: ServerFramework = Tower> {
    /// The server span's context.
    cx: Context,
    /// Whether the span records (is sampled): asked once, when it started.
    recording: bool,
    started: Instant,
    method: Value,
    scheme: &'static str,
    version: Option<&'static str>,
    route: Option<StringValue>,
    /// What the application's metric hook added (empty, unallocated, without one).
    extra_metric_attributes: Vec<KeyValue>,
    request_size: Option<u64>,
    active_requests: bool,
    body_sizes: bool,
    echo_traceparent: bool,
    /// Only held when response headers are captured: every other option is copied,
    /// so that most requests do not touch the shared configuration's reference count.
    capture: Option<Arc<Config<F>>>,
    /// The application's response hook, when set.
    response_span_attributes: Option<Arc<<ServerHooks<F> as Signatures>::ResponseSpanAttributes>>,
    /// A clone costs nothing without given providers.
    resolver: Resolver<Instruments<F>>,
    /// The application's `span_name` hook named the span: a route learnt at the end
    /// ([`routed`](Self::routed)) does not rename it.
    named_by_hook: bool,
}

/// The metric attributes of one request, on the stack.
type MetricAttributes = SmallVec<[KeyValue; 6]>;

impl<F: ServerFramework> Call<F> {
    /// How many leading [`metric_attributes`](Self::metric_attributes) (method and
    /// scheme) `http.server.active_requests` carries.
    pub(crate) const ACTIVE_ATTRIBUTES: usize = 2;

    /// `cx` is the span's context and `recording` whether the span records; `head` is
    /// what `start` read from the request head for the metric: method, scheme, protocol
    /// version, route.
    pub(crate) fn new(
        (cx, recording): (Context, bool),
        config: &Arc<Config<F>>,
        started: Instant,
        head: (Value, &'static str, Option<&'static str>, Option<StringValue>),
        extra_metric_attributes: Vec<KeyValue>,
        request_size: Option<u64>,
    ) -> Self {
        let (method, scheme, version, route) = head;
        Self {
            cx,
            recording,
            started,
            method,
            scheme,
            version,
            route,
            extra_metric_attributes,
            request_size,
            active_requests: config.active_requests,
            body_sizes: config.body_sizes,
            echo_traceparent: config.echo_traceparent,
            capture: config
                .http
                .headers(Side::Server)
                .captures_response()
                .then(|| Arc::clone(config)),
            response_span_attributes: config.hooks.response_span_attributes.clone(),
            resolver: config.resolver.clone(),
            named_by_hook: false,
        }
    }

    /// The span was named by the application's `span_name` hook.
    pub(crate) fn keep_name(&mut self) {
        self.named_by_hook = true;
    }

    /// The framework routed the request only after the span started (actix-web, whose
    /// middleware runs before routing): `http.route` and the span name
    /// (`{method} {route}`) from `template`, and the route on the metric points. Call
    /// before the response ends the call.
    #[cfg(feature = "actix")]
    pub(crate) fn routed(&mut self, template: &str) {
        let Value::String(method) = &self.method else {
            return;
        };
        // As at start: an unknown method names the span `HTTP ...`.
        let name_method = match method.as_str() {
            "_OTHER" => "HTTP",
            known => known,
        };
        let (route, name) = crate::interned::route(template, name_method);
        if self.recording {
            let span = self.cx.span();
            span.set_attribute(KeyValue::new(semconv::HTTP_ROUTE, route.clone()));
            if !self.named_by_hook {
                span.update_name(name);
            }
        }
        self.route = Some(route);
    }

    /// The attributes every metric point of the request has, in a fixed order (the
    /// SDK finds an existing series fastest when the order repeats).
    pub(crate) fn metric_attributes(&self) -> MetricAttributes {
        let mut attributes = MetricAttributes::new();
        attributes.push(KeyValue::new(semconv::HTTP_REQUEST_METHOD, self.method.clone()));
        attributes.push(KeyValue::new(semconv::URL_SCHEME, self.scheme));
        if let Some(version) = self.version {
            attributes.push(KeyValue::new(semconv::NETWORK_PROTOCOL_VERSION, version));
        }
        if let Some(route) = &self.route {
            attributes.push(KeyValue::new(semconv::HTTP_ROUTE, route.clone()));
        }
        if !self.extra_metric_attributes.is_empty() {
            attributes.extend(self.extra_metric_attributes.iter().cloned());
        }
        attributes
    }

    /// The server span's context.
    pub(crate) fn context(&self) -> &Context {
        &self.cx
    }

    /// The service answered with `response`. Call with the context attached, so metric
    /// points are recorded in the span's context. `cause` is the message of the error a
    /// 5xx was rendered from (actix renders a handler's error as a response), the span's
    /// status description; without one, a 5xx's description stays empty, as the
    /// conventions ask when the status code says it all.
    pub(crate) fn respond<P: ServerResponse<Framework = F> + ?Sized>(
        self,
        response: &mut P,
        cause: Option<Cow<'static, str>>,
    ) {
        let status = response.status();
        let code = KeyValue::new(semconv::HTTP_RESPONSE_STATUS_CODE, i64::from(status));
        let span = self.cx.span();
        // A sampled-out span records nothing: skip building what it would drop.
        let recording = self.recording;
        // Server rule: only 5xx is a server error; a 4xx is the client's mistake.
        let error_type = (500..600)
            .contains(&status)
            .then(|| KeyValue::new(semconv::ERROR_TYPE, status_text(status)));
        // A 5xx carries `error.type`, whose text is not one of the bindable parts.
        let bindable = error_type.is_none().then_some(status);
        if recording {
            span.set_attribute(code.clone());
            if let Some(error_type) = &error_type {
                span.set_attribute(error_type.clone());
                span.set_status(Status::error(cause.unwrap_or_default()));
            }
            if let Some(config) = &self.capture {
                span.set_attributes(
                    config
                        .http
                        .headers(Side::Server)
                        .response_attributes(response.headers()),
                );
            }
            if let Some(add) = &self.response_span_attributes {
                let mut added = Vec::new();
                response.add_span_attributes(&**add, &mut SpanAttributes::new(&mut added));
                span.set_attributes(added);
            }
        }
        if self.echo_traceparent {
            let sc = span.span_context();
            let value = format!(
                "00-{}-{}-{:02x}",
                sc.trace_id(),
                sc.span_id(),
                sc.trace_flags().to_u8()
            );
            response.set_traceparent(&value);
        }
        // A span that does not record has nothing to end (its end reads the clock).
        if recording {
            span.end();
        }
        let response_size = if self.body_sizes {
            response.body_size()
        } else {
            None
        };
        let metric_attributes = || {
            let mut attributes = self.metric_attributes();
            attributes.push(code);
            attributes.extend(error_type);
            attributes
        };
        self.record(metric_attributes, response_size, bindable);
    }

    /// The service returned an error instead of a response: an exception nothing below
    /// handled, so one `http.server.request.exception` at ERROR (its message the status
    /// description), then [`fail`](Self::fail). Call with the context attached.
    pub(crate) fn raised(
        self,
        error_type: Cow<'static, str>,
        exception_type: &str,
        description: Cow<'static, str>,
    ) {
        self.exception(exception_type, &description);
        self.fail(error_type, description);
    }

    /// One `http.server.request.exception` at ERROR in the span's context, for an error
    /// nothing below handled, of type `exception_type` with message `description`.
    pub(crate) fn exception(&self, exception_type: &str, description: &str) {
        let event = (SERVER_EXCEPTION_EVENT, Severity::Error);
        self.resolver.with(None, |resolved| {
            exception::record_error(resolved, &self.cx, event, exception_type, description);
        });
    }

    /// The request ended without a response: a service error, a panic or
    /// cancellation. Call with the context attached.
    pub(crate) fn fail(self, error_type: Cow<'static, str>, description: Cow<'static, str>) {
        let error_type = KeyValue::new(semconv::ERROR_TYPE, error_type);
        if self.recording {
            let span = self.cx.span();
            span.set_attribute(error_type.clone());
            span.set_status(Status::error(description));
            span.end();
        }
        let metric_attributes = || {
            let mut attributes = self.metric_attributes();
            attributes.push(error_type);
            attributes
        };
        self.record(metric_attributes, None, None);
    }

    /// Records the request's metric points for the set `attributes` makes, made only when
    /// a point needs it: a duration through a bound histogram does not. `status` is the
    /// response's status code when the set is exactly
    /// [`metric_attributes`](Self::metric_attributes) and the status code: then the
    /// duration may go through a bound histogram.
    fn record(
        &self,
        attributes: impl FnOnce() -> MetricAttributes,
        response_size: Option<u64>,
        status: Option<u16>,
    ) {
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(self.started).as_secs_f64();
        // What the application's hook added is not among the parts a bound set is
        // known by.
        let set = status
            .filter(|_| self.extra_metric_attributes.is_empty())
            .map(|status| BindableSet {
                method: &self.method,
                shared: self.route.as_ref(),
                fixed: [Some(self.scheme), self.version],
                numbers: [status, 0],
            });
        self.resolver.with(Some(now), |resolved| {
            let instruments = resolved.instruments();
            if !self.active_requests && !self.body_sizes {
                return instruments.record_duration(elapsed, attributes, set);
            }
            let attributes = attributes();
            instruments.record_duration(elapsed, || &attributes[..], set);
            if self.active_requests {
                instruments
                    .active()
                    .add(-1, &attributes[..Self::ACTIVE_ATTRIBUTES]);
            }
            if self.body_sizes {
                if let Some(size) = self.request_size {
                    instruments.request_size().record(size, &attributes);
                }
                if let Some(size) = response_size {
                    instruments.response_size().record(size, &attributes);
                }
            }
        });
    }
}

impl<F: ServerFramework> EndEarly for Call<F> {
    fn context(&self) -> &Context {
        &self.cx
    }

    /// The panic is recorded once, as the `http.server.request.exception` event
    /// (severity ERROR, in the span's context), and on the span and the metric.
    fn panicked(self, payload: &(dyn std::any::Any + Send)) {
        let event = (SERVER_EXCEPTION_EVENT, Severity::Error);
        let description =
            exception::record_panic(&self.resolver, &self.cx, event, payload, "the handler panicked");
        self.fail(ERROR_TYPE_PANIC.into(), description);
    }

    fn cancelled(self) {
        self.fail(
            ERROR_TYPE_CANCELLED.into(),
            "the request was cancelled before the response was ready".into(),
        );
    }
}

/// `error.type` of a 5xx response: its status code as text, shared.
fn status_text(code: u16) -> StringValue {
    static SERVER_ERRORS: LazyLock<Vec<StringValue>> = LazyLock::new(|| {
        (500..600)
            .map(|code: u16| StringValue::from(Arc::<str>::from(code.to_string())))
            .collect()
    });
    match code
        .checked_sub(500)
        .and_then(|i| SERVER_ERRORS.get(usize::from(i)))
    {
        Some(text) => text.clone(),
        None => StringValue::from(code.to_string()),
    }
}
