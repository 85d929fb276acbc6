//! Starting a request's telemetry: the parent context from the headers, the span name,
//! and every attribute known from the request head: present before the sampler decides
//! when it reads attributes, else made only for a span that records.

use crate::conventions::from_switches::Side;
use std::borrow::Cow;
use std::sync::Arc;
use std::time::Instant;

use http::header;
use opentelemetry::trace::{SpanBuilder, SpanKind};
use opentelemetry::{Context, KeyValue, Value};
use otel_kit_semconv::attribute as semconv;

use super::call::Call;
use super::config::Config;
use super::head::{ServerRequest, content_length};
use super::instruments::Instruments;
use crate::conventions::method::static_method;
use crate::conventions::redact_query;
use crate::interned;
use otel_kit_core::__private::Resolved;
use otel_kit_core::__private::server_context::{excluded_request_context, server_parent};
use otel_kit_core::SpanAttributes;

/// Starts the SERVER span for a traced request. Returns the context the handler runs
/// in (the span, plus the caller's baggage unless the endpoint is public) and what the
/// response future needs to finish the span and record the metrics.
///
/// For a span that records (or a sampler that reads attributes), allocates the
/// attribute vector (kept by the span), `url.path`, what the SDK allocates for the span
/// and the context entry that stores it as the
/// [`ServerSpan`](otel_kit_core::ServerSpan); every other value is `'static` or shared
/// ([`interned`]). The application's hooks allocate only when set.
pub(crate) fn start<R: ServerRequest + ?Sized>(
    config: &Arc<Config<R::Framework>>,
    request: &R,
    resolved: &Resolved<Instruments<R::Framework>>,
    started: Instant,
) -> Call<R::Framework> {
    let (incoming, state) = resolved.incoming(request.headers());
    // Its own counter, not an attribute of the duration metric (docs/http.md).
    resolved.instruments().count_incoming(state);
    // Every string taken from the request is cut to this (one length check when short).
    let limit = config.http.value_limit();
    let request_method = request.method();
    let (method_str, original) = config.http.known_methods(Side::Server).normalize(&request_method);
    let method = static_method(method_str).map_or_else(|| Value::from(method_str.to_owned()), Value::from);
    // Unknown methods name the span `HTTP ...`: a scanner sending random methods
    // cannot create random span names.
    let name_method = if original.is_some() { "HTTP" } else { method_str };
    // The raw path is never used in the name: it is unbounded and may carry identifiers.
    let (route, mut name) = match request.route() {
        Some(route) => {
            let (route, name) = interned::route(limit.cut(&route), name_method);
            (Some(route), name)
        }
        None => (
            None,
            static_method(name_method).map_or_else(|| Cow::Owned(name_method.to_owned()), Cow::Borrowed),
        ),
    };
    let named_by_hook = match request.span_name(&config.hooks) {
        Some(chosen) => {
            name = chosen;
            true
        }
        None => false,
    };
    // The addresses only once the span records; the metric needs the scheme alone.
    let scheme = config.origin.scheme(request);
    let version = request.protocol_version();

    // Room for the closing attributes too (status code, `error.type`, captured
    // response headers), so the vector the span keeps never grows.
    let capture = config.http.headers(Side::Server);
    // Made before the span starts when the sampler reads attributes (samplers see what
    // the application adds), else only once it records: a dropped span makes none.
    let attributes = || {
        let mut attributes = Vec::with_capacity(16 + capture.len());
        attributes.push(KeyValue::new(semconv::HTTP_REQUEST_METHOD, method.clone()));
        if let Some(original) = original {
            attributes.push(KeyValue::new(
                semconv::HTTP_REQUEST_METHOD_ORIGINAL,
                limit.cut(original).to_owned(),
            ));
        }
        attributes.push(KeyValue::new(
            semconv::URL_PATH,
            limit.cut(request.path()).to_owned(),
        ));
        if let Some(query) = request.query() {
            // Cut after redaction: a secret is recognised whole.
            attributes.push(KeyValue::new(
                semconv::URL_QUERY,
                limit.cut(&redact_query(query)).to_owned(),
            ));
        }
        let origin = config.origin.origin(request, limit);
        attributes.push(KeyValue::new(semconv::URL_SCHEME, origin.scheme));
        if let Some(route) = &route {
            attributes.push(KeyValue::new(semconv::HTTP_ROUTE, route.clone()));
        }
        if let Some(version) = version {
            attributes.push(KeyValue::new(semconv::NETWORK_PROTOCOL_VERSION, version));
        }
        if let Some((host, port)) = origin.server {
            attributes.push(KeyValue::new(semconv::SERVER_ADDRESS, host));
            if let Some(port) = port {
                attributes.push(KeyValue::new(semconv::SERVER_PORT, i64::from(port)));
            }
        }
        if let Some(client) = origin.client {
            attributes.push(KeyValue::new(semconv::CLIENT_ADDRESS, client));
        }
        if let Some((address, port)) = origin.peer {
            attributes.push(KeyValue::new(semconv::NETWORK_PEER_ADDRESS, address));
            attributes.push(KeyValue::new(semconv::NETWORK_PEER_PORT, i64::from(port)));
        }
        if let Some(agent) = request.header(&header::USER_AGENT) {
            attributes.push(KeyValue::new(
                semconv::USER_AGENT_ORIGINAL,
                interned::user_agent(agent, limit),
            ));
        }
        if !capture.is_empty() {
            attributes.extend(capture.request_attributes_within(request.headers(), limit));
        }
        // Last: a sampler that reads attributes sees what the application adds.
        request.add_span_attributes(&config.hooks, &mut SpanAttributes::new(&mut attributes));
        attributes
    };
    // A literal rather than the builder's by-value methods: each of those moves the
    // whole (large) builder.
    let mut builder = SpanBuilder {
        name,
        span_kind: Some(SpanKind::Server),
        ..SpanBuilder::default()
    };
    let metric_attributes = request.metric_attributes(&config.hooks);
    let parent = server_parent(incoming, config.public_endpoint, &mut builder.links);
    let (cx, recording) = resolved.start_server_span_with(builder, &parent, attributes);

    let mut call = Call::new(
        (cx, recording),
        config,
        started,
        (method, scheme, version, route),
        metric_attributes,
        content_length(request.header(&header::CONTENT_LENGTH)),
    );
    if named_by_hook {
        call.keep_name();
    }
    if config.active_requests {
        let _guard = call.context().clone().attach();
        resolved.instruments().active().add(
            1,
            &call.metric_attributes()[..Call::<R::Framework>::ACTIVE_ATTRIBUTES],
        );
    }
    call
}

/// Whether the request is excluded: by a path rule, then by an `exclude_when` predicate.
pub(crate) fn excluded<R: ServerRequest + ?Sized>(config: &Config<R::Framework>, request: &R) -> bool {
    config.exclusions.matches_path(request.path()) || request.excluded_by(&config.hooks)
}

/// The context an excluded request's handler runs in: the caller's, unless the
/// endpoint does not trust callers. No clock read: the thread's copy of the globals is
/// refreshed by traced requests.
pub(crate) fn untraced_context<R: ServerRequest + ?Sized>(
    config: &Config<R::Framework>,
    request: &R,
) -> Option<Context> {
    excluded_request_context(&config.resolver, None, request.headers(), config.public_endpoint)
}
