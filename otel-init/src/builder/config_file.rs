//! The builder's configuration-file methods, and what the start-up takes from a file.

use std::path::PathBuf;

use super::Builder;
use crate::config::{Config, ConfigSource};
use crate::config_file::{FileRequest, Loaded};
use crate::env::ConfigWarning;

impl Builder {
    /// Configures from an OpenTelemetry configuration file (`file_format` `"1.0"` or
    /// `"1.1"`), as `OTEL_CONFIG_FILE` does, and wins over that variable. The file takes
    /// the environment's place: the other `OTEL_*` and `OTEL_KIT_*` variables are
    /// ignored (they reach the file through `${VAR}` substitution), and the file's
    /// `service.name` wins over [`service_name`](Self::service_name). An invalid file
    /// makes `init()` fail with `InitError::ConfigFile`, naming the YAML path, the line
    /// and what was expected. Needs the `config-file` cargo feature (else `init()` fails
    /// with [`InitError::InvalidValue`](crate::InitError::InvalidValue)).
    ///
    /// ```no_run
    /// let telemetry = otel_kit_init::builder()
    ///     .config_file("/etc/otel/config.yaml")
    ///     .init()?;
    /// # Ok::<(), otel_kit_init::InitError>(())
    /// ```
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config_file = Some(FileRequest::Path(path.into()));
        self
    }

    /// Configures from the YAML text of an OpenTelemetry configuration file, as
    /// [`config_file`](Self::config_file) does from a path.
    ///
    /// ```
    /// # #[cfg(feature = "config-file")]
    /// # fn main() -> Result<(), otel_kit_init::InitError> {
    /// use otel_kit_init::config::ConfigSource;
    ///
    /// let telemetry = otel_kit_init::builder()
    ///     .without_globals()
    ///     .without_tracing_subscriber()
    ///     .environment(|_| None)
    ///     .service_name("in-code")
    ///     .config_yaml("file_format: \"1.0\"\nresource:\n  attributes:\n    - name: service.name\n      value: checkout\n")
    ///     .init()?;
    /// let effective = telemetry.effective_config();
    /// assert_eq!(effective.service_name, "checkout", "the file names the service");
    /// assert_eq!(effective.source, ConfigSource::Yaml);
    /// assert!(effective.export.traces_exporters.is_empty(), "no tracer_provider: no traces");
    /// # Ok(())
    /// # }
    /// # #[cfg(not(feature = "config-file"))]
    /// # fn main() {}
    /// ```
    pub fn config_yaml(mut self, yaml: impl Into<String>) -> Self {
        self.config_file = Some(FileRequest::Yaml(yaml.into()));
        self
    }

    /// Takes what the file gives beyond the [`Config`]: resource detectors and typed
    /// attributes, views, more processors and readers.
    pub(super) fn take_file(
        &mut self,
        loaded: Loaded,
        warnings: &mut Vec<ConfigWarning>,
    ) -> (Config, ConfigSource) {
        if let Some(names) = &self.variable_names {
            let names = names();
            warnings.extend(crate::config_file::ignored_variables(
                &loaded,
                names.iter().map(String::as_str),
            ));
        }
        warnings.extend(loaded.warnings);
        #[cfg(feature = "config-file")]
        {
            self.resource = loaded.extras.add_to_resource(std::mem::take(&mut self.resource));
            // Code wins over the file, as over the environment.
            self.code.cardinality_limit = self
                .code
                .cardinality_limit
                .or(loaded.extras.file_cardinality_limit());
            self.file_export_thread_nice = loaded.extras.export_thread_nice.clone();
            loaded.extras.add_to(&mut self.additions);
        }
        (loaded.config, loaded.source)
    }
}
