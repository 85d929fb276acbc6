//! The kit's model against the Python SDK's (`opentelemetry-configuration` 0.66b2,
//! `load_config_file`) for every vector, field by field, through the normalized JSON of
//! `OpenTelemetryConfiguration::comparable` and `python_model.py`. Runs when
//! `TEST_PYTHON_OTEL` names a Python interpreter that has the package.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::{ENV, examples_dir, lookup, released_vectors};

fn python() -> Option<String> {
    match std::env::var("TEST_PYTHON_OTEL") {
        Ok(python) if !python.is_empty() => Some(python),
        _ => {
            eprintln!(
                "skipped: TEST_PYTHON_OTEL is not set (a python with opentelemetry-configuration==0.66b2, e.g. .ci/run's venv)"
            );
            None
        }
    }
}

fn python_model(python: &str, file: &Path) -> Result<Value, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/python_model.py");
    let output = Command::new(python)
        .arg(&script)
        .arg(file)
        .env_clear()
        .envs(ENV.iter().copied())
        .output()
        .map_err(|error| format!("cannot run {python}: {error}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    serde_json::from_slice(&output.stdout).map_err(|error| format!("python printed no JSON: {error}"))
}

/// Each differing field: its path and both values. Numbers compare as numbers (`1` = `1.0`).
fn differences(path: &str, kit: &Value, python: &Value, out: &mut Vec<String>) {
    match (kit, python) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys().filter(|key| !a.contains_key(*key))) {
                let child = format!("{path}.{key}");
                differences(
                    &child,
                    a.get(key).unwrap_or(&Value::Null),
                    b.get(key).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                differences(&format!("{path}[{index}]"), x, y, out);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: kit {a}, python {b}")),
    }
}

#[test]
fn differences_name_each_field_and_both_values() {
    let kit = serde_json::json!({"a": {"b": 1, "c": [1.0, 2]}, "d": "x"});
    let python = serde_json::json!({"a": {"b": 1.0, "c": [1, 3]}, "d": "y", "e": true});
    let mut out = Vec::new();
    differences("", &kit, &python, &mut out);
    assert_eq!(
        out,
        [
            ".a.c[1]: kit 2, python 3",
            ".d: kit \"x\", python \"y\"",
            ".e: kit null, python true"
        ]
    );
}

#[test]
fn python_reads_every_vector_as_the_kit_does() {
    let Some(python) = python() else { return };
    let vectors = released_vectors();
    let mut failures = Vec::new();
    for file in &vectors {
        let name = file
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let kit = match otel_kit_config::read_file(file, lookup) {
            Ok(parsed) => parsed.model.comparable(),
            Err(error) => {
                failures.push(format!("{name}: the kit refuses it: {error}"));
                continue;
            }
        };
        match python_model(&python, file) {
            Ok(theirs) => {
                let mut out = Vec::new();
                differences("", &kit, &theirs, &mut out);
                failures.extend(out.into_iter().map(|line| format!("{name}: {line}")));
            }
            Err(error) => failures.push(format!("{name}: python refuses it: {error}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn python_refuses_the_unreleased_example_that_the_kit_reads_with_a_warning() {
    let Some(dir) = examples_dir() else { return };
    let file = dir.join("unreleased-otel-sdk-config.yaml");
    let parsed = otel_kit_config::read_file(&file, lookup).expect("the kit reads the main branch's example");
    assert!(
        parsed.warnings.iter().any(|warning| matches!(
            warning.kind(),
            otel_kit_config::ConfigFileWarningKind::UnreleasedKey { key } if key == "attribute_value_depth_limit"
        )),
        "{:?}",
        parsed.warnings
    );
    let Some(python) = python() else { return };
    let error = python_model(&python, &file).expect_err("python refuses the unreleased key");
    assert!(error.contains("attribute_value_depth_limit"), "{error}");
}
