//! The providers: each signal's processors or readers, exporters, batch settings and
//! limits, as the `OTEL_*` variables of that signal. The kit builds one pipeline per
//! signal, with one exporter of each kind: a second one is noted, not written.

use std::time::Duration;

use super::{EnvVariables, percent_encode};
use crate::model::{
    BatchProcessor, Compression, ExemplarFilter, Exporter, HistogramAggregation, MetricReader,
    OpenTelemetryConfiguration, OtlpGrpcExporter, OtlpHttpEncoding, OtlpHttpExporter, Processor,
    PullMetricExporter, PushMetricExporter, TemporalityPreference, Tls,
};

pub(super) fn traces(model: &OpenTelemetryConfiguration, vars: &mut EnvVariables) {
    let Some(provider) = &model.tracer_provider else {
        return vars.set("OTEL_TRACES_EXPORTER", "none", "tracer_provider");
    };
    let exporters = processors("tracer_provider", &provider.processors, "OTEL_BSP", vars);
    let kinds = exporter_kinds("TRACES", &exporters, vars);
    vars.set("OTEL_TRACES_EXPORTER", kinds, "tracer_provider.processors");
    let limits = &provider.limits;
    let at = |key: &str| format!("tracer_provider.limits.{key}");
    let counts = [
        (
            "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
            limits.attribute_count_limit,
            "attribute_count_limit",
        ),
        (
            "OTEL_SPAN_EVENT_COUNT_LIMIT",
            limits.event_count_limit,
            "event_count_limit",
        ),
        (
            "OTEL_SPAN_LINK_COUNT_LIMIT",
            limits.link_count_limit,
            "link_count_limit",
        ),
        (
            "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT",
            limits.event_attribute_count_limit,
            "event_attribute_count_limit",
        ),
        (
            "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
            limits.link_attribute_count_limit,
            "link_attribute_count_limit",
        ),
    ];
    for (name, count, key) in counts {
        vars.set(name, count.to_string(), at(key));
    }
    if let Some(length) = limits.attribute_value_length_limit {
        vars.set(
            "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
            length.to_string(),
            at("attribute_value_length_limit"),
        );
    }
    if let Some((name, arg)) = super::sampler_variable(&provider.sampler) {
        vars.set("OTEL_TRACES_SAMPLER", name, "tracer_provider.sampler");
        if let Some(arg) = arg {
            vars.set("OTEL_TRACES_SAMPLER_ARG", arg, "tracer_provider.sampler");
        }
    }
}

pub(super) fn logs(model: &OpenTelemetryConfiguration, vars: &mut EnvVariables) {
    let Some(provider) = &model.logger_provider else {
        return vars.set("OTEL_LOGS_EXPORTER", "none", "logger_provider");
    };
    let exporters = processors("logger_provider", &provider.processors, "OTEL_BLRP", vars);
    let kinds = exporter_kinds("LOGS", &exporters, vars);
    vars.set("OTEL_LOGS_EXPORTER", kinds, "logger_provider.processors");
    let at = |key: &str| format!("logger_provider.limits.{key}");
    let count = provider.limits.attribute_count_limit.to_string();
    vars.set(
        "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT",
        count,
        at("attribute_count_limit"),
    );
    if let Some(length) = provider.limits.attribute_value_length_limit {
        vars.set(
            "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT",
            length.to_string(),
            at("attribute_value_length_limit"),
        );
    }
}

/// A simple processor's queue exports this often (ms): at once, but never on the thread
/// that ended the span or record.
const SIMPLE_SCHEDULE_DELAY_MILLIS: u64 = 10;

/// Each processor's exporter with its YAML path; the first batch processor's settings
/// become the signal's queue (`prefix`: `OTEL_BSP`, `OTEL_BLRP`). A simple processor's
/// exporter is fed by the kit's queue too (noted).
fn processors<'a>(
    provider: &str,
    processors: &'a [Processor],
    prefix: &str,
    vars: &mut EnvVariables,
) -> Vec<(String, &'a Exporter)> {
    let mut batch_set = false;
    let mut out = Vec::new();
    for (i, processor) in processors.iter().enumerate() {
        let path = format!("{provider}.processors[{i}]");
        match processor {
            Processor::Batch(batch) if batch_set => {
                vars.note(
                    format!("{path}.batch"),
                    "the kit has one queue per signal: the first batch processor's settings apply",
                );
                out.push((format!("{path}.batch.exporter"), &batch.exporter));
            }
            Processor::Batch(batch) => {
                set_batch(vars, prefix, batch, &format!("{path}.batch"));
                batch_set = true;
                out.push((format!("{path}.batch.exporter"), &batch.exporter));
            }
            Processor::Simple { exporter } => {
                let why = if batch_set {
                    "the kit exports through its queue, never on the thread that ends the span or record: the batch processor's queue feeds it"
                } else {
                    // As soon as possible, where the queue is the simple processor's.
                    let delay = format!("{prefix}_SCHEDULE_DELAY");
                    vars.set(
                        delay,
                        SIMPLE_SCHEDULE_DELAY_MILLIS.to_string(),
                        format!("{path}.simple"),
                    );
                    "the kit exports through its queue, never on the thread that ends the span or record: built as its queue, exporting every 10 ms"
                };
                vars.note(format!("{path}.simple"), why);
                out.push((format!("{path}.simple.exporter"), exporter));
            }
            // The parser has warned about it, naming it.
            Processor::Unsupported { .. } => {}
        }
    }
    out
}

/// The `OTEL_<SIGNAL>_EXPORTER` value for these exporters, their OTLP settings written.
fn exporter_kinds(signal: &str, exporters: &[(String, &Exporter)], vars: &mut EnvVariables) -> String {
    let mut kinds: Vec<&str> = Vec::new();
    for (path, exporter) in exporters {
        let kind = match exporter {
            Exporter::OtlpHttp(_) | Exporter::OtlpGrpc(_) => "otlp",
            Exporter::Console => "console",
            Exporter::Unsupported { .. } => continue,
        };
        if kinds.contains(&kind) {
            vars.note(
                path.clone(),
                format!("a second {kind} exporter: the kit builds one of each kind per signal; not built"),
            );
            continue;
        }
        kinds.push(kind);
        set_otlp(vars, signal, exporter, path);
    }
    if kinds.is_empty() {
        "none".to_owned()
    } else {
        kinds.join(",")
    }
}

pub(super) fn metrics(model: &OpenTelemetryConfiguration, vars: &mut EnvVariables) {
    let Some(provider) = &model.meter_provider else {
        return vars.set("OTEL_METRICS_EXPORTER", "none", "meter_provider");
    };
    let filter = match provider.exemplar_filter {
        ExemplarFilter::AlwaysOn => "always_on",
        ExemplarFilter::AlwaysOff => "always_off",
        ExemplarFilter::TraceBased => "trace_based",
    };
    vars.set(
        "OTEL_METRICS_EXEMPLAR_FILTER",
        filter,
        "meter_provider.exemplar_filter",
    );
    let mut kinds: Vec<&str> = Vec::new();
    for (i, reader) in provider.readers.iter().enumerate() {
        let path = format!("meter_provider.readers[{i}]");
        let kind = match reader {
            MetricReader::Periodic(periodic) => {
                let at = format!("{path}.periodic");
                let (kind, preferences, exporter) = match &periodic.exporter {
                    PushMetricExporter::OtlpHttp {
                        preferences,
                        exporter,
                    } => ("otlp", preferences, Some(Exporter::OtlpHttp(exporter.clone()))),
                    PushMetricExporter::OtlpGrpc {
                        preferences,
                        exporter,
                    } => ("otlp", preferences, Some(Exporter::OtlpGrpc(exporter.clone()))),
                    PushMetricExporter::Console { preferences } => ("console", preferences, None),
                    PushMetricExporter::Unsupported { .. } => continue,
                };
                if kinds.contains(&kind) {
                    vars.note(
                        at,
                        format!("a second {kind} reader: the kit builds one of each kind; not built"),
                    );
                    continue;
                }
                vars.set(
                    "OTEL_METRIC_EXPORT_INTERVAL",
                    periodic.interval.as_millis().to_string(),
                    format!("{at}.interval"),
                );
                vars.set_timeout(
                    "OTEL_METRIC_EXPORT_TIMEOUT",
                    periodic.timeout,
                    &format!("{at}.timeout"),
                );
                let temporality = match preferences.temporality_preference {
                    TemporalityPreference::Cumulative => "cumulative",
                    TemporalityPreference::Delta => "delta",
                    TemporalityPreference::LowMemory => "lowmemory",
                };
                if preferences.default_histogram_aggregation != HistogramAggregation::ExplicitBucketHistogram
                {
                    let key = format!("{at}.exporter.default_histogram_aggregation");
                    vars.note(
                        key,
                        "not built: histograms keep explicit buckets (a view's aggregation can change one)",
                    );
                }
                let variable = "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE";
                vars.set(
                    variable,
                    temporality,
                    format!("{at}.exporter.temporality_preference"),
                );
                if let Some(exporter) = exporter {
                    set_otlp(vars, "METRICS", &exporter, &format!("{at}.exporter"));
                }
                kind
            }
            MetricReader::Pull(pull) => match &pull.exporter {
                PullMetricExporter::Prometheus(prometheus) => {
                    let at = format!("{path}.pull.exporter.prometheus/development");
                    vars.set(
                        "OTEL_EXPORTER_PROMETHEUS_HOST",
                        prometheus.host.clone(),
                        format!("{at}.host"),
                    );
                    vars.set(
                        "OTEL_EXPORTER_PROMETHEUS_PORT",
                        prometheus.port.to_string(),
                        format!("{at}.port"),
                    );
                    let default_options = prometheus.scope_info_enabled
                        && prometheus.target_info_enabled
                        && prometheus.resource_constant_labels.is_none()
                        && prometheus.translation_strategy == "underscore_escaping_with_suffixes";
                    if !default_options {
                        let kept = "not built: scope_info_enabled, target_info_enabled, resource_constant_labels and translation_strategy keep the kit's exposition";
                        vars.note(at, kept);
                    }
                    "prometheus"
                }
                PullMetricExporter::Unsupported { .. } => continue,
            },
        };
        kinds.push(kind);
        let limits = match reader {
            MetricReader::Periodic(periodic) => &periodic.cardinality_limits,
            MetricReader::Pull(pull) => &pull.cardinality_limits,
        };
        let d = limits.default;
        let per_kind = [
            limits.counter,
            limits.gauge,
            limits.histogram,
            limits.observable_counter,
            limits.observable_gauge,
            limits.observable_up_down_counter,
            limits.up_down_counter,
        ];
        if per_kind.iter().any(|limit| *limit != d) {
            let why = "not built per instrument kind: `default` applies to every instrument (a view's aggregation_cardinality_limit sets one metric's)";
            vars.note(format!("{path}.cardinality_limits"), why);
        }
    }
    let kinds = if kinds.is_empty() {
        "none".to_owned()
    } else {
        kinds.join(",")
    };
    vars.set("OTEL_METRICS_EXPORTER", kinds, "meter_provider.readers");
}

/// A batch processor's settings, under `prefix` (`OTEL_BSP`, `OTEL_BLRP`).
fn set_batch(vars: &mut EnvVariables, prefix: &str, batch: &BatchProcessor, path: &str) {
    let millis = |d: Duration| d.as_millis().to_string();
    vars.set(
        format!("{prefix}_SCHEDULE_DELAY"),
        millis(batch.schedule_delay),
        format!("{path}.schedule_delay"),
    );
    vars.set_timeout(
        &format!("{prefix}_EXPORT_TIMEOUT"),
        batch.export_timeout,
        &format!("{path}.export_timeout"),
    );
    vars.set(
        format!("{prefix}_MAX_QUEUE_SIZE"),
        batch.max_queue_size.to_string(),
        format!("{path}.max_queue_size"),
    );
    let size = batch.max_export_batch_size.to_string();
    vars.set(
        format!("{prefix}_MAX_EXPORT_BATCH_SIZE"),
        size,
        format!("{path}.max_export_batch_size"),
    );
}

/// An OTLP exporter's settings for `signal` (`TRACES`, `METRICS`, `LOGS`); nothing for
/// another exporter.
fn set_otlp(vars: &mut EnvVariables, signal: &str, exporter: &Exporter, path: &str) {
    let var = |name: &str| format!("OTEL_EXPORTER_OTLP_{signal}_{name}");
    let (kind, protocol, endpoint, tls, headers, headers_list, compression, timeout) = match exporter {
        Exporter::OtlpHttp(OtlpHttpExporter {
            endpoint,
            tls,
            headers,
            headers_list,
            compression,
            timeout,
            encoding,
        }) => {
            let protocol = if *encoding == OtlpHttpEncoding::Json {
                "http/json"
            } else {
                "http/protobuf"
            };
            (
                "otlp_http",
                protocol,
                endpoint,
                tls,
                headers,
                headers_list,
                compression,
                timeout,
            )
        }
        Exporter::OtlpGrpc(OtlpGrpcExporter {
            endpoint,
            tls,
            headers,
            headers_list,
            compression,
            timeout,
        }) => (
            "otlp_grpc",
            "grpc",
            endpoint,
            tls,
            headers,
            headers_list,
            compression,
            timeout,
        ),
        Exporter::Console | Exporter::Unsupported { .. } => return,
    };
    let at = |key: &str| format!("{path}.{kind}.{key}");
    vars.set(var("ENDPOINT"), endpoint.clone(), at("endpoint"));
    vars.set(var("PROTOCOL"), protocol, format!("{path}.{kind}"));
    let compression = match compression {
        Compression::None => "none",
        Compression::Gzip => "gzip",
        Compression::Zstd => "zstd",
    };
    vars.set(var("COMPRESSION"), compression, at("compression"));
    vars.set_timeout(&var("TIMEOUT"), *timeout, &at("timeout"));
    set_tls(vars, &var, tls, &at("tls"));
    // `headers_list` first, without the names `headers` gives; then `headers`.
    let named = |entry: &str| {
        let name = entry.split_once('=').map_or(entry, |(n, _)| n).trim();
        headers
            .iter()
            .any(|h| h.value.is_some() && h.name.eq_ignore_ascii_case(name))
    };
    let mut entries: Vec<String> = headers_list
        .iter()
        .flat_map(|list| list.split(','))
        .filter(|entry| !entry.trim().is_empty() && !named(entry))
        .map(str::to_owned)
        .collect();
    entries.extend(headers.iter().filter_map(|h| {
        Some(format!(
            "{}={}",
            percent_encode(&h.name),
            percent_encode(h.value.as_ref()?)
        ))
    }));
    if !entries.is_empty() {
        vars.set(var("HEADERS"), entries.join(","), at("headers"));
    }
}

fn set_tls(vars: &mut EnvVariables, var: &dyn Fn(&str) -> String, tls: &Tls, path: &str) {
    let files = [
        ("CERTIFICATE", &tls.ca_file, "ca_file"),
        ("CLIENT_KEY", &tls.key_file, "key_file"),
        ("CLIENT_CERTIFICATE", &tls.cert_file, "cert_file"),
    ];
    for (name, file, key) in files {
        if let Some(file) = file {
            vars.set(var(name), file.clone(), format!("{path}.{key}"));
        }
    }
    if tls.insecure {
        vars.set(var("INSECURE"), "true", format!("{path}.insecure"));
    }
}
