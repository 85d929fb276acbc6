//! The document's top level: `file_format` (checked), `disabled`, `log_level`, and
//! one section per provider.

use super::common::AttributeLimits;
use super::distribution::Distribution;
use super::instrumentation::Instrumentation;
use super::logger::LoggerProvider;
use super::meter::MeterProvider;
use super::propagator::Propagator;
use super::resource::Resource;
use super::tracer::TracerProvider;
use crate::error::{ConfigFileError, ConfigFileErrorKind as Kind, quoted};
use crate::reader::{At, Ctx, Result};
use crate::warning::ConfigFileWarningKind as WarningKind;

/// The whole configuration file (`OpenTelemetryConfiguration`), defaults filled in.
/// A provider left out is `None`: the schema's no-op provider.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenTelemetryConfiguration {
    /// `file_format` as written (`"1.0"`, `"1.1"`, or a newer 1.x with a warning).
    pub file_format: String,
    /// `disabled` (default false).
    pub disabled: bool,
    /// `log_level`: the SDK's own log level; `None` is the schema's default, `info`.
    pub log_level: Option<SeverityNumber>,
    /// `resource` (default: no attributes, no detection).
    pub resource: Resource,
    /// `attribute_limits`
    pub attribute_limits: AttributeLimits,
    /// `propagator`
    pub propagator: Option<Propagator>,
    /// `tracer_provider`
    pub tracer_provider: Option<TracerProvider>,
    /// `meter_provider`
    pub meter_provider: Option<MeterProvider>,
    /// `logger_provider`
    pub logger_provider: Option<LoggerProvider>,
    /// `instrumentation/development`
    pub instrumentation: Option<Instrumentation>,
    /// `distribution` (file_format 1.1), with the kit's `otel_kit` section.
    pub distribution: Option<Distribution>,
}

/// A log level as the schema names it (`SeverityNumber`: `trace` .. `fatal4`), by its
/// severity number (1 to 24).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SeverityNumber(u8);

const SEVERITY_NAMES: [&str; 24] = [
    "trace", "trace2", "trace3", "trace4", "debug", "debug2", "debug3", "debug4", "info", "info2", "info3",
    "info4", "warn", "warn2", "warn3", "warn4", "error", "error2", "error3", "error4", "fatal", "fatal2",
    "fatal3", "fatal4",
];

impl SeverityNumber {
    /// `info`, the schema's default.
    pub const INFO: SeverityNumber = SeverityNumber(9);

    /// The severity number, 1 (`trace`) to 24 (`fatal4`).
    pub fn number(self) -> u8 {
        self.0
    }

    /// The schema's name (`info`, `warn2`, ...).
    pub fn name(self) -> &'static str {
        SEVERITY_NAMES[usize::from(self.0 - 1)]
    }

    /// The level's family without the digit (`trace`, `debug`, `info`, `warn`, `error`, `fatal`).
    pub fn level(self) -> &'static str {
        SEVERITY_NAMES[usize::from((self.0 - 1) / 4 * 4)]
    }
}

const TOP_KEYS: &[&str] = &[
    "file_format",
    "disabled",
    "log_level",
    "attribute_limits",
    "logger_provider",
    "meter_provider",
    "propagator",
    "tracer_provider",
    "resource",
    "instrumentation/development",
    "distribution",
];

impl OpenTelemetryConfiguration {
    pub(crate) fn read(at: At<'_>, ctx: &mut Ctx) -> Result<Self> {
        // file_format first: a file of another major version is refused before its keys
        // draw warnings.
        let file_format = read_file_format(at, ctx)?;
        let fields = at.fields(TOP_KEYS, ctx)?;
        let log_level = fields
            .choice("log_level", &SEVERITY_NAMES)?
            .map(|index| SeverityNumber(index as u8 + 1));
        let section = |key: &str| fields.get_even_null(key);
        Ok(Self {
            file_format,
            disabled: fields.bool("disabled", false)?,
            log_level,
            resource: match section("resource") {
                Some(field) => Resource::read(field.at(), ctx)?,
                None => Resource::default(),
            },
            attribute_limits: match section("attribute_limits") {
                Some(field) => AttributeLimits::read(field.at(), ctx)?,
                None => AttributeLimits::default(),
            },
            propagator: section("propagator")
                .map(|field| Propagator::read(field.at(), ctx))
                .transpose()?,
            tracer_provider: section("tracer_provider")
                .map(|f| TracerProvider::read(f.at(), ctx))
                .transpose()?,
            meter_provider: section("meter_provider")
                .map(|f| MeterProvider::read(f.at(), ctx))
                .transpose()?,
            logger_provider: section("logger_provider")
                .map(|f| LoggerProvider::read(f.at(), ctx))
                .transpose()?,
            instrumentation: section("instrumentation/development")
                .map(|f| Instrumentation::read(f.at(), ctx))
                .transpose()?,
            distribution: fields
                .get("distribution")
                .map(|f| Distribution::read(f.at(), ctx))
                .transpose()?,
        })
    }
}

/// `"1.0"`, `"1.1"` (optionally `-meta`); a newer 1.x minor is one warning; anything
/// else is an error.
fn read_file_format(at: At<'_>, ctx: &mut Ctx) -> Result<String> {
    let expected = "file_format \"1.0\" or \"1.1\" (a string, major version 1)";
    let fields = at.fields(TOP_KEYS, &mut Ctx::default())?;
    let Some(field) = fields.get("file_format") else {
        return Err(ConfigFileError::new(
            Kind::FileFormat,
            "file_format",
            at.line(),
            expected,
            "nothing",
        ));
    };
    let Ok(text) = field.at().string() else {
        return Err(field.at().error(Kind::FileFormat, expected));
    };
    let version = text.split('-').next().unwrap_or("");
    let mut parts = version.split('.');
    let major = parts.next().and_then(|part| part.parse::<u64>().ok());
    let minor = match parts.next() {
        Some(part) => part.parse::<u64>().ok(),
        None => Some(0),
    };
    match (major, minor, parts.next()) {
        (Some(1), Some(minor), None) => {
            if minor > 1 {
                ctx.warn(
                    WarningKind::NewerMinorVersion {
                        file_format: text.clone(),
                    },
                    &field.path,
                    field.node.line,
                );
            }
            Ok(text)
        }
        _ => Err(ConfigFileError::new(
            Kind::FileFormat,
            &field.path,
            field.node.line,
            expected,
            quoted(&text),
        )),
    }
}
