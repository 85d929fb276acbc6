//! The OTLP exporter of one signal from the configuration: otel-kit-otlp builds it from
//! the signal's [`ExportSettings`](otel_kit_otlp::ExportSettings)
//! ([`OtlpSignalConfig::settings`]); what it says about them is told here in terms of
//! the `OTEL_EXPORTER_OTLP_*` variables that set them.

use otel_kit_otlp::{
    CertificateSetting, ConfiguredExporter, ExportRuntime, Setting, SettingsError, SettingsWarning,
};

use crate::InitError;
use crate::Signal;
use crate::config::{OtlpConfig, OtlpSignalConfig, ProtocolFeature as _};
use crate::env::{ConfigWarning, Warnings};
use crate::error::ExporterError;

/// The OTLP exporter of signal `E`, or `None` (with a warning) when this build cannot
/// reach the endpoint or lacks the configured protocol.
pub(crate) fn exporter<E: ConfiguredExporter>(
    otlp: &OtlpConfig,
    options: &E::Options,
    runtime: Option<&ExportRuntime>,
    warnings: &mut Warnings,
) -> Result<Option<E>, InitError> {
    let signal = E::SIGNAL;
    let config = otlp.signal(signal);
    let mut said = Vec::new();
    let built = config.settings.build_lenient::<E>(options, runtime, &mut said);
    for warning in said {
        named(config, signal, warning, warnings);
    }
    built.map_err(|e| match e {
        SettingsError::Build(otel_kit_otlp::BuildError::ExportThread(e)) => InitError::ExportThread(e),
        #[cfg(feature = "http-json")]
        SettingsError::HttpJson(source) => InitError::Exporter {
            signal,
            source: ExporterError::from_error(source),
        },
        other => InitError::Exporter {
            signal,
            source: ExporterError::from_error(other),
        },
    })
}

/// `warning`, as the variable that set its setting names it.
fn named(config: &OtlpSignalConfig, signal: Signal, warning: SettingsWarning, warnings: &mut Warnings) {
    let signal_var = |suffix: &str| {
        format!(
            "OTEL_EXPORTER_OTLP_{}_{suffix} (or OTEL_EXPORTER_OTLP_{suffix})",
            signal.env_name()
        )
    };
    let header_files_var = || {
        format!(
            "OTEL_KIT_EXPORTER_OTLP_{}_HEADERS_FILE (or OTEL_KIT_EXPORTER_OTLP_HEADERS_FILE)",
            signal.env_name()
        )
    };
    let setting_var = |setting: Setting| match setting {
        Setting::Protocol => signal_var("PROTOCOL"),
        Setting::Endpoint => signal_var("ENDPOINT"),
        Setting::Compression => signal_var("COMPRESSION"),
        Setting::CaCertificate => signal_var("CERTIFICATE"),
        Setting::ClientCertificate => signal_var("CLIENT_CERTIFICATE"),
        Setting::ClientKey => signal_var("CLIENT_KEY"),
        Setting::HeaderFiles => header_files_var(),
    };
    match warning {
        SettingsWarning::NotBuiltIn {
            setting,
            value,
            feature,
        } => {
            let why = match setting {
                Setting::Endpoint => format!(
                    "is https, and this build of otel-kit-init has no TLS (cargo feature `tls-ring` or `tls-aws-lc`); {} are not exported",
                    signal.as_str()
                ),
                Setting::Compression => format!(
                    "needs otel-kit-init's `{feature}` cargo feature, which this build lacks; sending uncompressed"
                ),
                _ => format!(
                    "needs otel-kit-init's `{}` cargo feature, which this build lacks; {} are not exported",
                    config.settings.protocol.cargo_feature(),
                    signal.as_str()
                ),
            };
            warnings.push(setting_var(setting), value, why);
        }
        SettingsWarning::Unusable { setting, value, why } => warnings.push(setting_var(setting), value, why),
        // A file the exporter was built without (or could not use), named by the variable
        // that set it. The signals that share a variable share its warning: said once.
        SettingsWarning::LeftOut(w) => {
            let vars = &config.tls_vars;
            let identity = config.settings.client_identity.as_ref();
            let (variable, value) = match w.setting {
                CertificateSetting::CaCertificate => {
                    (vars.certificate.clone(), config.settings.ca_certificate.as_ref())
                }
                CertificateSetting::ClientIdentity => {
                    (vars.client_certificate.clone(), identity.map(|(c, _)| c))
                }
                CertificateSetting::ClientKey => (vars.client_key.clone(), identity.map(|(_, k)| k)),
                _ => (None, None),
            };
            let (variable, value) = match (variable, w.setting) {
                (Some(variable), _) => (variable, value.map(ToString::to_string)),
                (None, CertificateSetting::CaCertificate) => (signal_var("CERTIFICATE"), None),
                (None, CertificateSetting::ClientIdentity) => (signal_var("CLIENT_CERTIFICATE"), None),
                (None, CertificateSetting::ClientKey) => (signal_var("CLIENT_KEY"), None),
                (None, _) => (header_files_var(), None),
            };
            let warning = ConfigWarning::new(variable, value.unwrap_or_default(), w.why);
            if !warnings.0.contains(&warning) {
                warnings.0.push(warning);
            }
        }
        _ => warnings.push(String::new(), String::new(), warning.to_string()),
    }
}
