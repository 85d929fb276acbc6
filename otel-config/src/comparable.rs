//! [`OpenTelemetryConfiguration::comparable`]: the model as normalized JSON, the form
//! the cross-check against the Python SDK compares field by field.

use std::time::Duration;

use serde_json::{Value, json};

use crate::model::*;

impl OpenTelemetryConfiguration {
    /// A normalized JSON view of the model, used to cross-check it against other SDKs'
    /// readings of the same file (this crate's tests compare it with the Python SDK's
    /// `load_config_file`). Defaults are filled in, durations are milliseconds, each
    /// component is an object with one key, its schema name (`{"otlp_http": {..}}`),
    /// or `{"unsupported": name}` for a component the kit does not implement.
    ///
    /// ```
    /// let parsed = otel_kit_config::parse_str("file_format: \"1.1\"\ntracer_provider:\n  processors: []\n", |_| None)?;
    /// let view = parsed.model.comparable();
    /// assert_eq!(view["tracer_provider"]["sampler"]["parent_based"]["root"], serde_json::json!({"always_on": {}}));
    /// assert_eq!(view["tracer_provider"]["limits"]["event_count_limit"], 128);
    /// # Ok::<(), otel_kit_config::ConfigFileError>(())
    /// ```
    pub fn comparable(&self) -> Value {
        json!({
            "file_format": self.file_format,
            "disabled": self.disabled,
            "log_level": self.log_level.unwrap_or(SeverityNumber::INFO).name(),
            "resource": resource(&self.resource),
            "attribute_limits": limits(&self.attribute_limits),
            "propagator": self.propagator.as_ref().map(|p| json!({
                "composite": p.composite.iter().map(|c| c.name()).collect::<Vec<_>>(),
                "composite_list": p.composite_list,
            })),
            "tracer_provider": self.tracer_provider.as_ref().map(|t| json!({
                "processors": t.processors.iter().map(processor).collect::<Vec<_>>(),
                "limits": {
                    "attribute_value_length_limit": t.limits.attribute_value_length_limit,
                    "attribute_count_limit": t.limits.attribute_count_limit,
                    "event_count_limit": t.limits.event_count_limit,
                    "link_count_limit": t.limits.link_count_limit,
                    "event_attribute_count_limit": t.limits.event_attribute_count_limit,
                    "link_attribute_count_limit": t.limits.link_attribute_count_limit,
                },
                "sampler": sampler(&t.sampler),
            })),
            "meter_provider": self.meter_provider.as_ref().map(|m| json!({
                "readers": m.readers.iter().map(reader).collect::<Vec<_>>(),
                "views": m.views.iter().map(view).collect::<Vec<_>>(),
                "exemplar_filter": match m.exemplar_filter {
                    ExemplarFilter::AlwaysOn => "always_on",
                    ExemplarFilter::AlwaysOff => "always_off",
                    ExemplarFilter::TraceBased => "trace_based",
                },
            })),
            "logger_provider": self.logger_provider.as_ref().map(|l| json!({
                "processors": l.processors.iter().map(processor).collect::<Vec<_>>(),
                "limits": limits(&l.limits),
            })),
        })
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

fn limits(limits: &AttributeLimits) -> Value {
    json!({
        "attribute_value_length_limit": limits.attribute_value_length_limit,
        "attribute_count_limit": limits.attribute_count_limit,
    })
}

fn include_exclude(list: &IncludeExclude) -> Value {
    json!({ "included": list.included, "excluded": list.excluded })
}

fn resource(resource: &Resource) -> Value {
    let attributes: Vec<Value> = resource
        .attributes
        .iter()
        .map(|attribute| {
            let value = match &attribute.value {
                AttributeValue::String(v) => json!(v),
                AttributeValue::Bool(v) => json!(v),
                AttributeValue::Int(v) => json!(v),
                AttributeValue::Double(v) => json!(v),
                AttributeValue::StringArray(v) => json!(v),
                AttributeValue::BoolArray(v) => json!(v),
                AttributeValue::IntArray(v) => json!(v),
                AttributeValue::DoubleArray(v) => json!(v),
            };
            json!({ "name": attribute.name, "type": attribute.value.type_name(), "value": value })
        })
        .collect();
    json!({
        "attributes": attributes,
        "attributes_list": resource.attributes_list,
        "schema_url": resource.schema_url,
        "detection": resource.detection.as_ref().map(|d| json!({
            "attributes": include_exclude(&d.attributes),
            "detectors": d.detectors.iter().map(|detector| match detector {
                ResourceDetector::Container => json!({"container": {}}),
                ResourceDetector::Host => json!({"host": {}}),
                ResourceDetector::Process => json!({"process": {}}),
                ResourceDetector::Service => json!({"service": {}}),
                ResourceDetector::Unsupported { name } => json!({"unsupported": name}),
            }).collect::<Vec<_>>(),
        })),
    })
}

fn sampler(sampler: &Sampler) -> Value {
    match sampler {
        Sampler::AlwaysOn => json!({"always_on": {}}),
        Sampler::AlwaysOff => json!({"always_off": {}}),
        Sampler::TraceIdRatioBased { ratio } => json!({"trace_id_ratio_based": {"ratio": ratio}}),
        Sampler::Probability { ratio } => json!({"probability/development": {"ratio": ratio}}),
        Sampler::ParentBased(parent) => json!({"parent_based": {
            "root": self::sampler(&parent.root),
            "remote_parent_sampled": self::sampler(&parent.remote_parent_sampled),
            "remote_parent_not_sampled": self::sampler(&parent.remote_parent_not_sampled),
            "local_parent_sampled": self::sampler(&parent.local_parent_sampled),
            "local_parent_not_sampled": self::sampler(&parent.local_parent_not_sampled),
        }}),
        Sampler::JaegerRemote(remote) => json!({"jaeger_remote/development": {
            "endpoint": remote.endpoint,
            "interval": millis(remote.interval),
            "initial_sampler": self::sampler(&remote.initial_sampler),
        }}),
        Sampler::Unsupported { name } => json!({"unsupported": name}),
    }
}

fn processor(processor: &Processor) -> Value {
    match processor {
        Processor::Batch(batch) => json!({"batch": {
            "schedule_delay": millis(batch.schedule_delay),
            "export_timeout": millis(batch.export_timeout),
            "max_queue_size": batch.max_queue_size,
            "max_export_batch_size": batch.max_export_batch_size,
            "exporter": exporter(&batch.exporter),
        }}),
        Processor::Simple { exporter } => json!({"simple": {"exporter": self::exporter(exporter)}}),
        Processor::Unsupported { name } => json!({"unsupported": name}),
    }
}

fn headers(headers: &[NameStringValuePair]) -> Value {
    headers
        .iter()
        .map(|h| json!({"name": h.name, "value": h.value}))
        .collect()
}

fn compression(compression: Compression) -> &'static str {
    match compression {
        Compression::None => "none",
        Compression::Gzip => "gzip",
        Compression::Zstd => "zstd",
    }
}

fn tls(tls: &Tls, grpc: bool) -> Value {
    let mut value = json!({"ca_file": tls.ca_file, "key_file": tls.key_file, "cert_file": tls.cert_file});
    if grpc {
        value["insecure"] = json!(tls.insecure);
    }
    value
}

fn http(otlp: &OtlpHttpExporter) -> Value {
    json!({
        "endpoint": otlp.endpoint,
        "protocol": match otlp.encoding {
            OtlpHttpEncoding::Protobuf => "http/protobuf",
            OtlpHttpEncoding::Json => "http/json",
        },
        "headers": headers(&otlp.headers),
        "headers_list": otlp.headers_list,
        "compression": compression(otlp.compression),
        "timeout": millis(otlp.timeout),
        "tls": tls(&otlp.tls, false),
    })
}

fn grpc(otlp: &OtlpGrpcExporter) -> Value {
    json!({
        "endpoint": otlp.endpoint,
        "protocol": "grpc",
        "headers": headers(&otlp.headers),
        "headers_list": otlp.headers_list,
        "compression": compression(otlp.compression),
        "timeout": millis(otlp.timeout),
        "tls": tls(&otlp.tls, true),
    })
}

fn exporter(exporter: &Exporter) -> Value {
    match exporter {
        Exporter::OtlpHttp(otlp) => json!({"otlp_http": http(otlp)}),
        Exporter::OtlpGrpc(otlp) => json!({"otlp_grpc": grpc(otlp)}),
        Exporter::Console => json!({"console": {}}),
        Exporter::Unsupported { name } => json!({"unsupported": name}),
    }
}

fn preferences(mut value: Value, preferences: &MetricExporterPreferences) -> Value {
    value["temporality_preference"] = json!(match preferences.temporality_preference {
        TemporalityPreference::Cumulative => "cumulative",
        TemporalityPreference::Delta => "delta",
        TemporalityPreference::LowMemory => "low_memory",
    });
    value["default_histogram_aggregation"] = json!(match preferences.default_histogram_aggregation {
        HistogramAggregation::ExplicitBucketHistogram => "explicit_bucket_histogram",
        HistogramAggregation::Base2ExponentialBucketHistogram => "base2_exponential_bucket_histogram",
    });
    value
}

fn cardinality(limits: &CardinalityLimits) -> Value {
    json!({
        "default": limits.default,
        "counter": limits.counter,
        "gauge": limits.gauge,
        "histogram": limits.histogram,
        "observable_counter": limits.observable_counter,
        "observable_gauge": limits.observable_gauge,
        "observable_up_down_counter": limits.observable_up_down_counter,
        "up_down_counter": limits.up_down_counter,
    })
}

fn reader(reader: &MetricReader) -> Value {
    match reader {
        MetricReader::Periodic(periodic) => {
            let exporter = match &periodic.exporter {
                PushMetricExporter::OtlpHttp {
                    exporter,
                    preferences: p,
                } => {
                    json!({"otlp_http": preferences(http(exporter), p)})
                }
                PushMetricExporter::OtlpGrpc {
                    exporter,
                    preferences: p,
                } => {
                    json!({"otlp_grpc": preferences(grpc(exporter), p)})
                }
                PushMetricExporter::Console { preferences: p } => {
                    json!({"console": preferences(json!({}), p)})
                }
                PushMetricExporter::Unsupported { name } => json!({"unsupported": name}),
            };
            json!({"periodic": {
                "interval": millis(periodic.interval),
                "timeout": millis(periodic.timeout),
                "exporter": exporter,
                "cardinality_limits": cardinality(&periodic.cardinality_limits),
            }})
        }
        MetricReader::Pull(pull) => {
            let exporter = match &pull.exporter {
                PullMetricExporter::Prometheus(prometheus) => json!({"prometheus/development": {
                    "host": prometheus.host,
                    "port": prometheus.port,
                    "scope_info_enabled": prometheus.scope_info_enabled,
                    "target_info_enabled": prometheus.target_info_enabled,
                    "resource_constant_labels": prometheus.resource_constant_labels.as_ref().map(include_exclude),
                    "translation_strategy": prometheus.translation_strategy,
                }}),
                PullMetricExporter::Unsupported { name } => json!({"unsupported": name}),
            };
            json!({"pull": {"exporter": exporter, "cardinality_limits": cardinality(&pull.cardinality_limits)}})
        }
    }
}

fn view(view: &View) -> Value {
    let s = &view.selector;
    let aggregation = match &view.stream.aggregation {
        Aggregation::ExplicitBucketHistogram {
            boundaries,
            record_min_max,
        } => {
            json!({"explicit_bucket_histogram": {"boundaries": boundaries, "record_min_max": record_min_max}})
        }
        Aggregation::Base2ExponentialBucketHistogram {
            max_scale,
            max_size,
            record_min_max,
        } => {
            json!({"base2_exponential_bucket_histogram": {
                "max_scale": max_scale, "max_size": max_size, "record_min_max": record_min_max,
            }})
        }
        other => json!({ other.name(): {} }),
    };
    json!({
        "selector": {
            "instrument_name": s.instrument_name,
            "instrument_type": s.instrument_type.map(InstrumentType::name),
            "unit": s.unit,
            "meter_name": s.meter_name,
            "meter_version": s.meter_version,
            "meter_schema_url": s.meter_schema_url,
        },
        "stream": {
            "name": view.stream.name,
            "description": view.stream.description,
            "aggregation": aggregation,
            "aggregation_cardinality_limit": view.stream.aggregation_cardinality_limit,
            "attribute_keys": view.stream.attribute_keys.as_ref().map(include_exclude),
        },
    })
}
