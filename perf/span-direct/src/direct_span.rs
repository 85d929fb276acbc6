//! The prototype: [`DirectTracer`] makes [`DirectSpan`]s, the kit's own span records,
//! without the SDK's `Span` or `SpanData`. A span is started from a `Context` as the
//! SDK starts one (its sampler, its ID generator, its limits), ends through the kit's
//! rules (baggage, redaction, value length), and is encoded to OTLP protobuf at its end;
//! only the bytes are queued.
//!
//! Both implement the API's traits (`Tracer`, `Span`), so the kit's instrumentations
//! could hold a `DirectTracer` where they hold a `BoxedTracer` today, and a
//! `DirectSpan` goes into a `Context` like any span.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::Arc;
use std::time::SystemTime;

use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::trace::{
    Event, Link, SpanBuilder, SpanContext, SpanId, SpanKind, Status, TraceContextExt as _, TraceFlags, Tracer,
};
use opentelemetry::{Context, InstrumentationScope, KeyValue};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{IdGenerator, SamplingDecision, ShouldSample, SpanLimits};

use crate::KitRules;
use crate::byte_queue::{RequestParts, RequestSink, SpanByteQueue};
use crate::span_encoding::{EndedSpan, resource_field, schema_url_field, scope_field, span_field};

/// What every span of one tracer shares.
struct Pipeline {
    sampler: Box<dyn ShouldSample>,
    ids: Box<dyn IdGenerator>,
    limits: SpanLimits,
    rules: KitRules,
    queue: SpanByteQueue,
}

/// The prototype's tracer: one instrumentation scope, its spans encoded at their end
/// and queued as bytes.
#[derive(Clone)]
pub struct DirectTracer {
    pipeline: Arc<Pipeline>,
}

impl std::fmt::Debug for DirectTracer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectTracer")
            .field("queue", &self.pipeline.queue)
            .finish_non_exhaustive()
    }
}

/// How a [`DirectTracer`] is set up; [`DirectTracer::new`] takes it.
pub struct DirectSettings {
    /// The sampler, as the SDK provider would be given it.
    pub sampler: Box<dyn ShouldSample>,
    /// The ID generator, as the SDK provider would be given it.
    pub ids: Box<dyn IdGenerator>,
    /// The SDK's span limits.
    pub limits: SpanLimits,
    /// The kit's rules applied at span end.
    pub rules: KitRules,
    /// The queue's capacity in spans.
    pub capacity: usize,
    /// Spans per request.
    pub max_batch: usize,
    /// The longest a partial batch waits.
    pub delay: std::time::Duration,
}

impl DirectTracer {
    /// A tracer for `scope`, its spans sent with `resource` to `sink`.
    pub fn new(
        settings: DirectSettings,
        resource: &Resource,
        scope: &InstrumentationScope,
        sink: RequestSink,
    ) -> Self {
        let parts = RequestParts {
            resource: resource_field(resource),
            resource_schema_url: schema_url_field(resource.schema_url()),
            scope: scope_field(scope),
            scope_schema_url: schema_url_field(scope.schema_url()),
        };
        let queue = SpanByteQueue::new(settings.capacity, settings.max_batch, settings.delay, parts, sink);
        DirectTracer {
            pipeline: Arc::new(Pipeline {
                sampler: settings.sampler,
                ids: settings.ids,
                limits: settings.limits,
                rules: settings.rules,
                queue,
            }),
        }
    }

    /// Spans dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.pipeline.queue.dropped()
    }

    /// Exports what is queued and stops the export thread.
    pub fn shutdown(&self) {
        self.pipeline.queue.shutdown();
    }

    /// Exports what is queued now and waits until it has been handed to the sink.
    pub fn force_flush(&self) {
        self.pipeline.queue.force_flush();
    }
}

/// A span being recorded: what a `SpanData` would hold, but the resource and scope
/// (written once per request by the worker).
#[derive(Debug)]
struct SpanRecord {
    parent_span_id: SpanId,
    parent_is_remote: bool,
    kind: SpanKind,
    name: Cow<'static, str>,
    start: SystemTime,
    attributes: Vec<KeyValue>,
    dropped_attributes: u32,
    events: Vec<Event>,
    dropped_events: u32,
    links: Vec<Link>,
    dropped_links: u32,
    status: Status,
}

/// The prototype's span. `record` is `None` when sampled out or ended.
pub struct DirectSpan {
    span_context: SpanContext,
    record: Option<SpanRecord>,
    pipeline: Option<Arc<Pipeline>>,
}

impl std::fmt::Debug for DirectSpan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectSpan")
            .field("span_context", &self.span_context)
            .field("record", &self.record)
            .finish_non_exhaustive()
    }
}

impl Tracer for DirectTracer {
    type Span = DirectSpan;

    fn build_with_context(&self, mut builder: SpanBuilder, parent_cx: &Context) -> DirectSpan {
        let p = &*self.pipeline;
        if parent_cx.is_telemetry_suppressed() {
            return DirectSpan {
                span_context: SpanContext::empty_context(),
                record: None,
                pipeline: None,
            };
        }
        let span_id = p.ids.new_span_id();
        let parent = parent_cx.span();
        let parent = Some(parent.span_context()).filter(|sc| sc.is_valid());
        let trace_id = parent.map_or_else(|| p.ids.new_trace_id(), |sc| sc.trace_id());
        let kind = builder.span_kind.take().unwrap_or(SpanKind::Internal);
        let attributes = builder.attributes.take().unwrap_or_default();
        let links = builder.links.take().unwrap_or_default();
        let sampling = p.sampler.should_sample(
            Some(parent_cx),
            trace_id,
            &builder.name,
            &kind,
            &attributes,
            &links,
        );
        let flags = parent.map_or(TraceFlags::default(), |sc| sc.trace_flags());
        let sampled = match sampling.decision {
            SamplingDecision::Drop => {
                let sc = SpanContext::new(
                    trace_id,
                    span_id,
                    TraceFlags::default(),
                    false,
                    sampling.trace_state,
                );
                return DirectSpan {
                    span_context: sc,
                    record: None,
                    pipeline: None,
                };
            }
            SamplingDecision::RecordAndSample => true,
            SamplingDecision::RecordOnly => false,
        };
        let span_context = SpanContext::new(
            trace_id,
            span_id,
            flags.with_sampled(sampled),
            false,
            sampling.trace_state,
        );
        let mut record = SpanRecord {
            parent_span_id: parent.map_or(SpanId::INVALID, |sc| sc.span_id()),
            parent_is_remote: parent.is_some_and(|sc| sc.is_remote()),
            kind,
            name: builder.name,
            start: builder.start_time.unwrap_or_else(opentelemetry::time::now),
            attributes,
            dropped_attributes: 0,
            events: Vec::new(),
            dropped_events: 0,
            links,
            dropped_links: 0,
            status: Status::Unset,
        };
        record.attributes.extend(sampling.attributes);
        record.dropped_attributes = cut(&mut record.attributes, p.limits.max_attributes_per_span);
        record.dropped_links = cut(&mut record.links, p.limits.max_links_per_span);
        for link in &mut record.links {
            link.dropped_attributes_count = cut(&mut link.attributes, p.limits.max_attributes_per_link);
        }
        for event in builder.events.take().unwrap_or_default() {
            record.add_event(event, &p.limits);
        }
        // The baggage members, as `BaggageSpanProcessor::on_start` copies them.
        let list = &p.rules.baggage;
        if !list.is_empty() {
            for member in list.members(parent_cx.baggage()) {
                record.set_attribute(member, &p.limits);
            }
        }
        DirectSpan {
            span_context,
            record: Some(record),
            pipeline: Some(Arc::clone(&self.pipeline)),
        }
    }
}

/// Keeps the first `max` items; returns how many went.
fn cut<T>(items: &mut Vec<T>, max: u32) -> u32 {
    let dropped = items.len().saturating_sub(max as usize);
    items.truncate(max as usize);
    u32::try_from(dropped).unwrap_or(u32::MAX)
}

impl SpanRecord {
    fn set_attribute(&mut self, attribute: KeyValue, limits: &SpanLimits) {
        if self.attributes.len() < limits.max_attributes_per_span as usize {
            self.attributes.push(attribute);
        } else {
            self.dropped_attributes += 1;
        }
    }

    fn add_event(&mut self, mut event: Event, limits: &SpanLimits) {
        if self.events.len() < limits.max_events_per_span as usize {
            event.dropped_attributes_count = cut(&mut event.attributes, limits.max_attributes_per_event);
            self.events.push(event);
        } else {
            self.dropped_events += 1;
        }
    }
}

thread_local! {
    /// Each thread's encoding buffer: a span is encoded here, then copied into the queue
    /// under its lock.
    static ENCODED: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

impl DirectSpan {
    /// The kit's rules, in `init()`'s order, then the encoding and the queue.
    fn finish(&mut self, end: SystemTime) {
        let (Some(mut record), Some(pipeline)) = (self.record.take(), self.pipeline.take()) else {
            return;
        };
        let rules = &pipeline.rules;
        rules.baggage.keep_last(&mut record.attributes);
        if let Some(redactor) = &rules.redactor {
            redactor.redact_attributes(&mut record.attributes);
            for event in &mut record.events {
                redactor.redact_attributes(&mut event.attributes);
            }
            for link in &mut record.links {
                redactor.redact_attributes(&mut link.attributes);
            }
            if let Status::Error { description } = &record.status
                && let Some(clean) = redactor.scrub(description)
            {
                record.status = Status::error(clean);
            }
        }
        if rules.value_length.max_chars().is_some() {
            rules.value_length.apply(&mut record.attributes);
            for event in &mut record.events {
                rules.value_length.apply(&mut event.attributes);
            }
            for link in &mut record.links {
                rules.value_length.apply(&mut link.attributes);
            }
        }
        let attributes =
            otel_kit_core::__private::repeated_keys::exported(&record.status, &record.attributes);
        let ended = EndedSpan {
            span_context: &self.span_context,
            parent_span_id: record.parent_span_id,
            parent_is_remote: record.parent_is_remote,
            name: &record.name,
            kind: &record.kind,
            start: record.start,
            end,
            attributes: &attributes,
            dropped_attributes: record.dropped_attributes,
            events: &record.events,
            dropped_events: record.dropped_events,
            links: &record.links,
            dropped_links: record.dropped_links,
            status: &record.status,
        };
        ENCODED.with_borrow_mut(|buf| {
            buf.clear();
            span_field(buf, &ended);
            pipeline.queue.push(buf);
        });
    }
}

impl opentelemetry::trace::Span for DirectSpan {
    fn add_event_with_timestamp<T>(&mut self, name: T, timestamp: SystemTime, attributes: Vec<KeyValue>)
    where
        T: Into<Cow<'static, str>>,
    {
        if let (Some(record), Some(p)) = (&mut self.record, &self.pipeline) {
            record.add_event(Event::new(name, timestamp, attributes, 0), &p.limits);
        }
    }

    fn span_context(&self) -> &SpanContext {
        &self.span_context
    }

    fn is_recording(&self) -> bool {
        self.record.is_some()
    }

    fn set_attribute(&mut self, attribute: KeyValue) {
        if let (Some(record), Some(p)) = (&mut self.record, &self.pipeline) {
            record.set_attribute(attribute, &p.limits);
        }
    }

    fn set_status(&mut self, status: Status) {
        if let Some(record) = &mut self.record
            && status > record.status
        {
            record.status = status;
        }
    }

    fn update_name<T>(&mut self, new_name: T)
    where
        T: Into<Cow<'static, str>>,
    {
        if let Some(record) = &mut self.record {
            record.name = new_name.into();
        }
    }

    fn add_link(&mut self, span_context: SpanContext, mut attributes: Vec<KeyValue>) {
        if let (Some(record), Some(p)) = (&mut self.record, &self.pipeline) {
            if record.links.len() < p.limits.max_links_per_span as usize {
                let dropped = cut(&mut attributes, p.limits.max_attributes_per_link);
                record.links.push(Link::new(span_context, attributes, dropped));
            } else {
                record.dropped_links += 1;
            }
        }
    }

    fn end_with_timestamp(&mut self, timestamp: SystemTime) {
        self.finish(timestamp);
    }
}

impl Drop for DirectSpan {
    /// A span dropped without `end` ends now, as the SDK's does.
    fn drop(&mut self) {
        if self.record.is_some() {
            self.finish(opentelemetry::time::now());
        }
    }
}
