//! The global tracer provider: spans go to the tracer of the current thread's service.

use std::sync::Arc;

use opentelemetry::trace::{SpanBuilder, Tracer, TracerProvider};
use opentelemetry::{Context, InstrumentationScope};
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider, Span};

/// One SDK tracer provider per service, plus one without processors for threads that
/// belong to no service (its spans are not recorded).
#[derive(Clone, Debug)]
pub(super) struct RoutingTracerProvider {
    services: Arc<[SdkTracerProvider]>,
    unattributed: SdkTracerProvider,
}

impl RoutingTracerProvider {
    pub(super) fn new(services: Arc<[SdkTracerProvider]>) -> Self {
        RoutingTracerProvider {
            services,
            unattributed: SdkTracerProvider::builder().build(),
        }
    }
}

impl TracerProvider for RoutingTracerProvider {
    type Tracer = RoutingTracer;

    fn tracer_with_scope(&self, scope: InstrumentationScope) -> RoutingTracer {
        RoutingTracer {
            services: self
                .services
                .iter()
                .map(|p| p.tracer_with_scope(scope.clone()))
                .collect(),
            unattributed: self.unattributed.tracer_with_scope(scope),
        }
    }
}

/// A tracer per service for one instrumentation scope.
#[derive(Clone, Debug)]
pub(super) struct RoutingTracer {
    services: Arc<[SdkTracer]>,
    unattributed: SdkTracer,
}

impl Tracer for RoutingTracer {
    type Span = Span;

    fn build_with_context(&self, builder: SpanBuilder, parent_cx: &Context) -> Span {
        let tracer = super::current()
            .and_then(|i| self.services.get(i))
            .unwrap_or(&self.unattributed);
        tracer.build_with_context(builder, parent_cx)
    }
}
