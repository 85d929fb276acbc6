//! B3 with the injection encoding chosen explicitly, and extraction that accepts every
//! valid B3 request whichever encoding injects.
//!
//! Why not `opentelemetry_propagator_b3::Propagator` alone: in 0.33 every encoding
//! already extracts both the single `b3` header and the `X-B3-*` headers (single first),
//! but the encoding also decides which sampling values parse. With an encoding that
//! includes `SingleHeader` the debug flag `d` parses and the legacy `X-B3-Sampled: true`
//! is rejected; with `MultipleHeader` it is the other way round. Since a rejected value
//! drops the whole trace context, `b3` would lose multi-header requests from older
//! Zipkin clients and `b3multi` would lose single-header debug requests. So extraction
//! runs the single-header-encoded parser and, only if it finds nothing, the
//! multi-header-encoded one; the single header keeps precedence, as the B3 spec requires.
//!
//! Two more fixes over the crate: with `SingleHeader` it injects the `X-B3-*` headers
//! too (`support(&UnSpecified)` is always true), so single-header injection keeps only
//! the `b3` header; and ids parse with `from_str_radix`, which accepts a leading `+`,
//! so values containing `+` (never valid B3) are treated as absent.

use opentelemetry::Context;
use opentelemetry::propagation::text_map_propagator::FieldIter;
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::{SpanContext, TraceContextExt as _, TraceFlags};
use opentelemetry_propagator_b3::{B3Encoding, Propagator};
use otel_kit_core::__private::carrier::BoundedExtractor;

use crate::extractor_source::ExtractorSource;

/// The B3 debug bit as the b3 crate stores it in the trace flags.
const DEBUG: TraceFlags = TraceFlags::new(0x04);

const SINGLE_HEADER: &str = "b3";

#[derive(Debug, Clone)]
pub(super) struct B3Propagator {
    inject_single: bool,
    single: Propagator,
    multi: Propagator,
}

impl B3Propagator {
    /// `encoding` is the injection format: `SingleHeader` or `MultipleHeader`.
    pub(super) fn new(encoding: B3Encoding) -> Self {
        B3Propagator {
            inject_single: matches!(encoding, B3Encoding::SingleHeader),
            single: Propagator::with_encoding(B3Encoding::SingleHeader),
            multi: Propagator::with_encoding(B3Encoding::MultipleHeader),
        }
    }
}

impl TextMapPropagator for B3Propagator {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        if self.inject_single {
            self.single.inject_context(cx, &mut OnlySingleHeader(injector));
        } else {
            self.multi.inject_context(cx, injector);
        }
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        let no_plus = ExtractorSource {
            extractor,
            without_plus: true,
        };
        let extractor = &BoundedExtractor::new(&no_plus);
        let empty = Context::new();
        let found = [&self.single, &self.multi].into_iter().find_map(|parser| {
            let extracted = parser.extract_with_context(&empty, extractor);
            let span_context = extracted.span().span_context().clone();
            span_context.is_valid().then_some(span_context)
        });
        match found {
            Some(span_context) => cx.with_remote_span_context(debug_implies_sampled(span_context)),
            None => cx.clone(),
        }
    }

    fn fields(&self) -> FieldIter<'_> {
        // The crate's field lists match what this type injects (`b3`, or the `x-b3-*` ones).
        if self.inject_single {
            self.single.fields()
        } else {
            self.multi.fields()
        }
    }
}

/// Passes on only the single `b3` header.
struct OnlySingleHeader<'a>(&'a mut dyn Injector);

impl Injector for OnlySingleHeader<'_> {
    fn set(&mut self, key: &str, value: String) {
        if key == SINGLE_HEADER {
            self.0.set(key, value);
        }
    }
}

/// B3 says debug implies an accept decision. The b3 crate sets the sampled bit for
/// `X-B3-Flags: 1` but not for the single header's `d`, and a parent-based sampler would
/// then drop exactly the trace someone asked to debug.
fn debug_implies_sampled(span_context: SpanContext) -> SpanContext {
    let flags = span_context.trace_flags();
    if flags & DEBUG != DEBUG || span_context.is_sampled() {
        return span_context;
    }
    SpanContext::new(
        span_context.trace_id(),
        span_context.span_id(),
        flags.with_sampled(true),
        span_context.is_remote(),
        span_context.trace_state().clone(),
    )
}
