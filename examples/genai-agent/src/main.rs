//! A tiny agent loop (model call -> tool call -> model call) against an embedded
//! OpenAI-compatible mock server, instrumented with otel-kit-genai and otel-kit-http, printing
//! the span tree it produced, or, when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, exporting
//! it over OTLP through `otel_kit::init`. See README.md.

mod agent;
mod mock;

use std::error::Error;

use otel_kit::genai::GenAi;
use otel_kit::genai::content::CaptureMode;
use otel_kit::opentelemetry::trace::TraceId;
use otel_kit::testing::{AttributeValue, TestTelemetry};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    // Content capture is off by default; this demo turns it on (span attributes).
    // OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=NO_CONTENT turns it off again. A
    // service builds its `GenAi` once and starts every call with it.
    let genai = GenAi::new().capture_mode(CaptureMode::SpanOnly);
    if export_configured() {
        return export(&genai).await;
    }

    // An in-process collector installed as the global providers: what an exporter
    // would send is read back below.
    let telemetry = TestTelemetry::new().install_global();
    let (answer, _) = ask(&genai).await?;
    println!("answer: {answer}\n");

    let spans = telemetry.spans();
    println!("{}", spans.tree());
    for span in spans.iter() {
        println!("{} [{:?}]", span.name, span.kind);
        let mut attributes: Vec<_> = span.attributes.iter().collect();
        attributes.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, value) in attributes {
            println!("    {key} = {}", show(value));
        }
    }
    println!("\nmetrics: {}", telemetry.metrics().names().join(", "));
    Ok(())
}

/// True when the environment says where to export traces.
fn export_configured() -> bool {
    [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    ]
    .iter()
    .any(|key| std::env::var(key).is_ok_and(|value| !value.trim().is_empty()))
}

/// As a service would run: `otel_kit::init` reads the `OTEL_*` variables (endpoint,
/// protocol, resource, exporters) and installs the global providers the calls record to.
async fn export(genai: &GenAi) -> Result<(), Box<dyn Error>> {
    let telemetry = otel_kit::builder!().service_name("genai-agent").init()?;
    let (answer, trace_id) = ask(genai).await?;
    println!("answer: {answer}");
    // Exports what the batch processor still holds: the trace has left once this returns.
    telemetry.shutdown()?;
    println!("trace {trace_id} exported");
    Ok(())
}

/// Starts the mock model and runs the agent against it.
async fn ask(genai: &GenAi) -> Result<(String, TraceId), Box<dyn Error>> {
    let base_url = mock::start().await?;
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::builder().no_proxy().build()?)
        .with(otel_kit::http::ClientMiddleware::default())
        .build();
    agent::run(genai, &client, &base_url, "What is the weather in Paris?").await
}

/// A value with its type, long strings shortened.
fn show(value: &AttributeValue) -> String {
    let plain = match value {
        AttributeValue::String(s) if s.chars().count() > 100 => {
            let head: String = s.chars().take(100).collect();
            return format!("{head:?}… (string, {} bytes)", s.len());
        }
        AttributeValue::String(s) => format!("{s:?}"),
        AttributeValue::Int(n) => n.to_string(),
        AttributeValue::Double(d) => d.to_string(),
        AttributeValue::Bool(b) => b.to_string(),
        AttributeValue::Array(items) => {
            let items: Vec<String> = items.iter().map(|item| format!("{item:?}")).collect();
            format!("[{}]", items.join(", "))
        }
        other => format!("{other:?}"),
    };
    format!("{plain} ({})", value.type_name())
}
