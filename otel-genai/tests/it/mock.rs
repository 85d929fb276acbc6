//! A mock server answering with recorded bodies (OpenAI-compatible `/v1/chat/completions`
//! and `/v1/embeddings`, Anthropic's `/v1/messages`, Bedrock's
//! `/model/{modelId}/converse` and `/converse-stream`), and a client instrumented with
//! otel-kit-http's `ClientMiddleware`.

#![allow(unreachable_pub)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use otel_kit_genai::Providers;
use serde_json::Value;

use crate::event_stream;

pub const CHAT: &str = include_str!("fixtures/chat.json");
pub const CHAT_TOOL_CALLS: &str = include_str!("fixtures/chat_tool_calls.json");
pub const EMBEDDINGS: &str = include_str!("fixtures/embeddings.json");
pub const STREAM_WITH_USAGE: &str = include_str!("fixtures/stream_with_usage.sse");
pub const STREAM_WITHOUT_USAGE: &str = include_str!("fixtures/stream_without_usage.sse");
pub const RATE_LIMITED: &str = include_str!("fixtures/rate_limited.json");
pub const SERVER_ERROR: &str = include_str!("fixtures/server_error.json");
pub const ANTHROPIC_MESSAGE: &str = include_str!("fixtures/anthropic_message.json");
pub const ANTHROPIC_TOOL_USE: &str = include_str!("fixtures/anthropic_tool_use.json");
pub const ANTHROPIC_OVERLOADED: &str = include_str!("fixtures/anthropic_overloaded.json");
pub const ANTHROPIC_STREAM: &str = include_str!("fixtures/anthropic_stream.sse");
pub const ANTHROPIC_STREAM_TOOL_USE: &str = include_str!("fixtures/anthropic_stream_tool_use.sse");
pub const ANTHROPIC_STREAM_ERROR: &str = include_str!("fixtures/anthropic_stream_error.sse");
pub const BEDROCK_CONVERSE: &str = include_str!("fixtures/bedrock_converse.json");
pub const BEDROCK_TOOL_USE: &str = include_str!("fixtures/bedrock_converse_tool_use.json");
pub const BEDROCK_THROTTLING: &str = include_str!("fixtures/bedrock_throttling.json");
pub const BEDROCK_VALIDATION: &str = include_str!("fixtures/bedrock_validation.json");
/// `x-amzn-errortype` of Bedrock's throttling answer.
pub const BEDROCK_THROTTLING_TYPE: &str =
    "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/";

/// The model names that make the mock fail.
pub const RATE_LIMITED_MODEL: &str = "rate-limited";
pub const BROKEN_MODEL: &str = "broken";
/// Bedrock model ids that make the mock fail: a 429 (`x-amzn-errortype`
/// `ThrottlingException`), a 400 (`__type` `ValidationException`), a stream that throws
/// `throttlingException` after its first event, a stream cut inside a message.
pub const THROTTLED_MODEL: &str = "throttled";
pub const INVALID_MODEL: &str = "invalid";
pub const THROWING_STREAM_MODEL: &str = "throwing";
pub const CUT_STREAM_MODEL: &str = "cut";

pub struct Mock {
    /// The OpenAI-compatible and Anthropic base URL (`http://127.0.0.1:{port}/v1`).
    pub base_url: String,
    /// The Bedrock endpoint (`http://127.0.0.1:{port}`).
    pub root: String,
    pub port: u16,
    pub client: reqwest_middleware::ClientWithMiddleware,
}

fn json(status: StatusCode, body: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn chat(body: Bytes) -> Response {
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let model = request["model"].as_str().unwrap_or_default();
    if model == RATE_LIMITED_MODEL {
        let mut response = json(StatusCode::TOO_MANY_REQUESTS, RATE_LIMITED);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("2"));
        return response;
    }
    if model == BROKEN_MODEL {
        return json(StatusCode::INTERNAL_SERVER_ERROR, SERVER_ERROR);
    }
    if request["stream"] == Value::Bool(true) {
        let body = if request["stream_options"]["include_usage"] == Value::Bool(true) {
            STREAM_WITH_USAGE
        } else {
            STREAM_WITHOUT_USAGE
        };
        return ([(header::CONTENT_TYPE, "text/event-stream")], body).into_response();
    }
    let last_role = request["messages"]
        .as_array()
        .and_then(|m| m.last())
        .and_then(|m| m["role"].as_str());
    if request.get("tools").is_some() && last_role != Some("tool") {
        return json(StatusCode::OK, CHAT_TOOL_CALLS);
    }
    json(StatusCode::OK, CHAT)
}

async fn embeddings() -> Response {
    json(StatusCode::OK, EMBEDDINGS)
}

/// Whether the conversation's last message is the answer to a tool call.
fn answers_a_tool(request: &Value, tool_result: &str) -> bool {
    let last = request["messages"].as_array().and_then(|m| m.last());
    last.and_then(|m| m["content"].as_array()).is_some_and(|blocks| {
        blocks
            .iter()
            .any(|b| b["type"] == tool_result || b.get(tool_result).is_some())
    })
}

async fn anthropic_messages(body: Bytes) -> Response {
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let model = request["model"].as_str().unwrap_or_default();
    if model == RATE_LIMITED_MODEL {
        return json(StatusCode::from_u16(529).expect("529"), ANTHROPIC_OVERLOADED);
    }
    let tools = request.get("tools").is_some() && !answers_a_tool(&request, "tool_result");
    if request["stream"] == Value::Bool(true) {
        let body = match (model, tools) {
            (BROKEN_MODEL, _) => ANTHROPIC_STREAM_ERROR,
            (_, true) => ANTHROPIC_STREAM_TOOL_USE,
            (_, false) => ANTHROPIC_STREAM,
        };
        return ([(header::CONTENT_TYPE, "text/event-stream")], body).into_response();
    }
    json(
        StatusCode::OK,
        if tools {
            ANTHROPIC_TOOL_USE
        } else {
            ANTHROPIC_MESSAGE
        },
    )
}

async fn bedrock_converse(Path(model_id): Path<String>, body: Bytes) -> Response {
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    match model_id.as_str() {
        THROTTLED_MODEL => {
            let mut response = json(StatusCode::TOO_MANY_REQUESTS, BEDROCK_THROTTLING);
            let error_type = header::HeaderValue::from_static(BEDROCK_THROTTLING_TYPE);
            response.headers_mut().insert("x-amzn-errortype", error_type);
            response
        }
        INVALID_MODEL => json(StatusCode::BAD_REQUEST, BEDROCK_VALIDATION),
        _ if request.get("toolConfig").is_some() && !answers_a_tool(&request, "toolResult") => {
            json(StatusCode::OK, BEDROCK_TOOL_USE)
        }
        _ => json(StatusCode::OK, BEDROCK_CONVERSE),
    }
}

async fn bedrock_converse_stream(Path(model_id): Path<String>) -> Response {
    let mut body = event_stream::converse_stream();
    match model_id.as_str() {
        THROWING_STREAM_MODEL => {
            body = event_stream::event("messageStart", &serde_json::json!({"role": "assistant"}));
            body.extend(event_stream::exception(
                "throttlingException",
                "Too many requests, please wait before trying again.",
            ));
        }
        CUT_STREAM_MODEL => body.truncate(body.len() / 2),
        _ => {}
    }
    (
        [(header::CONTENT_TYPE, "application/vnd.amazon.eventstream")],
        body,
    )
        .into_response()
}

impl Mock {
    /// The mock, with a client that records to the global providers.
    pub async fn start() -> Mock {
        Mock::serve(otel_kit_http::ClientMiddleware::default()).await
    }

    /// The mock, with a client that records to `providers` (for tests that run in
    /// parallel, each with its own harness).
    pub async fn with_providers(providers: Providers) -> Mock {
        Mock::serve(otel_kit_http::ClientMiddleware::default().providers(providers)).await
    }

    async fn serve(middleware: otel_kit_http::ClientMiddleware) -> Mock {
        let app = Router::new()
            .route("/v1/chat/completions", post(chat))
            .route("/v1/embeddings", post(embeddings))
            .route("/v1/messages", post(anthropic_messages))
            .route("/model/{model_id}/converse", post(bedrock_converse))
            .route("/model/{model_id}/converse-stream", post(bedrock_converse_stream));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
            .with(middleware)
            .build();
        Mock {
            base_url: format!("http://127.0.0.1:{port}/v1"),
            root: format!("http://127.0.0.1:{port}"),
            port,
            client,
        }
    }

    /// POSTs `body` to `path` and returns the status and the whole body.
    pub async fn post(&self, path: &str, body: &Value) -> (u16, Vec<u8>) {
        let response = self.send(path, body).await;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("body");
        (status, bytes.to_vec())
    }

    pub async fn send(&self, path: &str, body: &Value) -> reqwest::Response {
        self.send_to(&format!("{}{path}", self.base_url), body).await
    }

    /// POSTs `body` to `url`.
    pub async fn send_to(&self, url: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(url)
            .header("content-type", "application/json")
            .body(serde_json::to_vec(body).expect("json"))
            .send()
            .await
            .expect("send")
    }
}
