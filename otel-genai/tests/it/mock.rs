//! An OpenAI-compatible mock server answering with recorded bodies, and a client
//! instrumented with otel-kit-http's `ClientMiddleware`.

#![allow(unreachable_pub)]

use axum::Router;
use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;

pub const CHAT: &str = include_str!("fixtures/chat.json");
pub const CHAT_TOOL_CALLS: &str = include_str!("fixtures/chat_tool_calls.json");
pub const EMBEDDINGS: &str = include_str!("fixtures/embeddings.json");
pub const STREAM_WITH_USAGE: &str = include_str!("fixtures/stream_with_usage.sse");
pub const STREAM_WITHOUT_USAGE: &str = include_str!("fixtures/stream_without_usage.sse");
pub const RATE_LIMITED: &str = include_str!("fixtures/rate_limited.json");
pub const SERVER_ERROR: &str = include_str!("fixtures/server_error.json");

/// The model names that make the mock fail.
pub const RATE_LIMITED_MODEL: &str = "rate-limited";
pub const BROKEN_MODEL: &str = "broken";

pub struct Mock {
    pub base_url: String,
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

impl Mock {
    pub async fn start() -> Mock {
        let app = Router::new()
            .route("/v1/chat/completions", post(chat))
            .route("/v1/embeddings", post(embeddings));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
            .with(otel_kit_http::ClientMiddleware::new())
            .build();
        Mock {
            base_url: format!("http://127.0.0.1:{port}/v1"),
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
        self.client
            .post(format!("{}{path}", self.base_url))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(body).expect("json"))
            .send()
            .await
            .expect("send")
    }
}
