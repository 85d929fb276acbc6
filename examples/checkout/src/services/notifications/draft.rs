//! The confirmation's text, drafted by the LLM and streamed: `record_chunk()` per chunk
//! gives `gen_ai.client.operation.time_to_first_chunk`, `openai::ChatStream` the token
//! usage.

use otel_kit::genai::openai::{self, ApiError, ChatStream};
use otel_kit::opentelemetry::trace::FutureExt as _;
use serde_json::json;

use crate::services::llm::Llm;

/// Why no draft came back.
enum DraftError {
    Api(ApiError),
    Transport(String),
}

/// One streamed chat call; returns once the stream has ended.
pub(super) async fn draft(llm: &Llm, order_id: &str) -> Result<(), String> {
    let mut request = json!({
        "model": llm.model,
        "stream": true,
        "max_tokens": 120,
        "messages": [
            {"role": "system", "content": "You write short, friendly order confirmations."},
            {"role": "user", "content": format!("Order {order_id} is confirmed.")},
        ],
    });
    openai::request_stream_usage(&mut request);
    let mut call = llm
        .genai
        .start(openai::chat("openai", &request).server_url(&llm.base_url));
    let cx = call.context();
    let streamed = async {
        let transport = |e: &dyn std::fmt::Display| DraftError::Transport(e.to_string());
        let mut response = llm
            .chat_completions(&request)
            .send()
            .await
            .map_err(|e| transport(&e))?;
        let status = response.status().as_u16();
        if status >= 400 {
            let body = response.bytes().await.unwrap_or_default();
            return Err(DraftError::Api(ApiError::from_response(status, &body)));
        }
        let mut stream = ChatStream::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| transport(&e))? {
            call.record_chunk();
            stream.push(&chunk);
        }
        Ok(stream.finish())
    }
    .with_context(cx)
    .await;
    match streamed {
        Ok(response) => {
            call.record_response(&response);
            Ok(())
        }
        Err(DraftError::Api(error)) => {
            let reason = error.to_string();
            call.record_error(&error);
            Err(reason)
        }
        Err(DraftError::Transport(reason)) => {
            call.record_error_type("transport", &reason);
            Err(reason)
        }
    }
}
