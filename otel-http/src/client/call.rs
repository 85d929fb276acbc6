//! [`Call`]: one outgoing request in flight, and how it ends: the span's closing
//! attributes, status and end, the `http.client.request.duration` point, and for a
//! transport error or a panic below the middleware its one exception event; or
//! cancellation, which is none of these.

use std::borrow::Cow;
use std::time::{Instant, SystemTime};

use opentelemetry::logs::Severity;
use opentelemetry::trace::{Status, TraceContextExt as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_semantic_conventions::attribute::{
    ERROR_TYPE, HTTP_RESPONSE_STATUS_CODE, NETWORK_PROTOCOL_VERSION,
};
use otel_kit_core::call::{ERROR_TYPE_PANIC, EndEarly};
use otel_kit_core::exception;
use otel_kit_core::{Resolver, SpanAttributes};
use reqwest::Response;

use super::instruments::Instruments;
use super::middleware::ClientHooks;
use super::outcome::{error_description, error_type, exception_type};
use crate::conventions::{CLIENT_EXCEPTION_EVENT, HeaderCapture, protocol_version};
use otel_kit_core::hooks::Signatures;

/// When a request started, read once for the span's start time and the duration.
#[derive(Clone, Copy)]
pub(super) struct Started {
    pub(super) instant: Instant,
    pub(super) time: SystemTime,
}

impl Started {
    pub(super) fn now() -> Self {
        Self {
            instant: Instant::now(),
            time: SystemTime::now(),
        }
    }
}

/// A traced request in flight: its CLIENT span's context and what ending it needs.
/// Ended exactly once: by [`finish`](Self::finish) with the result, or through
/// [`EndEarly`] when the request panicked or was dropped, so a cancelled request is
/// counted rather than lost.
pub(super) struct Call<'a> {
    /// The CLIENT span's context, carrying the middleware's active-request marker.
    cx: Context,
    resolver: &'a Resolver<Instruments>,
    headers: &'a HeaderCapture,
    /// The application's response hook, when set.
    response_span_attributes: Option<&'a <ClientHooks as Signatures>::ResponseSpanAttributes>,
    metric_attributes: Vec<KeyValue>,
    started: Started,
}

impl<'a> Call<'a> {
    pub(super) fn new(
        cx: Context,
        started: Started,
        resolver: &'a Resolver<Instruments>,
        headers: &'a HeaderCapture,
        response_span_attributes: Option<&'a <ClientHooks as Signatures>::ResponseSpanAttributes>,
        metric_attributes: Vec<KeyValue>,
    ) -> Self {
        Self {
            cx,
            resolver,
            headers,
            response_span_attributes,
            metric_attributes,
            started,
        }
    }

    /// The time since the request started, and the span's end time that matches it.
    fn elapsed(&self) -> (f64, SystemTime) {
        let elapsed = self.started.instant.elapsed();
        (elapsed.as_secs_f64(), self.started.time + elapsed)
    }

    /// Records the result on the span and the metric, then ends the span.
    pub(super) fn finish(self, result: &reqwest_middleware::Result<Response>) {
        let (seconds, end_time) = self.elapsed();
        let mut metric_attributes = self.metric_attributes;
        let span = self.cx.span();
        let mut both = |kv: KeyValue| {
            span.set_attribute(kv.clone());
            metric_attributes.push(kv);
        };
        match result {
            Ok(response) => {
                let status = response.status().as_u16();
                both(KeyValue::new(HTTP_RESPONSE_STATUS_CODE, i64::from(status)));
                if let Some(version) = protocol_version(response.version()) {
                    both(KeyValue::new(NETWORK_PROTOCOL_VERSION, version));
                }
                // The client rule: any 4xx or 5xx is an error for the caller. The
                // description stays empty, the status code already says it all.
                if status >= 400 {
                    both(KeyValue::new(ERROR_TYPE, status.to_string()));
                    span.set_status(Status::error(""));
                }
                if !self.headers.is_empty() {
                    span.set_attributes(self.headers.response_attributes(response.headers()));
                }
            }
            // The request raised: one `http.client.request.exception` (WARN: the
            // caller is expected to handle it), whose message is the status
            // description, which keeps the URL's secrets out.
            Err(error) => {
                let kind = error_type(error);
                both(KeyValue::new(ERROR_TYPE, kind));
                let description = error_description(error, kind);
                let event = (CLIENT_EXCEPTION_EVENT, Severity::Warn);
                self.resolver.with(None, |resolved| {
                    exception::record_error(resolved, &self.cx, event, exception_type(error), &description);
                });
                span.set_status(Status::error(description));
            }
        }
        if let Some(add) = self.response_span_attributes
            && span.is_recording()
        {
            let mut added = Vec::new();
            add(result, &mut SpanAttributes::new(&mut added));
            span.set_attributes(added);
        }
        record(&self.cx, self.resolver, seconds, &metric_attributes);
        span.end_with_timestamp(end_time);
    }

    /// Ended without a response: a panic below the middleware (`error`: its
    /// `error.type` and description), or the caller's cancellation (`None`).
    fn end_early(self, error: Option<(&'static str, Cow<'static, str>)>) {
        let (seconds, end_time) = self.elapsed();
        let span = self.cx.span();
        let mut metric_attributes = self.metric_attributes;
        if let Some((error_type, description)) = error {
            let error_type = KeyValue::new(ERROR_TYPE, error_type);
            span.set_attribute(error_type.clone());
            span.set_status(Status::error(description));
            metric_attributes.push(error_type);
        }
        span.end_with_timestamp(end_time);
        record(&self.cx, self.resolver, seconds, &metric_attributes);
    }
}

/// Records the duration with the span's context current, so an SDK that keeps
/// exemplars links the measurement to the span.
fn record(cx: &Context, resolver: &Resolver<Instruments>, seconds: f64, attributes: &[KeyValue]) {
    let _guard = cx.clone().attach();
    resolver.with(None, |resolved| {
        resolved.instruments().duration.record(seconds, attributes);
    });
}

impl EndEarly for Call<'_> {
    fn context(&self) -> &Context {
        &self.cx
    }

    /// The panic is recorded once, as the `http.client.request.exception` event
    /// (severity WARN, in the span's context), and on the span and the metric.
    fn panicked(self, payload: &(dyn std::any::Any + Send)) {
        let event = (CLIENT_EXCEPTION_EVENT, Severity::Warn);
        let description =
            exception::record_panic(self.resolver, &self.cx, event, payload, "the request panicked");
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

#[cfg(test)]
mod tests {
    use http::Extensions;
    use opentelemetry::trace::SpanKind;
    use otel_kit_testing::TestTelemetry;
    use reqwest::Request;
    use reqwest_middleware::{ClientBuilder, Middleware, Next};

    use crate::ClientMiddleware;

    /// A middleware below ours that panics instead of sending.
    struct Panics;

    #[async_trait::async_trait]
    impl Middleware for Panics {
        async fn handle(
            &self,
            _request: Request,
            _extensions: &mut Extensions,
            _next: Next<'_>,
        ) -> reqwest_middleware::Result<reqwest::Response> {
            panic!("middleware bug");
        }
    }

    #[tokio::test]
    async fn a_panic_below_the_middleware_ends_the_span_as_a_panic_and_unwinds_on() {
        let t = TestTelemetry::new();
        let client = ClientBuilder::new(reqwest::Client::new())
            .with(ClientMiddleware::new().providers(t.providers()))
            .with(Panics)
            .build();
        let sent = tokio::spawn(async move { client.get("http://127.0.0.1:9/orders").send().await }).await;
        assert!(sent.is_err_and(|e| e.is_panic()), "the panic reaches the caller");

        t.spans()
            .span("GET")
            .has_kind(SpanKind::Client)
            .is_error()
            .has_error_description("middleware bug")
            .has_attribute("error.type", "panic");
        t.metrics()
            .metric("http.client.request.duration")
            .histogram_point(&[("error.type", "panic".into())])
            .has_count(1);
    }
}
