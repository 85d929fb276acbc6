//! [`ClientService`]: the layered channel.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use http::Request;
use opentelemetry::trace::{SpanBuilder, SpanKind};
use opentelemetry::{Context, KeyValue, StringValue};
use opentelemetry_http::HeaderInjector;
use otel_kit_core::__private::call::CallFuture;
use otel_kit_core::SpanAttributes;
use otel_kit_semconv::attribute as semconv;
use tower::Service;

use super::ClientSide;
use super::target::Server;
use crate::call::{Call, MethodRule};
use crate::future::ResponseFuture;
use crate::layer::{Config, sealed};
use crate::method::{self, OTHER, UNKNOWN_SPAN_NAME, parse_path};
use crate::status::Side;
use crate::timeout::deadline;

impl sealed::Sealed for ClientSide {
    fn call<S, ReqBody>(
        config: &Arc<Config<Self>>,
        inner: &mut S,
        request: Request<ReqBody>,
    ) -> ResponseFuture<S::Future>
    where
        S: Service<Request<ReqBody>>,
    {
        // Predicates and hooks see the request head as `Parts`; moving the parts out and
        // back allocates nothing.
        let (mut parts, body) = request.into_parts();
        // Every string taken from the request is cut to this (one length check when short);
        // a path longer than it is no method name.
        let limit = config.value_limit.get();
        let parsed = parse_path(parts.uri.path()).filter(|_| parts.uri.path().len() <= limit.max_bytes());
        let hooks = &config.hooks;
        if parsed.is_some_and(|(service, _)| config.exclusions.excludes(service))
            || hooks.excludes(|exclude| exclude(&parts))
        {
            // No telemetry of our own; the server still continues the caller's trace.
            let cx = Context::current();
            config.resolver.with(None, |resolved| {
                resolved.inject(&cx, &mut HeaderInjector(&mut parts.headers))
            });
            let request = Request::from_parts(parts, body);
            return ResponseFuture::new(CallFuture::untraced(inner.call(request), None));
        }
        let now = Instant::now();
        let start_time = SystemTime::now();
        let mut attributes = Vec::with_capacity(10);
        attributes.push(KeyValue::new(semconv::RPC_SYSTEM_NAME, crate::method::GRPC));
        let (method, mut name) = match parsed {
            Some((_, full)) => {
                // The generated client sends only its service's methods.
                method::confirm(full);
                method::named(full)
            }
            None => {
                let path = parts.uri.path();
                let original = limit.cut(path.strip_prefix('/').unwrap_or(path)).to_owned();
                attributes.push(KeyValue::new(semconv::RPC_METHOD_ORIGINAL, original));
                (StringValue::from(OTHER), UNKNOWN_SPAN_NAME.into())
            }
        };
        if let Some(span_name) = &hooks.span_name
            && let Some(chosen) = span_name(&parts)
        {
            name = chosen;
        }
        attributes.push(KeyValue::new(semconv::RPC_METHOD, method.clone()));
        // A request URI with an authority says where it goes; a tonic client's bare path
        // goes to the channel's target.
        let server = match parts.uri.authority() {
            Some(_) => Server::of(&parts.uri),
            None => config.side.server.clone(),
        };
        if let Some(server) = &server {
            server.span_attributes(&mut attributes);
        }
        if !config.capture.is_empty() {
            attributes.extend(config.capture.request_attributes(&parts.headers, limit));
        }
        // Before the span starts, so that samplers see what the application adds.
        if let Some(add) = &hooks.request_span_attributes {
            add(&parts, &mut SpanAttributes::new(&mut attributes));
        }
        let extra_metric_attributes = hooks.metric_attributes(|add, metric| add(&parts, metric));
        let parent = Context::current();
        let (cx, recording) = config.resolver.with(Some(now), |resolved| {
            let builder = SpanBuilder {
                name,
                span_kind: Some(SpanKind::Client),
                start_time: Some(start_time),
                attributes: Some(attributes),
                ..SpanBuilder::default()
            };
            let peer = server
                .as_ref()
                .map(|s| (s.address.as_str(), s.port, parts.uri.path()));
            let (cx, recording) = resolved.start_span_to(builder, &parent, peer);
            resolved.inject(&cx, &mut HeaderInjector(&mut parts.headers));
            (cx, recording)
        });
        let capture = &config.capture;
        let mut call = Call::new(
            (Side::Client, config.resolver.clone()),
            (cx, recording),
            (now, start_time),
            MethodRule::Decided(method),
            server.map(|server| (server.address, server.port.map(i64::from))),
            deadline(&parts.headers, now),
            capture.captures_response().then(|| Arc::clone(capture)),
        );
        call.extra_metric_attributes = extra_metric_attributes;
        call.response_span_attributes = hooks.response_span_attributes.clone();
        let request = Request::from_parts(parts, body);
        ResponseFuture::new(CallFuture::start(call, || inner.call(request)))
    }
}
