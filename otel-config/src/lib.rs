//! The OpenTelemetry declarative configuration file (`OTEL_CONFIG_FILE`), schema
//! `file_format` 1.0 and 1.1, read into a typed model: YAML or JSON text in,
//! [`OpenTelemetryConfiguration`] with every documented default filled in out, plus the
//! warnings for what the kit will not do as written.
//!
//! - [`parse_str`], [`read_file`] → [`Parsed`]: the entry points.
//! - `model`: the typed model, one module per schema area (resource, propagator,
//!   tracer, sampler, exporter, meter, view, logger, instrumentation, distribution).
//! - [`ConfigFileError`] (`error`): an unusable file, naming the YAML path, the line and
//!   what was expected.
//! - [`ConfigFileWarning`] (`warning`): unknown keys, keys of the unreleased schema,
//!   components the kit does not implement, zero timeouts.
//! - `node`: the YAML events into a tree of nodes with lines; aliases expanded within a
//!   budget, nesting bounded. `scalar`: the YAML core schema's types.
//! - `substitute`: `${VAR}`, `${env:VAR}`, `${VAR:-default}`, `$$`, on values only.
//! - `reader`: typed getters with defaults, unknown-key warnings.
//! - `comparable`: [`OpenTelemetryConfiguration::comparable`], a normalized JSON view
//!   used to cross-check the model against other SDKs.

mod comparable;
mod env_variables;
mod error;
#[cfg(test)]
mod hostile_tests;
pub mod model;
mod node;
mod reader;
mod scalar;
mod substitute;
mod warning;
mod wildcard;

use std::path::Path;

pub use env_variables::{
    EnvVariable, EnvVariables, EnvVariablesNote, ZERO_TIMEOUT_MILLIS, env_variables, has_default_delegates,
};
pub use error::{ConfigFileError, ConfigFileErrorKind};
pub use model::*;
pub use warning::{ConfigFileWarning, ConfigFileWarningKind};
pub use wildcard::wildcard_matches;

/// A parsed file: the model, and one warning per thing the kit will not do as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The configuration, defaults filled in.
    pub model: OpenTelemetryConfiguration,
    /// The warnings, in file order of discovery.
    pub warnings: Vec<ConfigFileWarning>,
}

/// Files larger than this are refused unread (16 MiB).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The longest [`read_file`] waits for the file: one on a hung network mount cannot hold
/// the caller (`init()`) longer. The read goes on on a thread of its own.
pub const READ_DEADLINE: std::time::Duration = std::time::Duration::from_secs(5);

/// Parses configuration text (YAML, or JSON, which is YAML). `lookup` answers the
/// environment references (`${VAR}`): pass `|name| std::env::var(name).ok()` for the
/// process environment.
///
/// ```
/// use otel_kit_config::{Exporter, Processor, parse_str};
///
/// let yaml = r#"
/// file_format: "1.1"
/// tracer_provider:
///   processors:
///     - batch:
///         exporter:
///           otlp_http:
///             endpoint: ${COLLECTOR:-http://localhost:4318}/v1/traces
/// "#;
/// let parsed = parse_str(yaml, |name| (name == "COLLECTOR").then(|| "http://otel:4318".to_owned()))?;
/// let tracer = parsed.model.tracer_provider.unwrap();
/// let Processor::Batch(batch) = &tracer.processors[0] else { panic!() };
/// assert_eq!(batch.max_queue_size, 2048); // the schema's default
/// let Exporter::OtlpHttp(otlp) = &batch.exporter else { panic!() };
/// assert_eq!(otlp.endpoint, "http://otel:4318/v1/traces");
/// assert!(parsed.warnings.is_empty());
/// # Ok::<(), otel_kit_config::ConfigFileError>(())
/// ```
///
/// # Errors
/// A [`ConfigFileError`] when the text is not YAML, `file_format` is missing or of another
/// major version, or a value does not fit the schema.
pub fn parse_str(yaml: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<Parsed, ConfigFileError> {
    let root = node::parse_document(yaml, &lookup)?;
    let mut ctx = reader::Ctx::default();
    let model = OpenTelemetryConfiguration::read(
        reader::At {
            node: &root,
            path: "",
        },
        &mut ctx,
    )?;
    Ok(Parsed {
        model,
        warnings: ctx.warnings,
    })
}

/// Reads and parses a configuration file (`.yaml`, `.yml` or `.json`; the content
/// decides, not the name).
///
/// ```
/// let path = std::env::temp_dir().join("otel-kit-config-doc.yaml");
/// std::fs::write(&path, "file_format: \"1.0\"\ndisabled: true\n").unwrap();
/// let parsed = otel_kit_config::read_file(&path, |_| None).unwrap();
/// assert!(parsed.model.disabled);
/// # std::fs::remove_file(path).ok();
/// ```
///
/// # Errors
/// A [`ConfigFileError`] of kind `Io` when the file cannot be read, is not a regular
/// file (a FIFO, `/dev/stdin` or a device is refused at once, never waited on), does not
/// answer within [`READ_DEADLINE`], is larger than [`MAX_FILE_BYTES`] or is not UTF-8;
/// else as [`parse_str`].
pub fn read_file(path: &Path, lookup: impl Fn(&str) -> Option<String>) -> Result<Parsed, ConfigFileError> {
    let io_error = |found: String| {
        ConfigFileError::new(
            ConfigFileErrorKind::Io,
            path.display().to_string(),
            0,
            "a readable UTF-8 file",
            found,
        )
    };
    let text = read_regular_file(path).map_err(io_error)?;
    parse_str(&text, lookup)
}

/// The file's text, read once and bounded
/// ([`regular_file::begin_read`](otel_kit_core::__private::regular_file::begin_read)): a FIFO with no
/// writer or `/dev/stdin` cannot hold `init()`, nor can a hung mount past
/// [`READ_DEADLINE`]; a device such as `/dev/zero` is not read, and a file over
/// [`MAX_FILE_BYTES`] is refused.
fn read_regular_file(path: &Path) -> Result<String, String> {
    use otel_kit_core::__private::regular_file::{ReadError, begin_read};
    let deadline = std::time::Instant::now() + READ_DEADLINE;
    let bytes = begin_read(path, MAX_FILE_BYTES, deadline, |_| {})
        .finish()
        .map_err(|error| match error {
            ReadError::NotRegular => "not a regular file (a FIFO, socket or device is not read)".to_owned(),
            ReadError::TooLarge { bytes } => format!("{bytes} bytes (at most {MAX_FILE_BYTES})"),
            ReadError::Io(error) => error.to_string(),
            ReadError::Unanswered { .. } => format!("no answer within {READ_DEADLINE:?} (a hung mount?)"),
            _ => "unreadable".to_owned(),
        })?;
    String::from_utf8(bytes).map_err(|_| "stream did not contain valid UTF-8".to_owned())
}

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;
