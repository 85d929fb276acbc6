//! [`Call`]: one traced call in flight, and how it ends: the span's closing
//! attributes, status and end, and the duration point, equal to the span's duration.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use http::HeaderMap;
use opentelemetry::trace::{Status, TraceContextExt as _};
use opentelemetry::{Context, KeyValue, StringValue};
use otel_kit_semconv::attribute as semconv;
use smallvec::SmallVec;
use tonic::Code;

use otel_kit_core::__private::Resolver;
use otel_kit_core::__private::call::EndEarly;
use otel_kit_core::__private::exception;
use otel_kit_core::SpanAttributes;

use otel_kit_core::__private::hooks::Signatures;

use crate::call_outcome::{CallHooks, CallOutcome};
use crate::instruments::Instruments;
use crate::metadata::MetadataCapture;
use crate::method::{self, OTHER, UNKNOWN_SPAN_NAME};
use crate::status::{Side, code_name};

/// `error.type` of a call whose future panicked; the status description is the panic
/// message when it is a string.
pub use otel_kit_core::__private::call::ERROR_TYPE_PANIC;

/// How `rpc.method` is decided for a call.
pub(crate) enum MethodRule {
    /// Set when the span started (a client's method, or a server method of a
    /// declared service, or `_OTHER`): nothing left to decide.
    Decided(StringValue),
    /// A server call without a declared service list, to a method not yet seen to
    /// exist: the method in the path, set when the span started, unless the server
    /// answers `UNIMPLEMENTED`; then it is corrected when the call ends: `_OTHER`,
    /// with the path's method as `rpc.method_original`, the span renamed `grpc`.
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    UnlessUnimplemented(StringValue),
}

/// One traced call, from its start to the end of its response stream.
// `pub` in a private module: named by the public `ResponseFuture` alias, never by users.
pub struct Call {
    pub(crate) side: Side,
    /// The call's span, and the caller's baggage.
    pub(crate) cx: Context,
    /// Whether the span records (is sampled): asked once, when it started.
    recording: bool,
    started: Instant,
    start_time: SystemTime,
    method: MethodRule,
    /// The client's `server.address` and `server.port`, also on its metric.
    server: Option<(StringValue, Option<i64>)>,
    /// When the deadline the request carried (`grpc-timeout`) passes.
    pub(crate) deadline: Option<Instant>,
    /// Response metadata to capture, when any is listed.
    capture: Option<Arc<MetadataCapture>>,
    /// The `grpc-message` that came with the status: the error span's description.
    pub(crate) message: Option<String>,
    /// What the application's metric hook added (empty, unallocated, without one).
    pub(crate) extra_metric_attributes: Vec<KeyValue>,
    /// The application's response hook, when set.
    pub(crate) response_span_attributes: Option<Arc<<CallHooks as Signatures>::ResponseSpanAttributes>>,
    /// Where the duration point goes (a clone costs nothing without given providers).
    resolver: Resolver<Instruments>,
}

/// How a call ended.
pub(crate) enum Outcome {
    /// With a gRPC status: from the response headers, the trailers, or derived from a
    /// transport error (client) or a cancellation.
    Status(Code),
    /// Without a status of its own: the service failed with an error that is no
    /// `Status`, or panicked (or, on the client, a panic below the layer).
    /// `rpc.status_code` is `UNKNOWN`, what gRPC answers for an error that
    /// carries no status (tonic's `Status::from_error`, grpc-java's uncaught exception);
    /// `error.type` says more.
    Failed {
        error_type: Cow<'static, str>,
        description: Cow<'static, str>,
    },
}

type MetricAttributes = SmallVec<[KeyValue; 6]>;

/// How early a call may end and still count as past its deadline.
const DEADLINE_SLACK: Duration = Duration::from_millis(5);

impl Call {
    pub(crate) fn new(
        (side, resolver): (Side, Resolver<Instruments>),
        (cx, recording): (Context, bool),
        (started, start_time): (Instant, SystemTime),
        method: MethodRule,
        server: Option<(StringValue, Option<i64>)>,
        deadline: Option<Instant>,
        capture: Option<Arc<MetadataCapture>>,
    ) -> Self {
        Self {
            side,
            cx,
            recording,
            started,
            start_time,
            method,
            server,
            deadline,
            capture,
            message: None,
            extra_metric_attributes: Vec::new(),
            response_span_attributes: None,
            resolver,
        }
    }

    /// Captures the listed response metadata present in the response headers
    /// `headers` on the span (`rpc.response.header.<key>`).
    pub(crate) fn capture_response_headers(&self, headers: &HeaderMap) {
        if let Some(capture) = &self.capture
            && self.recording
        {
            self.cx
                .span()
                .set_attributes(capture.response_header_attributes(headers));
        }
    }

    /// Captures the listed response metadata present in the trailers `trailers` on the
    /// span (`rpc.response.trailer.<key>`): the trailers after the messages, or the head
    /// of a trailers-only response.
    pub(crate) fn capture_trailers(&self, trailers: &HeaderMap) {
        if let Some(capture) = &self.capture
            && self.recording
        {
            self.cx
                .span()
                .set_attributes(capture.response_trailer_attributes(trailers));
        }
    }

    /// True when the request's deadline has passed at `now`, give or take
    /// [`DEADLINE_SLACK`]: tonic's server starts its timer before this layer sees the
    /// request, and timers fire on millisecond ticks.
    pub(crate) fn deadline_passed(&self, now: Instant) -> bool {
        self.deadline
            .is_some_and(|deadline| now + DEADLINE_SLACK >= deadline)
    }

    /// The code of a call dropped before it ended: `DEADLINE_EXCEEDED` when its
    /// deadline has passed, else `CANCELLED`.
    pub(crate) fn dropped_code(&self, now: Instant) -> Code {
        if self.deadline_passed(now) {
            Code::DeadlineExceeded
        } else {
            Code::Cancelled
        }
    }

    /// Ends a call whose response future or body was dropped before it ended:
    /// `CANCELLED`, or `DEADLINE_EXCEEDED` once the request's deadline has passed, each
    /// an error or not by the side's rule ([`Side::is_error`]). On the client, a
    /// `CANCELLED` call was given up by its own caller (a timeout around it, a
    /// `select!`, a stream dropped early), and the gRPC conventions make every code but
    /// `OK` a client error: status Error, `error.type = CANCELLED`, on the span and the
    /// duration. On the server it is the client going away, not an error. Call with the
    /// context attached.
    pub(crate) fn finish_dropped(self) {
        let code = self.dropped_code(Instant::now());
        self.finish(Outcome::Status(code));
    }

    /// Ends the span and records the duration. Call with the context attached, so
    /// the point is recorded in the span's context (exemplars).
    pub(crate) fn finish(self, outcome: Outcome) {
        self.finish_with(outcome, None);
    }

    /// [`finish`](Self::finish), for a status that came in `metadata` (the response
    /// headers of a trailers-only response, or the trailers).
    pub(crate) fn finish_with(self, outcome: Outcome, metadata: Option<&HeaderMap>) {
        let now = Instant::now();
        let span = self.cx.span();
        let recording = self.recording;
        if recording && let Some(add) = &self.response_span_attributes {
            let (code, error_type) = match &outcome {
                Outcome::Status(code) => (Some(*code), None),
                Outcome::Failed { error_type, .. } => (None, Some(&**error_type)),
            };
            let ended = CallOutcome {
                code,
                message: self.message.as_deref(),
                metadata,
                error_type,
            };
            let mut added = Vec::new();
            add(&ended, &mut SpanAttributes::new(&mut added));
            span.set_attributes(added);
        }
        let mut metric = MetricAttributes::new();
        metric.push(KeyValue::new(semconv::RPC_SYSTEM_NAME, crate::method::GRPC));
        let method = match (&self.method, &outcome) {
            (MethodRule::Decided(method), _) => method.clone(),
            (MethodRule::UnlessUnimplemented(full), Outcome::Status(Code::Unimplemented)) => {
                if recording {
                    span.update_name(UNKNOWN_SPAN_NAME);
                    // Set again: the SDK keeps both values, and the kit's exporters
                    // send the last (see `otel_kit_core::__private::repeated_keys`).
                    span.set_attribute(KeyValue::new(semconv::RPC_METHOD, OTHER));
                    span.set_attribute(KeyValue::new(semconv::RPC_METHOD_ORIGINAL, full.clone()));
                }
                StringValue::from(OTHER)
            }
            (MethodRule::UnlessUnimplemented(full), _) => {
                method::confirm_served(full.as_str());
                full.clone()
            }
        };
        metric.push(KeyValue::new(semconv::RPC_METHOD, method));
        match outcome {
            Outcome::Status(code) => {
                let name = code_name(code);
                metric.push(KeyValue::new(semconv::RPC_STATUS_CODE, name));
                let error = self.side.is_error(code);
                if error {
                    metric.push(KeyValue::new(semconv::ERROR_TYPE, name));
                }
                if recording {
                    span.set_attribute(KeyValue::new(semconv::RPC_STATUS_CODE, name));
                    if error {
                        span.set_attribute(KeyValue::new(semconv::ERROR_TYPE, name));
                        span.set_status(Status::error(self.message.unwrap_or_default()));
                    }
                }
            }
            Outcome::Failed {
                error_type,
                description,
            } => {
                let code = KeyValue::new(semconv::RPC_STATUS_CODE, code_name(Code::Unknown));
                let error_type = KeyValue::new(semconv::ERROR_TYPE, error_type);
                metric.push(code.clone());
                metric.push(error_type.clone());
                span.set_attribute(code);
                span.set_attribute(error_type);
                span.set_status(Status::error(description));
            }
        }
        if let Some((address, port)) = &self.server {
            metric.push(KeyValue::new(semconv::SERVER_ADDRESS, address.clone()));
            if let Some(port) = port {
                metric.push(KeyValue::new(semconv::SERVER_PORT, *port));
            }
        }
        if !self.extra_metric_attributes.is_empty() {
            metric.extend(self.extra_metric_attributes.iter().cloned());
        }
        // The span ends at the start time plus the measured duration, so the metric
        // point and the span's duration are the same number.
        let elapsed = now.saturating_duration_since(self.started);
        span.end_with_timestamp(self.start_time + elapsed);
        let side = self.side;
        self.resolver.with(Some(now), |resolved| {
            resolved
                .instruments()
                .duration(side)
                .record(elapsed.as_secs_f64(), &metric);
        });
    }
}

impl Call {
    /// Records the error that ends the call as the side's exception event
    /// ([`Side::exception_event`]) in the call's context: once, by the one place that
    /// ends the call with it.
    pub(crate) fn record_exception(&self, exception_type: &str, message: &str) {
        let event = self.side.exception_event();
        self.resolver.with(None, |resolved| {
            exception::record_error(resolved, &self.cx, event, exception_type, message);
        });
    }
}

impl EndEarly for Call {
    fn context(&self) -> &Context {
        &self.cx
    }

    /// The panic is recorded once, as the side's exception event in the span's
    /// context ([`Side::exception_event`]), and on the span and the metric.
    fn panicked(self, payload: &(dyn std::any::Any + Send)) {
        let event = self.side.exception_event();
        let description =
            exception::record_panic(&self.resolver, &self.cx, event, payload, "the service panicked");
        self.finish(Outcome::Failed {
            error_type: ERROR_TYPE_PANIC.into(),
            description,
        });
    }

    /// See [`Call::finish_dropped`].
    fn cancelled(self) {
        self.finish_dropped();
    }
}
