//! An embedded OpenAI-compatible server: it asks for the `get_weather` tool, then
//! answers once the tool's result is in the conversation.

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::post;
use serde_json::{Value, json};

/// Serves on a loopback port; returns the base URL (`http://127.0.0.1:port/v1`).
pub(crate) async fn start() -> std::io::Result<String> {
    let app = Router::new().route("/v1/chat/completions", post(chat));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(format!("http://{addr}/v1"))
}

async fn chat(body: Bytes) -> impl IntoResponse {
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let tool_answered = request["messages"]
        .as_array()
        .is_some_and(|messages| messages.iter().any(|m| m["role"] == "tool"));
    let body = if tool_answered {
        json!({
            "id": "chatcmpl-2", "object": "chat.completion", "model": "gpt-4o-2024-08-06",
            "choices": [{"index": 0, "finish_reason": "stop",
                "message": {"role": "assistant", "content": "It is 14°C and rainy in Paris."}}],
            "usage": {"prompt_tokens": 74, "completion_tokens": 11, "total_tokens": 85}
        })
    } else {
        json!({
            "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o-2024-08-06",
            "choices": [{"index": 0, "finish_reason": "tool_calls",
                "message": {"role": "assistant", "content": null, "tool_calls": [{
                    "id": "call_1", "type": "function",
                    "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]}}],
            "usage": {"prompt_tokens": 52, "completion_tokens": 15, "total_tokens": 67,
                "prompt_tokens_details": {"cached_tokens": 32}}
        })
    };
    ([(header::CONTENT_TYPE, "application/json")], body.to_string())
}
