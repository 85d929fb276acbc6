//! The context a server layer's handler runs in, for the HTTP and gRPC server layers:
//! [`server_parent`], the server span's parent (the caller's context, or a new trace
//! linked to it when the endpoint does not trust its callers), and
//! [`excluded_request_context`], the context of a request that has no span of its own.

use std::time::Instant;

use opentelemetry::Context;
use opentelemetry::trace::{Link, TraceContextExt as _};

use crate::request_path::carrier::HeaderSource;
use crate::request_path::resolver::{Instruments, Resolver};

/// The parent of a server span, for the HTTP and gRPC server layers: the caller's
/// context (`incoming`, else the current one), or, for an endpoint that does not trust
/// its callers (their `public_endpoint`), a new trace with none of the caller's baggage,
/// its span linked (in `links`) to the caller's span when the caller sent a valid one.
///
/// ```
/// use opentelemetry::Context;
/// use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
/// use otel_kit_core::__private::server_context::server_parent;
///
/// let caller = SpanContext::new(TraceId::from(1), SpanId::from(2), TraceFlags::SAMPLED, true, TraceState::NONE);
/// let incoming = Some(Context::new().with_remote_span_context(caller.clone()));
/// let mut links = None;
/// let trusted = server_parent(incoming.clone(), false, &mut links);
/// assert_eq!(trusted.span().span_context(), &caller);
/// assert!(links.is_none());
/// let public = server_parent(incoming, true, &mut links);
/// assert!(!public.has_active_span());
/// assert_eq!(links.map(|l| l[0].span_context.clone()), Some(caller));
/// ```
pub fn server_parent(
    incoming: Option<Context>,
    public_endpoint: bool,
    links: &mut Option<Vec<Link>>,
) -> Context {
    if !public_endpoint {
        return incoming.unwrap_or_else(Context::current);
    }
    if let Some(caller) = incoming.as_ref().map(|cx| cx.span().span_context().clone())
        && caller.is_valid()
    {
        *links = Some(vec![Link::with_context(caller)]);
    }
    Context::new()
}

/// The context a handler runs in when its request is excluded (no span of its own), for
/// the HTTP and gRPC server layers: the caller's, read from `headers`, or none when the
/// endpoint does not trust its callers (their `public_endpoint`), without reading them.
pub fn excluded_request_context<I: Instruments, H: HeaderSource + ?Sized>(
    resolver: &Resolver<I>,
    now: Option<Instant>,
    headers: &H,
    public_endpoint: bool,
) -> Option<Context> {
    if public_endpoint {
        return None;
    }
    resolver.with(now, |resolved| resolved.incoming_context(headers))
}
