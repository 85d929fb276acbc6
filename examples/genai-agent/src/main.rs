//! A tiny agent loop (model call -> tool call -> model call) against an embedded
//! OpenAI-compatible mock server, instrumented with otel-kit-genai and otel-kit-http, printing
//! the span tree it produced. See README.md.

mod agent;
mod mock;

use otel_kit::genai::GenAi;
use otel_kit::genai::content::CaptureMode;
use otel_kit::testing::{AttributeValue, TestTelemetry};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // An in-process collector installed as the global providers: what an exporter
    // would send is read back below. In a service, `otel_kit::init()` goes here.
    let telemetry = TestTelemetry::new().install_global();
    // Content capture is off by default; this demo turns it on (span attributes). A
    // service builds its `GenAi` once and starts every call with it.
    let genai = GenAi::new().capture_mode(CaptureMode::SpanOnly);

    let base_url = mock::start().await?;
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::builder().no_proxy().build()?)
        .with(otel_kit::http::ClientMiddleware::new())
        .build();
    let answer = agent::run(&genai, &client, &base_url, "What is the weather in Paris?").await?;
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
