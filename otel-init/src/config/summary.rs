//! The one-line summary, secrets redacted, that both [`Config`](super::Config) (what the
//! environment says) and [`EffectiveConfig`](super::EffectiveConfig) (what `init()` put
//! in effect, logged at start-up) print.

use std::fmt;

use super::export::ExportConfig;
use super::exporters::ExporterKind;
use crate::Signal;
use crate::redaction::RedactionSettings;
use crate::sampling::Sampling;
use otel_kit_propagators::PropagatorName;

/// What the line shows, borrowed from either type.
pub(super) struct Summary<'a> {
    pub(super) service_name: Option<&'a str>,
    /// `service.version` and `service.instance.id` as the resource reports them (only
    /// what `init()` put in effect knows them).
    pub(super) service_identity: Option<(Option<&'a str>, &'a str)>,
    pub(super) sdk_disabled: bool,
    pub(super) propagators: &'a [PropagatorName],
    /// Propagators given in code, each shown as `custom` after the named ones.
    pub(super) custom_propagators: usize,
    pub(super) sampling: &'a Sampling,
    /// The exporters, their OTLP settings, the span queue and the metric interval.
    pub(super) export: &'a ExportConfig,
    pub(super) redaction: &'a RedactionSettings,
    /// Shown only when it copies something.
    pub(super) baggage_attributes: &'a crate::baggage::BaggageAllowList,
}

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kinds = |k: &[ExporterKind]| {
            if k.is_empty() {
                "none".to_owned()
            } else {
                k.iter()
                    .map(|k| format!("{k:?}").to_lowercase())
                    .collect::<Vec<_>>()
                    .join("+")
            }
        };
        let propagators = if self.propagators.is_empty() && self.custom_propagators == 0 {
            "none".to_owned()
        } else {
            let custom = std::iter::repeat_n("custom", self.custom_propagators);
            let names: Vec<&str> = self
                .propagators
                .iter()
                .map(|p| p.as_str())
                .chain(custom)
                .collect();
            names.join(",")
        };
        let export = self.export;
        let exporters = Signal::ALL.map(|signal| export.exporters(signal));
        let [traces, metrics, logs] = exporters;
        write!(f, "service.name={}", self.service_name.unwrap_or("<unset>"),)?;
        if let Some((version, instance)) = self.service_identity {
            write!(
                f,
                " service.version={} service.instance.id={instance}",
                version.unwrap_or("<unset>")
            )?;
        }
        write!(
            f,
            " sdk_disabled={} propagators={propagators} sampler={} traces={} metrics={} logs={}",
            self.sdk_disabled,
            self.sampling,
            kinds(traces),
            kinds(metrics),
            kinds(logs),
        )?;
        // The OTLP settings of the signals that export over OTLP.
        for (signal, kinds) in Signal::ALL.into_iter().zip(exporters) {
            if kinds.contains(&ExporterKind::Otlp) {
                write!(f, " otlp.{signal}=[{}]", export.otlp.signal(signal))?;
            }
        }
        // Without credentials: `Proxy`'s `Display` never shows them.
        #[cfg(feature = "proxy")]
        if let Some(proxy) = &export.otlp.traces.settings.proxy
            && exporters.iter().any(|kinds| kinds.contains(&ExporterKind::Otlp))
        {
            write!(f, " otlp.proxy=[{proxy}]")?;
        }
        write!(
            f,
            " bsp={} metric_interval={}ms redaction={}",
            export.bsp,
            export.metric_export_interval.as_millis(),
            self.redaction,
        )?;
        let baggage = self.baggage_attributes;
        if !baggage.is_empty() {
            let names: Vec<&str> = baggage.names().collect();
            let emails = if baggage.scrubs_emails() {
                ""
            } else {
                " (e-mails kept)"
            };
            write!(f, " baggage_attributes={}{emails}", names.join(","))?;
        }
        Ok(())
    }
}
