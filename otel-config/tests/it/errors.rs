//! Errors name the path, the line and what was expected; warnings name the path and
//! line; substituted values never add structure.

use std::time::Duration;

use otel_kit_config::*;

fn parse(yaml: &str) -> Result<Parsed, ConfigFileError> {
    parse_str(yaml, |name| match name {
        "PORT" => Some("4318".into()),
        "ON" => Some("true".into()),
        "MULTI" => Some("a\nb: c\n- d".into()),
        "FLOW" => Some("{x: 1}".into()),
        "LIST" => Some("- a".into()),
        "KV" => Some("a: b".into()),
        "LONG" => Some("x".repeat(10 * 1024)),
        _ => None,
    })
}

#[test]
fn a_wrong_type_names_path_line_and_what_was_expected() {
    let yaml = "file_format: \"1.1\"\ntracer_provider:\n  processors:\n    - batch:\n        schedule_delay: soon\n        exporter:\n          console:\n";
    let error = parse(yaml).unwrap_err();
    assert_eq!(error.kind(), ConfigFileErrorKind::Type);
    assert_eq!(error.path(), "tracer_provider.processors[0].batch.schedule_delay");
    assert_eq!(error.line(), 5);
    assert_eq!(error.expected(), "a non-negative integer");
    assert_eq!(
        error.to_string(),
        "tracer_provider.processors[0].batch.schedule_delay (line 5): expected a non-negative integer, found `soon`"
    );
    let negative =
        parse("file_format: \"1.1\"\nattribute_limits:\n  attribute_count_limit: -1\n").unwrap_err();
    assert_eq!(
        (negative.kind(), negative.line()),
        (ConfigFileErrorKind::Value, 3)
    );
    let ratio = parse("file_format: \"1.1\"\ntracer_provider:\n  processors: []\n  sampler:\n    trace_id_ratio_based:\n      ratio: 1.5\n").unwrap_err();
    assert_eq!(ratio.path(), "tracer_provider.sampler.trace_id_ratio_based.ratio");
    let missing = parse(
        "file_format: \"1.1\"\ntracer_provider:\n  processors:\n    - batch:\n        schedule_delay: 1\n",
    )
    .unwrap_err();
    assert_eq!(
        (missing.kind(), missing.path()),
        (
            ConfigFileErrorKind::Missing,
            "tracer_provider.processors[0].batch.exporter"
        )
    );
    let two = parse("file_format: \"1.1\"\ntracer_provider:\n  processors: []\n  sampler:\n    always_on:\n    always_off:\n").unwrap_err();
    assert_eq!(two.expected(), "exactly one component");
    let duplicate = parse("file_format: \"1.1\"\ndisabled: true\ndisabled: false\n").unwrap_err();
    assert_eq!((duplicate.line(), duplicate.path()), (3, "disabled"));
}

#[test]
fn file_format_major_must_be_1_and_a_newer_minor_warns() {
    for (yaml, found) in [
        ("disabled: false\n", "nothing"),
        ("file_format: \"2.0\"\n", "`2.0`"),
        ("file_format: 1.0\n", "`1`"),
        ("file_format: \"one\"\n", "`one`"),
        ("file_format: \"0.4\"\n", "`0.4`"),
    ] {
        let error = parse(yaml).unwrap_err();
        assert_eq!(
            (error.kind(), error.found()),
            (ConfigFileErrorKind::FileFormat, found),
            "{yaml}"
        );
    }
    assert!(parse("file_format: \"1.0-rc.2\"\n").unwrap().warnings.is_empty());
    let newer = parse("file_format: \"1.4\"\n").unwrap();
    assert_eq!(newer.warnings.len(), 1);
    assert_eq!(
        newer.warnings[0].kind(),
        &ConfigFileWarningKind::NewerMinorVersion {
            file_format: "1.4".into()
        }
    );
}

#[test]
fn unknown_unreleased_and_unsupported_each_warn_once_with_their_line() {
    let yaml = "\
file_format: \"1.1\"
tracer_provider:
  procesors: []
  processors:
    - batch:
        exporter:
          otlp_file/development:
    - simple:
        exporter:
          otlp_http:
            max_request_size: 1000
            timeout: 0
  sampler:
    composite/development:
      always_on:
attribute_limits:
  attribute_value_depth_limit: 3
";
    let parsed = parse(yaml).unwrap();
    let lines: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "attribute_limits.attribute_value_depth_limit (line 17): `attribute_value_depth_limit` is only on the unreleased main branch of the configuration schema; ignored",
            "tracer_provider.procesors (line 3): unknown key `procesors` (not in file_format 1.0 or 1.1); ignored",
            "tracer_provider.processors[0].batch.exporter.otlp_file/development (line 7): the kit does not implement `otlp_file/development`; nothing is built for it",
            "tracer_provider.processors[1].simple.exporter.otlp_http.max_request_size (line 11): `max_request_size` is only on the unreleased main branch of the configuration schema; ignored",
            "tracer_provider.processors[1].simple.exporter.otlp_http.timeout (line 12): 0 means no limit (the schema's rule); the kit caps it at 60 s, so a collector that never answers cannot hold an export for good",
            "tracer_provider.sampler.composite/development (line 14): the kit does not implement `composite/development`; nothing is built for it",
        ]
    );
    let tracer = parsed.model.tracer_provider.unwrap();
    let Processor::Simple {
        exporter: Exporter::OtlpHttp(otlp),
    } = &tracer.processors[1]
    else {
        panic!()
    };
    assert_eq!(otlp.timeout, Duration::ZERO, "0 is kept: no limit");
    assert_eq!(
        tracer.sampler,
        Sampler::Unsupported {
            name: "composite/development".into()
        }
    );
}

#[test]
fn an_unreleased_sampler_says_it_is_unreleased() {
    let yaml = "file_format: \"1.1\"\ntracer_provider:\n  processors: []\n  sampler:\n    always_record:\n      root:\n        always_on:\n";
    let parsed = parse(yaml).unwrap();
    assert_eq!(
        parsed
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        [
            "tracer_provider.sampler.always_record (line 5): `always_record` is only on the unreleased main branch of the configuration schema; ignored"
        ]
    );
    let sampler = parsed.model.tracer_provider.unwrap().sampler;
    assert_eq!(
        sampler,
        Sampler::Unsupported {
            name: "always_record".into()
        }
    );
}

#[test]
fn env_prefix_typed_values_and_invalid_references() {
    let parsed = parse(
        "file_format: \"1.1\"\ndisabled: ${env:ON}\nresource:\n  attributes:\n    - name: port\n      value: ${env:PORT}\n    - name: quoted\n      value: '${env:PORT}'\n",
    )
    .unwrap();
    assert!(parsed.model.disabled);
    assert_eq!(
        parsed.model.resource.attributes[0].value,
        AttributeValue::Int(4318)
    );
    assert_eq!(
        parsed.model.resource.attributes[1].value,
        AttributeValue::String("4318".into())
    );

    for (reference, shown) in [
        ("${VAR:?x}", "`${VAR:?x}`"),
        ("${1BAD}", "`${1BAD}`"),
        ("x ${OPEN", "`${OPEN`"),
    ] {
        let yaml = format!(
            "file_format: \"1.1\"\nresource:\n  attributes:\n    - name: a\n      value: \"{reference}\"\n"
        );
        let error = parse(&yaml).unwrap_err();
        assert_eq!(error.kind(), ConfigFileErrorKind::Substitution);
        assert_eq!(
            (error.path(), error.line(), error.found()),
            ("resource.attributes[0].value", 5, shown)
        );
    }
    // Keys and comments are never substituted.
    let parsed = parse("file_format: \"1.1\" # ${1BAD}\ndistribution:\n  ${NOT_A_REF}: {}\n").unwrap();
    assert_eq!(parsed.model.distribution.unwrap().others, ["${NOT_A_REF}"]);
}

#[test]
fn a_substituted_value_never_adds_structure() {
    for variable in ["MULTI", "FLOW", "LIST", "KV", "LONG"] {
        let yaml = format!(
            "file_format: \"1.1\"\nresource:\n  attributes:\n    - name: v\n      value: ${{{variable}}}\n  schema_url: ${{{variable}}}\n"
        );
        let parsed = parse(&yaml).unwrap_or_else(|error| panic!("{variable}: {error}"));
        let expected = match variable {
            "MULTI" => "a\nb: c\n- d".to_owned(),
            "FLOW" => "{x: 1}".to_owned(),
            "LIST" => "- a".to_owned(),
            "KV" => "a: b".to_owned(),
            _ => "x".repeat(10 * 1024),
        };
        assert_eq!(parsed.model.resource.attributes.len(), 1, "{variable}");
        assert_eq!(
            parsed.model.resource.attributes[0].value,
            AttributeValue::String(expected.clone()),
            "{variable}"
        );
        assert_eq!(parsed.model.resource.schema_url, Some(expected), "{variable}");
        assert_eq!(parsed.warnings, [], "{variable}");
    }
}

#[test]
fn json_is_read_too() {
    let json = r#"{"file_format": "1.1", "tracer_provider": {"processors": [{"simple": {"exporter": {"console": null}}}],
        "sampler": {"always_off": {}}}, "attribute_limits": {"attribute_count_limit": 7}}"#;
    let model = parse(json).unwrap().model;
    assert_eq!(model.attribute_limits.attribute_count_limit, 7);
    assert_eq!(model.tracer_provider.unwrap().sampler, Sampler::AlwaysOff);
}

/// An error at the end of a text without a final line break names the last line,
/// not one after it (the YAML scanner moves past the end; found by the `config_file` fuzz
/// target). Lone `\r` breaks count as YAML counts them.
#[test]
fn an_error_at_the_end_names_a_line_of_the_text() {
    for (yaml, lines) in [
        (
            "file_format: \"1.1\"\ntracer_provider:\n  processors:\n    - batc  h:\n      t:\n  sampler",
            6,
        ),
        (
            "file_format: \"1.1\"\rtracer_provider:\r  processors:\r    -x/y:\r      e  ratio: 0.\r1\n",
            7,
        ),
        // A lone tag: a null document, marked at the end.
        ("!", 1),
    ] {
        let error = parse(yaml).unwrap_err();
        assert!(
            (1..=lines).contains(&error.line()),
            "line {} of {lines}: {error}",
            error.line()
        );
    }
}

#[test]
fn zstd_compression_is_read_and_an_unknown_one_warns() {
    let yaml = |compression: &str| {
        format!(
            "file_format: \"1.1\"\ntracer_provider:\n  processors:\n    - batch:\n        exporter:\n          otlp_http:\n            endpoint: http://collector:4318/v1/traces\n            compression: {compression}\n"
        )
    };
    let parsed = parse(&yaml("zstd")).expect("zstd");
    assert_eq!(parsed.warnings, []);
    let tracer = parsed.model.tracer_provider.as_ref().expect("tracer_provider");
    let Processor::Batch(batch) = &tracer.processors[0] else {
        panic!("{:?}", tracer.processors)
    };
    let Exporter::OtlpHttp(otlp) = &batch.exporter else {
        panic!("{:?}", batch.exporter)
    };
    assert_eq!(otlp.compression, Compression::Zstd);
    let vars = env_variables(&parsed.model);
    assert_eq!(vars.get("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION"), Some("zstd"));

    let brotli = parse(&yaml("br")).expect("br");
    assert_eq!(brotli.warnings.len(), 1, "{:?}", brotli.warnings);
    let warning = brotli.warnings[0].to_string();
    assert!(
        warning.contains("`br`") && warning.contains("`gzip`, `zstd` and `none`"),
        "{warning}"
    );
    assert_eq!(
        env_variables(&brotli.model).get("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION"),
        Some("none")
    );
}

/// Histogram sizes are bounded: an exponential `max_size` of 2^31 would wrap negative in
/// the SDK (every later measurement of the series dropped, silently), and a boundary
/// list of any length is a counter per bucket per series.
#[test]
fn histogram_sizes_are_bounded_with_an_error_naming_the_key() {
    let view = |aggregation: &str| {
        format!(
            "file_format: \"1.0\"\nmeter_provider:\n  readers: []\n  views:\n    - selector:\n        instrument_name: x\n      stream:\n        aggregation:\n{aggregation}"
        )
    };
    let exponential = |size: u64| {
        view(&format!(
            "          base2_exponential_bucket_histogram:\n            max_size: {size}\n"
        ))
    };
    for size in [1, 16_385, 1 << 31, u64::from(u32::MAX)] {
        let error = parse(&exponential(size)).unwrap_err();
        assert_eq!(error.kind(), ConfigFileErrorKind::Value, "{size}: {error}");
        assert!(
            error
                .path()
                .ends_with("base2_exponential_bucket_histogram.max_size"),
            "{error}"
        );
        assert_eq!(error.expected(), "a max_size from 2 to 16384");
    }
    parse(&exponential(16_384)).expect("the largest size");

    let boundaries = |n: usize| {
        let list: Vec<String> = (0..n).map(|i| i.to_string()).collect();
        view(&format!(
            "          explicit_bucket_histogram:\n            boundaries: [{}]\n",
            list.join(", ")
        ))
    };
    let error = parse(&boundaries(1025)).unwrap_err();
    assert_eq!(error.kind(), ConfigFileErrorKind::Value, "{error}");
    assert!(
        error.path().ends_with("explicit_bucket_histogram.boundaries"),
        "{error}"
    );
    assert_eq!(error.expected(), "at most 1024 boundaries");
    parse(&boundaries(1024)).expect("1024 boundaries");
}

/// `OTEL_CONFIG_FILE` naming something that is not a regular file is refused at once:
/// a FIFO with no writer and `/dev/stdin` would block the read (and `init()`) for good,
/// `/dev/zero` would never end.
#[test]
fn a_fifo_or_a_device_is_refused_at_once() {
    let dir = std::env::temp_dir().join(format!("otel-kit-config-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let fifo = dir.join("config.yaml");
    let _ = std::fs::remove_file(&fifo);
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    let mut paths = vec![std::path::PathBuf::from("/dev/zero")];
    if made.is_ok_and(|status| status.success()) {
        paths.push(fifo.clone());
    } else {
        eprintln!("no mkfifo here: the FIFO case is not run");
    }
    if std::path::Path::new("/dev/stdin").exists() {
        paths.push("/dev/stdin".into());
    }
    for path in paths {
        let started = std::time::Instant::now();
        let error = read_file(&path, |_| None).expect_err("not a regular file");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{path:?} took {:?}",
            started.elapsed()
        );
        assert_eq!(error.kind(), ConfigFileErrorKind::Io, "{path:?}: {error}");
        assert!(
            error.to_string().contains("not a regular file"),
            "{path:?}: {error}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The fuzz target's hostile seeds (fuzz/corpus/config_file/hostile-*), with its
/// environment (`BIG`: 10,000 bytes): many references to a large variable and anchors
/// that nest are charged to the parse budget, so each is refused (or read) quickly,
/// never built out to tens of megabytes.
#[test]
fn the_fuzz_targets_hostile_seeds_stay_within_the_budget() {
    let lookup = |name: &str| (name == "BIG").then(|| "x".repeat(10_000));
    for seed in ["hostile-many-big-references.yaml", "hostile-nested-anchors.yaml"] {
        let path = format!("{}/../fuzz/corpus/config_file/{seed}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("seed");
        let started = std::time::Instant::now();
        let parsed = parse_str(&text, lookup);
        let took = started.elapsed();
        assert!(took < Duration::from_secs(5), "{seed}: {took:?}");
        if let Ok(parsed) = parsed {
            let json = parsed.model.comparable().to_string();
            assert!(json.len() < 8 << 20, "{seed}: {} bytes built", json.len());
        }
    }
}
