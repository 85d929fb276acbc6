//! Finishing a traced request: the span's closing attributes, status and end, and the
//! metric points, for each way a request can end (a response, a service error, a panic,
//! or cancellation).

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Instant;

use http::{HeaderValue, Response};
use http_body::Body;
use opentelemetry::trace::{Status, TraceContextExt as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_semantic_conventions::attribute as semconv;

use super::layer::Config;
use super::metrics::Instruments;
use super::start::content_length;

/// `error.type` of a request whose future was dropped before the response was ready:
/// the client went away, a timeout layer gave up, or the server shut down. The span's
/// status is Error and it has no `http.response.status_code`.
///
/// ```
/// assert_eq!(otel_http::server::ERROR_TYPE_CANCELLED, "cancelled");
/// ```
pub const ERROR_TYPE_CANCELLED: &str = "cancelled";

/// `error.type` of a request whose handler panicked; the status description is the
/// panic message when it is a string.
///
/// ```
/// assert_eq!(otel_http::server::ERROR_TYPE_PANIC, "panic");
/// ```
pub const ERROR_TYPE_PANIC: &str = "panic";

/// What the response future needs to finish a traced request.
pub(super) struct Recording {
    config: Arc<Config>,
    started: Instant,
    /// Method and scheme first: they are also the attributes of `active_requests`.
    metric_attributes: Vec<KeyValue>,
    request_size: Option<u64>,
    instruments: Instruments,
}

/// How many leading `metric_attributes` `http.server.active_requests` carries.
const ACTIVE_ATTRIBUTES: usize = 2;

impl Recording {
    pub(super) fn new(
        config: Arc<Config>,
        started: Instant,
        metric_attributes: Vec<KeyValue>,
        request_size: Option<u64>,
        cx: &Context,
    ) -> Self {
        let instruments = config.metrics.get(config.active_requests, config.body_sizes);
        if let Some(active) = &instruments.active {
            let _guard = cx.clone().attach();
            active.add(1, &metric_attributes[..ACTIVE_ATTRIBUTES]);
        }
        Self {
            config,
            started,
            metric_attributes,
            request_size,
            instruments,
        }
    }

    /// The service answered. Call with `cx` attached, so metric points are recorded in
    /// the span's context.
    pub(super) fn respond<B: Body>(mut self, cx: &Context, response: &mut Response<B>) {
        let status = response.status();
        let code = KeyValue::new(semconv::HTTP_RESPONSE_STATUS_CODE, i64::from(status.as_u16()));
        let span = cx.span();
        let mut attributes = vec![code.clone()];
        self.metric_attributes.push(code);
        // Server rule: only 5xx is a server error; a 4xx is the client's mistake.
        if status.is_server_error() {
            let error_type = KeyValue::new(semconv::ERROR_TYPE, status.as_str().to_owned());
            attributes.push(error_type.clone());
            self.metric_attributes.push(error_type);
            span.set_status(Status::error(""));
        }
        if !self.config.headers.is_empty() {
            attributes.extend(self.config.headers.response_attributes(response.headers()));
        }
        span.set_attributes(attributes);
        if self.config.echo_traceparent {
            let sc = span.span_context();
            let value = format!(
                "00-{}-{}-{:02x}",
                sc.trace_id(),
                sc.span_id(),
                sc.trace_flags().to_u8()
            );
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert("traceparent", value);
            }
        }
        span.end();
        // axum and hyper set `Content-Length` after this layer, from the body's size
        // hint, so the hint is the usual source.
        let response_size =
            content_length(response.headers()).or_else(|| response.body().size_hint().exact());
        self.record(response_size);
    }

    /// The request ended without a response: a service error, a panic or
    /// cancellation. Call with `cx` attached.
    pub(super) fn fail(
        mut self,
        cx: &Context,
        error_type: Cow<'static, str>,
        description: Cow<'static, str>,
    ) {
        let error_type = KeyValue::new(semconv::ERROR_TYPE, error_type);
        let span = cx.span();
        span.set_attribute(error_type.clone());
        span.set_status(Status::error(description));
        span.end();
        self.metric_attributes.push(error_type);
        self.record(None);
    }

    fn record(self, response_size: Option<u64>) {
        let attributes = &self.metric_attributes;
        self.instruments
            .duration
            .record(self.started.elapsed().as_secs_f64(), attributes);
        if let Some(active) = &self.instruments.active {
            active.add(-1, &attributes[..ACTIVE_ATTRIBUTES]);
        }
        if let (Some(histogram), Some(size)) = (&self.instruments.request_size, self.request_size) {
            histogram.record(size, attributes);
        }
        if let (Some(histogram), Some(size)) = (&self.instruments.response_size, response_size) {
            histogram.record(size, attributes);
        }
    }
}
