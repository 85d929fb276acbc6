//! [`ExportSettings::build`] and [`ExportSettings::build_lenient`]: one function for
//! every signal, the protocol choosing the exporter.

use otel_kit_core::otlp::Protocol;

use super::checks;
use super::configured::ConfiguredExporter;
use super::settings::ExportSettings;
use super::warning::{SettingsError, SettingsWarning};
use crate::ExportRuntime;

impl ExportSettings {
    /// The exporter of signal `E`, sending from `runtime`, and what it was built without;
    /// [`SettingsError::NotExported`] when these settings cannot be used at all.
    ///
    /// ```
    /// use otel_kit_otlp::{ConfiguredSpanExporter, ExportRuntime, ExportSettings, Protocol};
    ///
    /// let runtime = ExportRuntime::start()?;
    /// let settings = ExportSettings::new(Protocol::HttpProtobuf, "http://localhost:4318/v1/traces");
    /// let (exporter, warnings) = settings.build::<ConfiguredSpanExporter>(&(), &runtime)?;
    /// assert!(warnings.is_empty());
    /// # drop(exporter);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build<E: ConfiguredExporter>(
        &self,
        options: &E::Options,
        runtime: &ExportRuntime,
    ) -> Result<(E, Vec<SettingsWarning>), SettingsError> {
        let mut warnings = Vec::new();
        match self.build_lenient::<E>(options, Some(runtime), &mut warnings)? {
            Some(exporter) => Ok((exporter, warnings)),
            None => Err(SettingsError::NotExported(
                warnings.pop().expect("an exporter left unbuilt says why"),
            )),
        }
    }

    /// The exporter of signal `E`, or `None` (with a warning in `warnings`) when this
    /// build cannot reach the endpoint, lacks the protocol, or has no `runtime` to send
    /// from. What the exporter was built without is added to `warnings`; only settings
    /// no exporter can take are an error.
    pub fn build_lenient<E: ConfiguredExporter>(
        &self,
        options: &E::Options,
        runtime: Option<&ExportRuntime>,
        warnings: &mut Vec<SettingsWarning>,
    ) -> Result<Option<E>, SettingsError> {
        let Some(runtime) = checks::usable(self, E::SIGNAL, runtime, warnings) else {
            return Ok(None);
        };
        match self.protocol {
            Protocol::Grpc if cfg!(feature = "grpc") => E::ours(self, options, runtime, warnings),
            Protocol::HttpProtobuf if cfg!(feature = "http-proto") => {
                E::ours(self, options, runtime, warnings)
            }
            Protocol::HttpJson => E::http_json(self, options, runtime, warnings),
            _ => {
                checks::not_built_in(self, warnings);
                Ok(None)
            }
        }
    }
}
