//! The route-exclusion rule: drops spans for health checks and similar endpoints before
//! the preset sampler is asked.

use std::sync::Arc;

use opentelemetry::trace::{Link, SpanKind, TraceId};
use opentelemetry::{Context, KeyValue, Value};
use opentelemetry_sdk::trace::{SamplingDecision, SamplingResult, ShouldSample};
use otel_kit_semconv::attribute::{HTTP_ROUTE, URL_PATH};

/// The attributes that name the request path: the templated route (`/users/{id}`) and
/// the raw path, since either may be all an instrumentation knows at span start.
const ROUTE_KEYS: [&str; 2] = [HTTP_ROUTE, URL_PATH];

/// Drops spans whose route is excluded, whatever their parent decided; asks `inner`
/// about every other span.
#[derive(Clone, Debug)]
pub(super) struct ExcludeRoutes {
    routes: Arc<[String]>,
    inner: Box<dyn ShouldSample>,
}

impl ExcludeRoutes {
    pub(super) fn new(routes: Arc<[String]>, inner: Box<dyn ShouldSample>) -> Self {
        Self { routes, inner }
    }

    fn is_excluded(&self, attribute: &KeyValue) -> bool {
        match &attribute.value {
            Value::String(path) if ROUTE_KEYS.contains(&attribute.key.as_str()) => {
                self.routes.iter().any(|route| route == path.as_str())
            }
            _ => false,
        }
    }
}

impl ShouldSample for ExcludeRoutes {
    fn should_sample(
        &self,
        parent_context: Option<&Context>,
        trace_id: TraceId,
        name: &str,
        span_kind: &SpanKind,
        attributes: &[KeyValue],
        links: &[Link],
    ) -> SamplingResult {
        if attributes.iter().any(|kv| self.is_excluded(kv)) {
            return SamplingResult {
                decision: SamplingDecision::Drop,
                attributes: Vec::new(),
                trace_state: super::parent_state::parent_trace_state(parent_context),
            };
        }
        self.inner
            .should_sample(parent_context, trace_id, name, span_kind, attributes, links)
    }
}
