//! What this build of otel-kit-init has: its cargo features, asked in one place and held
//! as values, so that the rules which depend on them (a protocol or exporter the build
//! lacks is replaced or skipped, with a warning) are unit-tested whatever features the
//! test build has. A leaf, like `env` and `signal`: the protocols and exporters ask it
//! (`Protocol::is_in`, `ExporterKind::is_in`).

use crate::Signal;

/// The cargo features that change what the configuration can put in effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BuildFeatures {
    pub(crate) grpc: bool,
    pub(crate) http_proto: bool,
    pub(crate) http_json: bool,
    pub(crate) console: bool,
    pub(crate) metrics: bool,
    pub(crate) logs: bool,
    pub(crate) prometheus: bool,
}

impl BuildFeatures {
    /// This build's.
    pub(crate) const THIS_BUILD: BuildFeatures = BuildFeatures {
        grpc: cfg!(feature = "grpc"),
        http_proto: cfg!(feature = "http-proto"),
        http_json: cfg!(feature = "http-json"),
        console: cfg!(feature = "console"),
        metrics: cfg!(feature = "metrics"),
        logs: cfg!(feature = "logs"),
        prometheus: cfg!(feature = "prometheus"),
    };

    /// Traces always; metrics and logs with the features of those names.
    pub(crate) fn has_signal(self, signal: Signal) -> bool {
        match signal {
            Signal::Traces => true,
            Signal::Metrics => self.metrics,
            Signal::Logs => self.logs,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::config::{Config, ExporterKind, Protocol, ProtocolFeature as _};
    use crate::env::read_as_built;

    const ALL: BuildFeatures = BuildFeatures {
        grpc: true,
        http_proto: true,
        http_json: true,
        console: true,
        metrics: true,
        logs: true,
        prometheus: true,
    };

    fn read(features: BuildFeatures, vars: &[(&str, &str)]) -> (Config, Vec<String>) {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let (config, warnings) = read_as_built(|k| vars.get(k).cloned(), features, Config::read);
        (config, warnings.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_protocol_the_build_lacks_is_replaced_with_a_warning_naming_the_variable_and_the_feature() {
        let http_only = BuildFeatures { grpc: false, ..ALL };
        let (config, warnings) = read(http_only, &[("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")]);
        assert_eq!(
            config.export.otlp.traces.settings.protocol,
            Protocol::HttpProtobuf
        );
        assert_eq!(
            config.export.otlp.traces.endpoint(),
            "http://localhost:4318/v1/traces"
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("OTEL_EXPORTER_OTLP_PROTOCOL"),
            "{}",
            warnings[0]
        );
        assert!(warnings[0].contains("`grpc` cargo feature"), "{}", warnings[0]);
        assert!(warnings[0].contains("using http/protobuf"), "{}", warnings[0]);

        let (config, warnings) = read(ALL, &[("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")]);
        assert_eq!(config.export.otlp.traces.settings.protocol, Protocol::Grpc);
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn with_one_transport_it_is_the_default_protocol() {
        let grpc_only = BuildFeatures {
            http_proto: false,
            http_json: false,
            ..ALL
        };
        let (config, warnings) = read(grpc_only, &[]);
        assert_eq!(config.export.otlp.metrics.settings.protocol, Protocol::Grpc);
        assert_eq!(config.export.otlp.metrics.endpoint(), "http://localhost:4317");
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn a_signal_the_build_lacks_exports_nothing_and_says_so_only_when_asked_for() {
        let traces_only = BuildFeatures {
            metrics: false,
            logs: false,
            ..ALL
        };
        let (config, warnings) = read(traces_only, &[]);
        assert_eq!(config.export.traces_exporters, [ExporterKind::Otlp]);
        assert!(config.export.metrics_exporters.is_empty() && config.export.logs_exporters.is_empty());
        assert!(
            warnings.is_empty(),
            "unset variables ask for nothing: {warnings:?}"
        );

        let (config, warnings) = read(
            traces_only,
            &[("OTEL_METRICS_EXPORTER", "otlp"), ("OTEL_LOGS_EXPORTER", "none")],
        );
        assert!(config.export.metrics_exporters.is_empty());
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("OTEL_METRICS_EXPORTER") && warnings[0].contains("`metrics` cargo feature")
        );
    }

    #[test]
    fn an_exporter_the_build_lacks_is_skipped_with_a_warning() {
        let no_console = BuildFeatures {
            console: false,
            ..ALL
        };
        let (config, warnings) = read(no_console, &[("OTEL_TRACES_EXPORTER", "console,otlp")]);
        assert_eq!(config.export.traces_exporters, [ExporterKind::Otlp]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("OTEL_TRACES_EXPORTER") && warnings[0].contains("`console`"));

        let no_transport = BuildFeatures {
            grpc: false,
            http_proto: false,
            http_json: false,
            ..ALL
        };
        let (config, warnings) = read(no_transport, &[]);
        assert!(
            config.export.traces_exporters.is_empty(),
            "the default otlp is not in the build"
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        let (config, warnings) = read(no_transport, &[("OTEL_TRACES_EXPORTER", "otlp")]);
        assert!(config.export.traces_exporters.is_empty());
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("`grpc`, `http-proto` or `http-json`")),
            "{warnings:?}"
        );
    }

    #[test]
    fn this_build_is_what_cargo_compiled() {
        assert_eq!(BuildFeatures::THIS_BUILD.grpc, cfg!(feature = "grpc"));
        assert_eq!(Protocol::HttpJson.is_built_in(), cfg!(feature = "http-json"));
        assert_eq!(ExporterKind::Console.is_built_in(), cfg!(feature = "console"));
    }
}
