//! Starting a server call's telemetry: the parent context from the metadata, the
//! method and span name, and every attribute known from the request head.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use http::request::Parts;
use opentelemetry::trace::{SpanBuilder, SpanKind};
use opentelemetry::{KeyValue, StringValue};
use otel_kit_semconv::attribute as semconv;
use tonic::transport::server::TcpConnectInfo;

use super::layer::ServerSide;
use crate::call::{Call, MethodRule};
use crate::layer::Config;
use crate::method::{self, OTHER, UNKNOWN_SPAN_NAME, parse_path};
use otel_kit_core::__private::Resolved;
use otel_kit_core::__private::server_context::server_parent;
use otel_kit_core::SpanAttributes;

use crate::instruments::Instruments;
use crate::status::Side;
use crate::timeout::deadline;

/// Starts the SERVER span of a call; returns the call, whose context the handler
/// runs in.
pub(super) fn start(
    config: &Arc<Config<ServerSide>>,
    request: &Parts,
    resolved: &Resolved<Instruments>,
    now: Instant,
) -> Call {
    let start_time = SystemTime::now();
    let headers = &request.headers;
    let mut attributes = Vec::with_capacity(12);
    attributes.push(KeyValue::new(semconv::RPC_SYSTEM_NAME, crate::method::GRPC));

    // Every string taken from the request is cut to this (one length check when short).
    let limit = config.value_limit.get();
    let path = request.uri.path();
    let known = |service: &str| {
        config
            .side
            .known
            .as_ref()
            .map(|known| known.iter().any(|k| k == service))
    };
    // A path longer than the limit is no method name: recorded as an unknown method.
    let parsed = parse_path(path).filter(|_| path.len() <= limit.max_bytes());
    let (rule, mut name): (MethodRule, Cow<'static, str>) = match parsed {
        Some((service, full)) if known(service) != Some(false) => {
            let declared = known(service) == Some(true);
            if declared {
                method::confirm_served(full);
            }
            let served = method::served(full);
            let (value, name) = match served {
                Some(name) => (StringValue::from(name), Cow::Borrowed(name)),
                None => method::named(full),
            };
            // Set now, where samplers see it. Declared, or seen to exist: decided. Else
            // it stands unless the call ends `UNIMPLEMENTED`, which corrects it to
            // `_OTHER` at the end.
            attributes.push(KeyValue::new(semconv::RPC_METHOD, value.clone()));
            if declared || served.is_some() {
                (MethodRule::Decided(value), name)
            } else {
                (MethodRule::UnlessUnimplemented(value), name)
            }
        }
        // Not a gRPC path, or a service the server does not declare.
        _ => {
            attributes.push(KeyValue::new(semconv::RPC_METHOD, OTHER));
            let original = path.strip_prefix('/').unwrap_or(path);
            attributes.push(KeyValue::new(
                semconv::RPC_METHOD_ORIGINAL,
                limit.cut(original).to_owned(),
            ));
            (
                MethodRule::Decided(StringValue::from(OTHER)),
                Cow::Borrowed(UNKNOWN_SPAN_NAME),
            )
        }
    };

    if let Some(span_name) = &config.hooks.span_name
        && let Some(chosen) = span_name(request)
    {
        name = chosen;
    }

    // The rest are made before the span starts when the sampler reads attributes, else
    // only once it records: a dropped span makes none.
    let attributes = move || {
        if let Some(authority) = request.uri.authority() {
            let host = authority.host();
            let host = host
                .strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .unwrap_or(host);
            attributes.push(KeyValue::new(semconv::SERVER_ADDRESS, limit.cut(host).to_owned()));
            if let Some(port) = authority.port_u16() {
                attributes.push(KeyValue::new(semconv::SERVER_PORT, i64::from(port)));
            }
        }
        if let Some(peer) = request
            .extensions
            .get::<TcpConnectInfo>()
            .and_then(TcpConnectInfo::remote_addr)
        {
            attributes.push(KeyValue::new(
                semconv::NETWORK_PEER_ADDRESS,
                peer.ip().to_string(),
            ));
            attributes.push(KeyValue::new(semconv::NETWORK_PEER_PORT, i64::from(peer.port())));
        }
        if !config.capture.is_empty() {
            attributes.extend(config.capture.request_attributes(headers, limit));
        }
        // Last: samplers that read attributes see what the application adds.
        if let Some(add) = &config.hooks.request_span_attributes {
            add(request, &mut SpanAttributes::new(&mut attributes));
        }
        attributes
    };
    let mut builder = SpanBuilder {
        name,
        span_kind: Some(SpanKind::Server),
        start_time: Some(start_time),
        ..SpanBuilder::default()
    };
    let (incoming, state) = resolved.incoming(headers);
    // Its own counter, not an attribute of the duration metric (docs/grpc.md).
    resolved.instruments().count_incoming(state);
    let parent = server_parent(incoming, config.side.public_endpoint, &mut builder.links);
    let (cx, recording) = resolved.start_server_span_with(builder, &parent, attributes);
    let mut call = Call::new(
        (Side::Server, config.resolver.clone()),
        (cx, recording),
        (now, start_time),
        rule,
        None,
        deadline(headers, now),
        config
            .capture
            .captures_response()
            .then(|| Arc::clone(&config.capture)),
    );
    call.extra_metric_attributes = config.hooks.metric_attributes(|add, metric| add(request, metric));
    call.response_span_attributes = config.hooks.response_span_attributes.clone();
    call
}
