//! [`ConfigSource`]: where the configuration `init()` put in effect came from.

use std::fmt;
use std::path::PathBuf;

/// Where the configuration `init()` put in effect came from
/// ([`EffectiveConfig::source`](crate::config::EffectiveConfig::source)).
///
/// ```
/// use otel_kit_init::config::ConfigSource;
///
/// let telemetry = otel_kit_init::builder()
///     .without_globals()
///     .without_tracing_subscriber()
///     .environment(|_| None)
///     .exporter(otel_kit_init::Exporter::None)
///     .init()?;
/// assert_eq!(telemetry.effective_config().source, ConfigSource::Environment);
/// # Ok::<(), otel_kit_init::InitError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ConfigSource {
    /// The `OTEL_*` variables (no configuration file).
    #[default]
    Environment,
    /// The configuration file at this path (`OTEL_CONFIG_FILE` or
    /// `Builder::config_file`).
    File(PathBuf),
    /// YAML text given in code (`Builder::config_yaml`).
    Yaml,
}

impl fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigSource::Environment => f.write_str("environment"),
            ConfigSource::File(path) => write!(f, "file:{}", path.display()),
            ConfigSource::Yaml => f.write_str("yaml"),
        }
    }
}
