//! Every vector parses, with the warnings it should draw, and the kit's own vectors
//! give the model they were written for.

use std::time::Duration;

use otel_kit_config::*;

use crate::{examples_dir, lookup, released_vectors, vectors_dir};

fn read(name: &str) -> Parsed {
    read_file(&vectors_dir().join(name), lookup).unwrap_or_else(|error| panic!("{name}: {error}"))
}

#[test]
fn every_released_vector_parses_without_warnings() {
    for file in released_vectors() {
        let parsed = read_file(&file, lookup).unwrap_or_else(|error| panic!("{}: {error}", file.display()));
        assert_eq!(parsed.warnings, [], "{}", file.display());
    }
}

#[test]
fn the_sdk_examples_carry_their_documented_values() {
    let Some(dir) = examples_dir() else { return };
    for tag in ["v1.0.0", "v1.1.0"] {
        let file = dir.join(format!("{tag}-otel-sdk-config.yaml"));
        let model = read_file(&file, lookup)
            .unwrap_or_else(|error| panic!("{tag}: {error}"))
            .model;
        assert_eq!(model.file_format, &tag[1..4]);
        let tracer = model.tracer_provider.expect("tracer_provider");
        let Processor::Batch(batch) = &tracer.processors[0] else {
            panic!("{:?}", tracer.processors)
        };
        assert_eq!(batch.schedule_delay, Duration::from_millis(5000));
        let Exporter::OtlpHttp(otlp) = &batch.exporter else {
            panic!("{:?}", batch.exporter)
        };
        assert_eq!(otlp.compression, Compression::Gzip);
        assert_eq!(tracer.sampler, Sampler::default());
        let logs = model.logger_provider.expect("logger_provider");
        let Processor::Batch(batch) = &logs.processors[0] else {
            panic!()
        };
        assert_eq!(batch.schedule_delay, Duration::from_millis(1000));
    }
}

#[test]
fn substitution_vector_types_and_escapes() {
    let model = read("own-substitution.yaml").model;
    assert!(!model.disabled);
    let attribute = |name: &str| {
        model
            .resource
            .attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.clone())
    };
    assert_eq!(
        attribute("service.name"),
        Some(AttributeValue::String("checkout".into()))
    );
    assert_eq!(
        attribute("service.namespace"),
        Some(AttributeValue::String("shop".into()))
    );
    assert_eq!(
        attribute("deployment.environment.name"),
        Some(AttributeValue::String("staging".into()))
    );
    assert_eq!(
        attribute("app.price"),
        Some(AttributeValue::String("$5 in staging".into()))
    );
    assert_eq!(
        attribute("app.literal"),
        Some(AttributeValue::String("${SERVICE_NAME}".into()))
    );
    assert_eq!(attribute("app.batch"), Some(AttributeValue::Int(256)));
    assert_eq!(
        attribute("app.batch_text"),
        Some(AttributeValue::String("256".into()))
    );
    assert_eq!(
        attribute("app.gone"),
        None,
        "an unset variable without default is null: skipped"
    );
    assert_eq!(model.resource.attributes_list, None);
    assert_eq!(
        model.attribute_limits,
        AttributeLimits {
            attribute_value_length_limit: None,
            attribute_count_limit: 64
        }
    );
    let tracer = model.tracer_provider.expect("tracer_provider");
    let Processor::Batch(batch) = &tracer.processors[0] else {
        panic!()
    };
    assert_eq!(
        (batch.max_export_batch_size, batch.schedule_delay),
        (256, Duration::from_millis(2500))
    );
    let Exporter::OtlpHttp(otlp) = &batch.exporter else {
        panic!()
    };
    assert_eq!(otlp.endpoint, "http://collector:4318/v1/traces");
    assert_eq!(otlp.headers_list, None);
    assert_eq!(tracer.sampler, Sampler::TraceIdRatioBased { ratio: 0.25 });
}

#[test]
fn parent_based_delegates_jaeger_remote_and_probability() {
    let tracer = read("own-parent-based.yaml")
        .model
        .tracer_provider
        .expect("tracer_provider");
    let expected = ParentBasedSampler {
        root: Sampler::TraceIdRatioBased { ratio: 0.1 },
        remote_parent_sampled: Sampler::AlwaysOn,
        remote_parent_not_sampled: Sampler::TraceIdRatioBased { ratio: 0.01 },
        local_parent_sampled: Sampler::AlwaysOff,
        local_parent_not_sampled: Sampler::AlwaysOn,
    };
    assert_eq!(tracer.sampler, Sampler::ParentBased(Box::new(expected)));

    let tracer = read("own-jaeger-remote.yaml")
        .model
        .tracer_provider
        .expect("tracer_provider");
    let Sampler::ParentBased(parent) = tracer.sampler else {
        panic!()
    };
    assert_eq!(
        parent.root,
        Sampler::JaegerRemote(JaegerRemoteSampler {
            endpoint: "http://jaeger-agent:5778".into(),
            interval: Duration::from_secs(5),
            initial_sampler: Box::new(Sampler::TraceIdRatioBased { ratio: 0.01 }),
        })
    );
    assert_eq!(
        parent.remote_parent_not_sampled,
        Sampler::AlwaysOff,
        "the schema's default delegate"
    );

    let tracer = read("own-probability.yaml")
        .model
        .tracer_provider
        .expect("tracer_provider");
    let Sampler::ParentBased(parent) = tracer.sampler else {
        panic!()
    };
    assert_eq!(parent.root, Sampler::Probability { ratio: 0.125 });
    assert_eq!(
        parent.remote_parent_not_sampled,
        Sampler::Probability { ratio: 1.0 }
    );
    let Processor::Batch(batch) = &tracer.processors[0] else {
        panic!()
    };
    let Exporter::OtlpHttp(otlp) = &batch.exporter else {
        panic!()
    };
    assert_eq!(otlp.endpoint, "http://localhost:4318/v1/traces");
    assert_eq!(otlp.timeout, DEFAULT_EXPORT_TIMEOUT);
}

#[test]
fn views_and_the_prometheus_reader() {
    let meter = read("own-views.yaml")
        .model
        .meter_provider
        .expect("meter_provider");
    assert_eq!(meter.views.len(), 6);
    assert_eq!(
        meter.views[0].selector.instrument_type,
        Some(InstrumentType::Histogram)
    );
    assert_eq!(meter.views[0].stream.aggregation_cardinality_limit, Some(500));
    assert_eq!(
        meter.views[1].stream.aggregation,
        Aggregation::Base2ExponentialBucketHistogram {
            max_scale: 10,
            max_size: 80,
            record_min_max: true
        }
    );
    assert_eq!(
        meter.views[5].stream.aggregation,
        Aggregation::ExplicitBucketHistogram {
            boundaries: DEFAULT_BOUNDARIES.to_vec(),
            record_min_max: true
        }
    );
    assert_eq!(meter.exemplar_filter, ExemplarFilter::AlwaysOff);

    let meter = read("own-prometheus.yaml")
        .model
        .meter_provider
        .expect("meter_provider");
    let MetricReader::Pull(pull) = &meter.readers[0] else {
        panic!()
    };
    assert_eq!(
        (pull.cardinality_limits.histogram, pull.cardinality_limits.counter),
        (100, 500)
    );
    let MetricReader::Pull(defaults) = &meter.readers[2] else {
        panic!()
    };
    let PullMetricExporter::Prometheus(prometheus) = &defaults.exporter else {
        panic!()
    };
    assert_eq!((prometheus.host.as_str(), prometheus.port), ("localhost", 9464));
    assert!(prometheus.scope_info_enabled && prometheus.target_info_enabled);
}

#[test]
fn headers_and_the_kit_section() {
    let model = read("own-headers.yaml").model;
    let tracer = model.tracer_provider.expect("tracer_provider");
    let Processor::Batch(batch) = &tracer.processors[0] else {
        panic!()
    };
    let Exporter::OtlpGrpc(otlp) = &batch.exporter else {
        panic!()
    };
    assert_eq!(
        otlp.headers[0],
        NameStringValuePair {
            name: "api-key".into(),
            value: Some("secret-key".into())
        }
    );
    assert_eq!(otlp.headers_list.as_deref(), Some("x-extra=1,x-other=two"));
    assert_eq!(otlp.tls.ca_file.as_deref(), Some("/etc/otel/ca.pem"));

    let kit = read("own-distribution.yaml")
        .model
        .distribution
        .expect("distribution");
    assert_eq!(kit.others, ["some_vendor"]);
    let kit = kit.otel_kit.expect("otel_kit");
    let redaction = kit.redaction.expect("redaction");
    assert_eq!(redaction.drop_keys, ["app.ssn", "*.dob"]);
    assert_eq!(redaction.scrub, Some(vec!["email".into(), "card".into()]));
    let sampler = kit.sampler.expect("sampler");
    assert_eq!(sampler.ratio_arithmetic, Some(RatioArithmetic::Legacy));
    assert_eq!(
        (
            kit.bsp_max_trace_share,
            kit.request_value_max_bytes,
            kit.db_slow_query_threshold,
            kit.export_thread_nice
        ),
        (Some(25), Some(2048), Some(750), Some(10))
    );
    assert_eq!(kit.db_query_text.as_deref(), Some("always_sanitized"));
    let exporter = kit.exporter_otlp.expect("exporter_otlp");
    assert_eq!(exporter.credentials_check_interval, Some(Duration::from_secs(30)));
    assert_eq!(exporter.headers_files[0].name, "authorization");
}

#[test]
fn the_unreleased_example_draws_only_unreleased_key_warnings() {
    let Some(dir) = examples_dir() else { return };
    let file = dir.join("unreleased-otel-sdk-config.yaml");
    let parsed = read_file(&file, lookup).expect("the kit reads the main branch's example");
    assert!(!parsed.warnings.is_empty());
    for warning in &parsed.warnings {
        assert!(
            matches!(warning.kind(), ConfigFileWarningKind::UnreleasedKey { .. }),
            "{warning}"
        );
    }
}

#[test]
fn json_strings_stay_strings_after_substitution() {
    let model = read("own-json.json").model;
    let values: Vec<&AttributeValue> = model.resource.attributes.iter().map(|a| &a.value).collect();
    assert_eq!(
        values,
        [
            &AttributeValue::String("checkout".into()),
            &AttributeValue::String("256".into()),
            &AttributeValue::Int(3)
        ]
    );
}
