//! [`ConfigFileWarning`]: what the kit accepted from a file but will not do as written.

use std::fmt;

use crate::error::{quoted, shown_path};

/// Why a part of a configuration file is not used as written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigFileWarningKind {
    /// A key no released schema (`file_format` 1.0 or 1.1) has: ignored.
    UnknownKey {
        /// The key as written.
        key: String,
    },
    /// A key only the unreleased main branch of opentelemetry-configuration has: ignored.
    UnreleasedKey {
        /// The key as written.
        key: String,
    },
    /// A component (exporter, sampler, processor, detector, propagator, ...) the kit does
    /// not implement: parsed as `Unsupported { name }`, and nothing is built for it.
    Unsupported {
        /// The component's key (`zipkin`, `otlp_file/development`, ...).
        component: String,
    },
    /// A timeout or interval of 0, which the schema defines as no limit: kept as 0.
    ZeroMeansNoLimit,
    /// A `file_format` of a newer 1.x minor version than 1.1: read as 1.1.
    NewerMinorVersion {
        /// The `file_format` as written.
        file_format: String,
    },
    /// A value the kit replaces (a compression it does not have, ...).
    Replaced {
        /// What happens instead.
        detail: String,
    },
}

/// One thing the kit will not do as the file says; [`Display`](fmt::Display) is one
/// line naming the YAML path and line.
///
/// ```
/// let parsed = otel_kit_config::parse_str(
///     "file_format: \"1.1\"\ntracer_provider:\n  processors:\n    - batch:\n        exporter:\n          zipkin:\n",
///     |_| None,
/// )
/// .unwrap();
/// assert_eq!(
///     parsed.warnings[0].to_string(),
///     "tracer_provider.processors[0].batch.exporter.zipkin (line 6): the kit does not implement `zipkin`; nothing is built for it"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFileWarning {
    kind: ConfigFileWarningKind,
    path: String,
    line: usize,
}

impl ConfigFileWarning {
    pub(crate) fn new(kind: ConfigFileWarningKind, path: impl Into<String>, line: usize) -> Self {
        Self {
            kind,
            path: crate::error::shortened_path(path.into()),
            line,
        }
    }

    /// Why the part is not used as written.
    pub fn kind(&self) -> &ConfigFileWarningKind {
        &self.kind
    }

    /// The YAML path of the part.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The 1-based line of the part.
    pub fn line(&self) -> usize {
        self.line
    }
}

impl fmt::Display for ConfigFileWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys and names come from the file: escaped and cut as errors print them.
        let path = shown_path(&self.path);
        write!(f, "{path} (line {}): ", self.line)?;
        match &self.kind {
            ConfigFileWarningKind::UnknownKey { key } => {
                write!(
                    f,
                    "unknown key {} (not in file_format 1.0 or 1.1); ignored",
                    quoted(key)
                )
            }
            ConfigFileWarningKind::UnreleasedKey { key } => write!(
                f,
                "{} is only on the unreleased main branch of the configuration schema; ignored",
                quoted(key)
            ),
            ConfigFileWarningKind::Unsupported { component } => {
                write!(
                    f,
                    "the kit does not implement {}; nothing is built for it",
                    quoted(component)
                )
            }
            ConfigFileWarningKind::ZeroMeansNoLimit => {
                write!(
                    f,
                    "0 means no limit (the schema's rule); the kit caps it at 60 s, so a collector that never answers cannot hold an export for good"
                )
            }
            ConfigFileWarningKind::NewerMinorVersion { file_format } => write!(
                f,
                "file_format {} is newer than 1.1; read as 1.1, newer keys are warned about",
                quoted(file_format)
            ),
            ConfigFileWarningKind::Replaced { detail } => f.write_str(detail),
        }
    }
}
