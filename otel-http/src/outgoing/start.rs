//! Starting an outgoing request's CLIENT span: the request-side facts both signals need,
//! read once from the front-end's request ([`Target`], [`RequestInfo`]), the hooks'
//! results ([`Plan`]), and [`Plan::start`], which starts the span with
//! `server.service.name`, injects its context, captures request headers and marks the
//! request as in flight.

use std::borrow::Cow;
use std::sync::Arc;

use crate::propagation::HeaderInjector;
use http::{Extensions, HeaderMap, Method};
use opentelemetry::propagation::Injector;
use opentelemetry::trace::{SpanBuilder, SpanKind, TraceContextExt as _};
use opentelemetry::{Context, KeyValue, Value};
use otel_kit_core::__private::carrier::HeaderSource;
use otel_kit_core::__private::hooks::Signatures;
use otel_kit_core::{MetricAttributes, RequestValueLimit, SpanAttributes};
use otel_kit_semconv::attribute::{
    HTTP_REQUEST_METHOD_ORIGINAL, HTTP_REQUEST_RESEND_COUNT, URL_FULL, URL_TEMPLATE,
};

use super::call::{Call, CommonParts, MetricParts, Started};
use super::config::Config;
use super::extensions::{ActiveRequest, NoPropagation, OutgoingMarks, UrlTemplate};
use super::framework::{ClientFramework, ClientHooks, PropagationFilter};
use crate::conventions::from_switches::Side;
use crate::conventions::method::static_method;
use crate::conventions::{KnownMethods, redact_url};

/// Where a request goes, as its front-end reads it from its URL.
pub(crate) struct Target<'a> {
    /// The host, an IPv6 literal without its brackets.
    pub(crate) host: Option<&'a str>,
    /// The port, else the scheme's default.
    pub(crate) port: Option<u16>,
    pub(crate) path: &'a str,
    /// The whole URL, before redaction.
    pub(crate) full: Cow<'a, str>,
}

impl Target<'_> {
    /// `host` as a URL gives it (`[::1]` for an IPv6 literal), without brackets.
    pub(crate) fn bare_host(host: &str) -> &str {
        host.trim_start_matches('[').trim_end_matches(']')
    }
}

/// The headers of an outgoing request, whatever map holds them: the propagator writes
/// into them, the header capture reads them.
pub(crate) trait RequestHeaders {
    /// What the header capture reads.
    type Source: HeaderSource + ?Sized;

    /// The propagator's writer.
    fn injector(&mut self) -> impl Injector + '_;

    /// The headers, as the header capture reads them.
    fn source(&self) -> &Self::Source;
}

impl RequestHeaders for HeaderMap {
    type Source = HeaderMap;

    fn injector(&mut self) -> impl Injector + '_ {
        HeaderInjector(self)
    }

    fn source(&self) -> &HeaderMap {
        self
    }
}

/// The request-side facts, in the form both signals need. Each string is made once:
/// the span's and the metric's attributes share it.
pub(crate) struct RequestInfo {
    pub(crate) span_name: Cow<'static, str>,
    common: CommonParts,
    /// Span-only attributes known before sending; `url.full` (which the conventions
    /// list for samplers) is made by [`Plan::start`] from the target, and
    /// `server.service.name` once the span records.
    original: Option<String>,
    template: Option<String>,
    resend_count: u32,
}

impl RequestInfo {
    pub(crate) fn new(
        method: &Method,
        target: &Target<'_>,
        known: &KnownMethods,
        template: Option<&UrlTemplate>,
        resend_count: u32,
        limit: RequestValueLimit,
    ) -> Self {
        let (normalized, original) = known.normalize(method);
        let name_method = known.span_name_method(method);
        let span_name = match template {
            Some(t) => Cow::Owned(format!("{name_method} {}", t.as_str())),
            None => {
                static_method(name_method).map_or_else(|| Cow::Owned(name_method.to_owned()), Cow::Borrowed)
            }
        };
        Self {
            span_name,
            common: CommonParts {
                method: static_method(normalized)
                    .map_or_else(|| Value::from(normalized.to_owned()), Value::from),
                // Shared, not copied, by the span's and the metric's attributes.
                host: target.host.map(crate::interned::target_host),
                port: target.port,
            },
            original: original.map(|original| limit.cut(original).to_owned()),
            template: template.map(|t| t.as_str().to_owned()),
            resend_count,
        }
    }
}

/// A traced request about to start: its span's name, what its attributes are made
/// from, and its metric's attributes, with what the application's request hooks added.
pub(crate) struct Plan {
    name: Cow<'static, str>,
    info: RequestInfo,
    /// What the application's span attributes hook added (its closure borrows the
    /// request, so it runs here, for every traced request, when one is set).
    hooked: Vec<KeyValue>,
    metric: MetricParts,
}

/// A front-end's request hooks, by what they add.
type SpanAttributesHook<F> = <ClientHooks<F> as Signatures>::RequestSpanAttributes;
type SpanNameHook<F> = <ClientHooks<F> as Signatures>::SpanName;
type MetricHook<F> = <ClientHooks<F> as Signatures>::RequestMetricAttributes;

impl<F: ClientFramework> Config<F> {
    /// Whether a request goes out with trace context: not with a [`NoPropagation`]
    /// extension, else as the front-end's filter (`filter`, called with it) says.
    pub(crate) fn propagates(
        &self,
        extensions: &Extensions,
        filter: impl FnOnce(&PropagationFilter<F>) -> bool,
    ) -> bool {
        extensions.get::<NoPropagation>().is_none() && self.propagate.as_deref().is_none_or(filter)
    }

    /// Whether the request is one an outer front-end is already sending (stacked
    /// front-ends, or a client that forwards it with the same extensions): its span
    /// covers this call, a second one would only duplicate it.
    #[cfg(any(feature = "client", feature = "tower-client"))]
    pub(crate) fn nested(extensions: &Extensions, parent: &Context) -> bool {
        OutgoingMarks::of(extensions)
            .active
            .is_some_and(|active| active.encloses(parent))
    }

    /// Injects the caller's context into an excluded request, which gets no telemetry of
    /// its own: the server still continues the caller's trace.
    pub(crate) fn inject_excluded<H: RequestHeaders + ?Sized>(&self, parent: &Context, headers: &mut H) {
        self.resolver
            .with(None, |resolved| resolved.inject(parent, &mut headers.injector()));
    }

    /// The request's span name and attributes from `info` and the application's hooks,
    /// each called through the front-end's closure with its own arguments:
    /// `span_attributes` before the span starts (samplers see what it adds), `span_name`,
    /// `metric_attributes` (bounded).
    pub(crate) fn plan(
        &self,
        mut info: RequestInfo,
        span_attributes: impl FnOnce(&SpanAttributesHook<F>, &mut SpanAttributes<'_>),
        span_name: impl FnOnce(&SpanNameHook<F>) -> Option<Cow<'static, str>>,
        metric_attributes: impl FnOnce(&MetricHook<F>, &mut MetricAttributes<'_>),
    ) -> Plan {
        let mut hooked = Vec::new();
        if let Some(add) = &self.hooks.request_span_attributes {
            span_attributes(&**add, &mut SpanAttributes::new(&mut hooked));
        }
        let default_name = std::mem::take(&mut info.span_name);
        let name = match &self.hooks.span_name {
            Some(name) => span_name(&**name).unwrap_or(default_name),
            None => default_name,
        };
        // The parts, not the set: a duration recorded through a bound histogram needs
        // no attribute made.
        let metric = MetricParts {
            common: info.common.clone(),
            added: self.hooks.metric_attributes(metric_attributes),
        };
        Plan {
            name,
            info,
            hooked,
            metric,
        }
    }
}

impl Plan {
    /// Starts the CLIENT span, a child of `parent`; once it records (is sampled), adds
    /// `server.service.name` when the mapping names the target: an unsampled span does not
    /// look it up. Injects its context into `headers` when
    /// `propagate`; captures the listed request headers (after injection) on a recording
    /// span; marks the request in `extensions` (a front-end whose requests carry none
    /// passes `None`) as in flight (`ActiveRequest`). One clock reading starts
    /// the span and the duration, so the span lasts exactly as long as the measurement
    /// says.
    pub(crate) fn start<F: ClientFramework, H: RequestHeaders + ?Sized>(
        self,
        config: &Arc<Config<F>>,
        parent: &Context,
        target: &Target<'_>,
        headers: &mut H,
        extensions: Option<&mut Extensions>,
        propagate: bool,
    ) -> Call<F> {
        let Plan {
            name,
            info,
            hooked,
            metric,
        } = self;
        let started = Started::now();
        let limit = config.http.value_limit();
        // Made before the span starts when the sampler reads attributes, else only once
        // it records: a dropped span makes none.
        let attributes = move || {
            // Room for what the call adds when it ends (status code, protocol version,
            // `server.service.name`, `error.type`), so the vector the span keeps never grows.
            let mut attributes = Vec::with_capacity(12 + hooked.len());
            info.common.push_into(&mut attributes);
            // Cut after redaction: a credential is recognised whole.
            attributes.push(KeyValue::new(
                URL_FULL,
                limit.cut(&redact_url(&target.full)).to_owned(),
            ));
            if let Some(original) = info.original {
                attributes.push(KeyValue::new(HTTP_REQUEST_METHOD_ORIGINAL, original));
            }
            if let Some(template) = info.template {
                attributes.push(KeyValue::new(URL_TEMPLATE, template));
            }
            if info.resend_count > 0 {
                attributes.push(KeyValue::new(
                    HTTP_REQUEST_RESEND_COUNT,
                    i64::from(info.resend_count),
                ));
            }
            attributes.extend(hooked);
            attributes
        };
        let (cx, recording) = config.resolver.with(Some(started.instant), |resolved| {
            let builder = SpanBuilder::from_name(name)
                .with_kind(SpanKind::Client)
                .with_start_time(started.time);
            let peer = target.host.map(|host| (host, target.port, target.path));
            let (cx, recording) = resolved.start_span_to_with(builder, parent, peer, attributes);
            if propagate {
                resolved.inject(&cx, &mut headers.injector());
            }
            (cx, recording)
        });
        let capture = config.http.headers(Side::Client);
        if recording && !capture.is_empty() {
            cx.span()
                .set_attributes(capture.request_attributes_within(headers.source(), limit));
        }
        let marker = ActiveRequest::for_call(
            cx.span().span_context().span_id(),
            parent.span().span_context().span_id(),
        );
        if let Some(extensions) = extensions {
            OutgoingMarks::update(extensions, |marks| marks.active = Some(marker));
        }
        let cx = match marker {
            ActiveRequest::Span(_) => cx,
            ActiveRequest::Counted(_) => cx.with_value(marker),
        };
        Call::new(cx, started, Arc::clone(config), metric)
    }
}
