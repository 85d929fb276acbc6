//! The agent loop: ask the model; run the tools it asks for; ask again with the
//! results; stop when it answers. Each step is a GenAI span under the agent's.

use otel_kit::genai::GenAi;
use otel_kit::genai::openai::{self, ApiError};
use otel_kit::opentelemetry::trace::{TraceContextExt as _, TraceId};
use reqwest_middleware::ClientWithMiddleware;
use serde_json::{Value, json};

/// The most model calls in one run.
const MAX_TURNS: usize = 4;

/// Runs the agent on `question` against the server at `base_url`; returns its answer
/// and the id of the trace it recorded (to find it in a tracing backend).
pub(crate) async fn run(
    genai: &GenAi,
    client: &ClientWithMiddleware,
    base_url: &str,
    question: &str,
) -> Result<(String, TraceId), Box<dyn std::error::Error>> {
    let agent = genai.start(
        otel_kit::genai::invoke_agent("openai", "weather-agent")
            .agent_id("agent-1")
            .conversation_id("conv-42"),
    );
    let trace_id = agent.context().span().span_context().trace_id();
    // Every call below starts while the agent's span is current: they are its children.
    let result = agent.in_call(turns(genai, client, base_url, question)).await;
    match &result {
        Ok(_) => agent.end(),
        Err(error) => agent.record_error_type("agent_failed", &error.to_string()),
    }
    Ok((result?, trace_id))
}

async fn turns(
    genai: &GenAi,
    client: &ClientWithMiddleware,
    base_url: &str,
    question: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let mut messages = vec![
        json!({"role": "system", "content": "You answer weather questions."}),
        json!({"role": "user", "content": question}),
    ];
    for _ in 0..MAX_TURNS {
        let request = json!({
            "model": "gpt-4o",
            "temperature": 0.2,
            "max_tokens": 256,
            "messages": messages,
            "tools": [{"type": "function", "function": {"name": "get_weather"}}],
        });
        let reply = chat(genai, client, base_url, &request).await?;
        let message = reply["choices"][0]["message"].clone();
        let Some(calls) = message["tool_calls"].as_array().cloned() else {
            return Ok(message["content"].as_str().unwrap_or_default().to_owned());
        };
        messages.push(message);
        for call in calls {
            let id = call["id"].as_str().unwrap_or_default().to_owned();
            let name = call["function"]["name"].as_str().unwrap_or_default().to_owned();
            let arguments: Value =
                serde_json::from_str(call["function"]["arguments"].as_str().unwrap_or("{}"))
                    .unwrap_or(Value::Null);
            let tool = genai.start(
                otel_kit::genai::execute_tool(name)
                    .tool_call_id(id.clone())
                    .tool_arguments(arguments.clone()),
            );
            let result = get_weather(&arguments);
            tool.record_tool_result(&result);
            messages.push(json!({"role": "tool", "tool_call_id": id, "content": result.to_string()}));
        }
    }
    Err("the agent did not answer within its turns".into())
}

/// One model call: the two lines around the HTTP request.
async fn chat(
    genai: &GenAi,
    client: &ClientWithMiddleware,
    base_url: &str,
    request: &Value,
) -> Result<Value, Box<dyn std::error::Error>> {
    let call = genai.start(openai::chat("openai", request).server_url(base_url));
    let sent = call
        .in_call(async {
            let response = client
                .post(format!("{base_url}/chat/completions"))
                .header("content-type", "application/json")
                .body(serde_json::to_vec(request)?)
                .send()
                .await?;
            let status = response.status().as_u16();
            let body = response.bytes().await?;
            Ok::<_, Box<dyn std::error::Error>>((status, body))
        })
        .await;
    let (status, body) = match sent {
        Ok(sent) => sent,
        Err(error) => {
            call.record_error_type("transport", &error.to_string());
            return Err(error);
        }
    };
    if status >= 400 {
        let error = ApiError::from_response(status, &body);
        call.record_error(&error);
        return Err(error.into());
    }
    call.record_response(&openai::chat_response(&body).unwrap_or_default());
    Ok(serde_json::from_slice(&body)?)
}

/// The tool: a fixed forecast.
fn get_weather(arguments: &Value) -> Value {
    let city = arguments["city"].as_str().unwrap_or("somewhere");
    json!({"city": city, "temperature_c": 14, "conditions": "rain"})
}
