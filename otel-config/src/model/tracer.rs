//! `tracer_provider`: span processors (batch, simple), span limits and the sampler.

use std::time::Duration;

use super::common::DEFAULT_COUNT_LIMIT;
use super::exporter::{Exporter, Signal};
use super::sampler::Sampler;
use crate::reader::{At, Ctx, Result, join};

/// The schema's `TracerProvider`, defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct TracerProvider {
    /// `processors`, in file order.
    pub processors: Vec<SpanProcessor>,
    /// `limits`
    pub limits: SpanLimits,
    /// `sampler` (default parent-based with a root of always_on).
    pub sampler: Sampler,
}

/// A span or log-record processor (`SpanProcessor`, `LogRecordProcessor`).
#[derive(Debug, Clone, PartialEq)]
pub enum Processor {
    /// `batch`
    Batch(BatchProcessor),
    /// `simple`
    Simple {
        /// `exporter`
        exporter: Exporter,
    },
    /// A processor the kit does not implement (one warning names it).
    Unsupported {
        /// Its key.
        name: String,
    },
}

/// `tracer_provider.processors[]`.
pub type SpanProcessor = Processor;
/// `logger_provider.processors[]`.
pub type LogRecordProcessor = Processor;

/// `batch` (`BatchSpanProcessor`, `BatchLogRecordProcessor`), defaults filled in:
/// spans 5000 ms delay, logs 1000 ms; both 30000 ms export timeout, queue 2048, batch 512.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchProcessor {
    /// `schedule_delay`
    pub schedule_delay: Duration,
    /// `export_timeout` (0 is no limit).
    pub export_timeout: Duration,
    /// `max_queue_size`
    pub max_queue_size: u64,
    /// `max_export_batch_size`
    pub max_export_batch_size: u64,
    /// `exporter`
    pub exporter: Exporter,
}

/// `tracer_provider.limits` (`SpanLimits`): every count 128 by default, no length limit.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanLimits {
    /// `attribute_value_length_limit` (`None`: no limit).
    pub attribute_value_length_limit: Option<u64>,
    /// `attribute_count_limit`
    pub attribute_count_limit: u64,
    /// `event_count_limit`
    pub event_count_limit: u64,
    /// `link_count_limit`
    pub link_count_limit: u64,
    /// `event_attribute_count_limit`
    pub event_attribute_count_limit: u64,
    /// `link_attribute_count_limit`
    pub link_attribute_count_limit: u64,
}

impl Default for SpanLimits {
    fn default() -> Self {
        Self {
            attribute_value_length_limit: None,
            attribute_count_limit: DEFAULT_COUNT_LIMIT,
            event_count_limit: DEFAULT_COUNT_LIMIT,
            link_count_limit: DEFAULT_COUNT_LIMIT,
            event_attribute_count_limit: DEFAULT_COUNT_LIMIT,
            link_attribute_count_limit: DEFAULT_COUNT_LIMIT,
        }
    }
}

impl TracerProvider {
    pub(crate) fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let known = [
            "processors",
            "limits",
            "sampler",
            "id_generator",
            "tracer_configurator/development",
        ];
        let fields = at.fields(&known, ctx)?;
        let processors = Processor::read_list(fields.required("processors")?.at(), Signal::Traces, ctx)?;
        let limits = match fields.get("limits") {
            Some(field) => SpanLimits::read(field.at(), ctx)?,
            None => SpanLimits::default(),
        };
        let sampler = match fields.get("sampler") {
            Some(field) => Sampler::read(field.at(), ctx)?,
            None => Sampler::default(),
        };
        if let Some(field) = fields.get("id_generator") {
            let (key, _) = field.at().component()?;
            if key.name != "random" {
                ctx.unsupported(&key.name, &join(&field.path, &key.name), key.line);
            }
        }
        if let Some(field) = fields.get_even_null("tracer_configurator/development") {
            ctx.unsupported("tracer_configurator/development", &field.path, field.node.line);
        }
        Ok(Self {
            processors,
            limits,
            sampler,
        })
    }
}

impl SpanLimits {
    fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let known = [
            "attribute_value_length_limit",
            "attribute_count_limit",
            "event_count_limit",
            "link_count_limit",
            "event_attribute_count_limit",
            "link_attribute_count_limit",
        ];
        let fields = at.fields(&known, ctx)?;
        Ok(Self {
            attribute_value_length_limit: fields.opt_u64("attribute_value_length_limit")?,
            attribute_count_limit: fields.u64("attribute_count_limit", DEFAULT_COUNT_LIMIT)?,
            event_count_limit: fields.u64("event_count_limit", DEFAULT_COUNT_LIMIT)?,
            link_count_limit: fields.u64("link_count_limit", DEFAULT_COUNT_LIMIT)?,
            event_attribute_count_limit: fields.u64("event_attribute_count_limit", DEFAULT_COUNT_LIMIT)?,
            link_attribute_count_limit: fields.u64("link_attribute_count_limit", DEFAULT_COUNT_LIMIT)?,
        })
    }
}

impl Processor {
    /// A processor list; `signal` picks the exporters' defaults and the batch delay.
    pub(crate) fn read_list(at: At<'_>, signal: Signal, ctx: &mut Ctx) -> Result<Vec<Self>> {
        let mut processors = Vec::new();
        for (path, node) in at.items()? {
            processors.push(Processor::read(At { node, path: &path }, signal, ctx)?);
        }
        Ok(processors)
    }

    fn read(at: At<'_>, signal: Signal, ctx: &mut Ctx) -> Result<Self> {
        let (key, node) = at.component()?;
        let path = join(at.path, &key.name);
        let inner = At { node, path: &path };
        Ok(match key.name.as_str() {
            "batch" => {
                let known = [
                    "schedule_delay",
                    "export_timeout",
                    "max_queue_size",
                    "max_export_batch_size",
                    "exporter",
                ];
                let fields = inner.fields(&known, ctx)?;
                let delay = if signal == Signal::Logs { 1_000 } else { 5_000 };
                Processor::Batch(BatchProcessor {
                    schedule_delay: fields.millis("schedule_delay", delay, false, ctx)?,
                    export_timeout: fields.millis("export_timeout", 30_000, true, ctx)?,
                    max_queue_size: fields.positive("max_queue_size", 2048)?,
                    max_export_batch_size: fields.positive("max_export_batch_size", 512)?,
                    exporter: Exporter::read(fields.required("exporter")?.at(), signal, ctx)?,
                })
            }
            "simple" => {
                let fields = inner.fields(&["exporter"], ctx)?;
                Processor::Simple {
                    exporter: Exporter::read(fields.required("exporter")?.at(), signal, ctx)?,
                }
            }
            other => {
                ctx.unsupported(other, &path, key.line);
                Processor::Unsupported {
                    name: other.to_owned(),
                }
            }
        })
    }
}
