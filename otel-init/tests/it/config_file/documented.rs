//! The full example of docs/configuration.md's "Configuration file" section is a file
//! `init()` takes as it is: no error, and no warning but those the section announces.

use super::builder;

/// The first `yaml` block after the section's heading.
fn documented_example() -> String {
    let docs = include_str!("../../../../docs/configuration.md");
    let section = docs
        .split("\n## Configuration file\n")
        .nth(1)
        .expect("docs/configuration.md has a `## Configuration file` section");
    let block = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the section opens with a yaml example");
    block.to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documented_example_file_initialises_without_a_warning() {
    let yaml = documented_example();
    assert!(yaml.contains("file_format"), "{yaml}");
    let telemetry = builder()
        .environment_variables([("COLLECTOR", "http://127.0.0.1:9"), ("OTLP_TOKEN", "t0ken")])
        .config_yaml(&yaml)
        .init()
        .unwrap_or_else(|e| panic!("the documented file is refused: {e}\n{yaml}"));
    let warnings: Vec<&String> = telemetry
        .warnings()
        .iter()
        // Substituting an unset variable is what the example shows on purpose.
        .filter(|w| !w.contains("OTEL_RESOURCE_ATTRIBUTES"))
        .collect();
    assert!(warnings.is_empty(), "{warnings:#?}");
    assert!(!telemetry.effective_config().to_string().contains("t0ken"));
}
