//! `logger_provider`: log-record processors (batch, simple) and limits.

use super::common::LogRecordLimits;
use super::exporter::Signal;
use super::tracer::{LogRecordProcessor, Processor};
use crate::reader::{At, Ctx, Result};

/// The schema's `LoggerProvider`, defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggerProvider {
    /// `processors`, in file order (batch delay 1000 ms by default).
    pub processors: Vec<LogRecordProcessor>,
    /// `limits`
    pub limits: LogRecordLimits,
}

impl LoggerProvider {
    pub(crate) fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        let fields = at.fields(&["processors", "limits", "logger_configurator/development"], ctx)?;
        let processors = Processor::read_list(fields.required("processors")?.at(), Signal::Logs, ctx)?;
        let limits = match fields.get("limits") {
            Some(field) => LogRecordLimits::read(field.at(), ctx)?,
            None => LogRecordLimits::default(),
        };
        if let Some(field) = fields.get_even_null("logger_configurator/development") {
            ctx.unsupported("logger_configurator/development", &field.path, field.node.line);
        }
        Ok(Self { processors, limits })
    }
}
