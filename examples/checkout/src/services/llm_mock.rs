//! An embedded OpenAI-compatible server for the fraud check, used when
//! `OPENAI_BASE_URL` is not set. Not a service of the shop: it records no telemetry.
//!
//! It answers `allow` after 20-60 ms (from the prompt's hash, so runs are repeatable),
//! and `429 Too Many Requests` when the prompt mentions [`RATE_LIMITED_DOMAIN`]. A
//! request with `"stream": true` gets server-sent events: a few chunks 2 ms apart, then
//! the usage chunk when `stream_options.include_usage` asks for it, then `[DONE]`.

use std::convert::Infallible;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use futures_util::StreamExt as _;
use serde_json::{Value, json};

/// Customers of this e-mail domain hit the mock's rate limit.
pub(crate) const RATE_LIMITED_DOMAIN: &str = "ratelimited.example";

/// Serves on a loopback port; returns its address. Call inside a runtime.
pub(crate) async fn start() -> std::io::Result<SocketAddr> {
    let app = Router::new().route("/v1/chat/completions", post(chat));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(addr)
}

async fn chat(body: Bytes) -> Response {
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let prompt = request["messages"].to_string();
    if prompt.contains(RATE_LIMITED_DOMAIN) {
        let error = json!({"error": {"message": "Rate limit reached for requests", "type": "requests",
            "code": "rate_limit_exceeded"}});
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "1")],
            error.to_string(),
        )
            .into_response();
    }
    if request["stream"] == true {
        return stream(&request);
    }
    let mut hasher = DefaultHasher::new();
    prompt.hash(&mut hasher);
    let hash = hasher.finish();
    tokio::time::sleep(Duration::from_millis(20 + hash % 41)).await;
    let prompt_tokens = 60 + hash % 30;
    let body = json!({
        "id": format!("chatcmpl-{:x}", hash), "object": "chat.completion",
        "model": request["model"].as_str().unwrap_or("gpt-4o-mini"),
        "choices": [{"index": 0, "finish_reason": "stop",
            "message": {"role": "assistant", "content": "{\"verdict\":\"allow\",\"score\":0.03}"}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": 12, "total_tokens": prompt_tokens + 12}
    });
    ([(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

/// The streamed answer, as OpenAI sends it.
fn stream(request: &Value) -> Response {
    let model = request["model"].as_str().unwrap_or("gpt-4o-mini").to_owned();
    let words = ["Thank you! ", "Your order ", "is confirmed ", "and on its way."];
    let mut events: Vec<String> = words
        .iter()
        .map(|word| {
            json!({"id": "chatcmpl-s", "object": "chat.completion.chunk", "model": model,
                "choices": [{"index": 0, "delta": {"content": word}}]})
            .to_string()
        })
        .collect();
    events.push(
        json!({"id": "chatcmpl-s", "object": "chat.completion.chunk", "model": model,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        .to_string(),
    );
    if request["stream_options"]["include_usage"] == true {
        events.push(
            json!({"id": "chatcmpl-s", "object": "chat.completion.chunk", "model": model, "choices": [],
                "usage": {"prompt_tokens": 24, "completion_tokens": words.len(), "total_tokens": 24 + words.len()}})
            .to_string(),
        );
    }
    events.push("[DONE]".to_owned());
    let body = futures_util::stream::iter(events).then(|event| async move {
        tokio::time::sleep(Duration::from_millis(2)).await;
        Ok::<_, Infallible>(Bytes::from(format!("data: {event}\n\n")))
    });
    (
        [(header::CONTENT_TYPE, "text/event-stream")],
        Body::from_stream(body),
    )
        .into_response()
}
