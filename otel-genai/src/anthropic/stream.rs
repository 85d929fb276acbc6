//! [`ChatStream`]: a [`Response`] from a streamed Messages answer (server-sent events),
//! fed chunk by chunk as they arrive, in bounded memory; its format, [`MessageEvents`].

use serde::Deserialize;
use serde_json::Value;

use super::response::provider_error;
use crate::errors::ErrorDetail;
use crate::stream::{StreamFormat, StreamProgress, sealed};
use crate::wire::answer::Answer;
use crate::wire::blocks::{BlockKind, Blocks};
use crate::wire::json::lenient;
use crate::wire::sse::{self, Lines};
use crate::wire::usage::SplitUsage;
use crate::{ProviderError, Response, StreamError};

/// Accumulates a streamed `/v1/messages` answer: `message_start` (id, model, input
/// usage), the content blocks (`content_block_start`, `content_block_delta` with
/// `text_delta`, `input_json_delta` or `thinking_delta`, `content_block_stop`),
/// `message_delta` (stop reason, cumulative usage) and `message_stop`; `ping` and event
/// types it does not know are ignored, as Anthropic asks of clients. An `error` event
/// makes [`finish`](Self::finish) an error, as does a body that ends before
/// `message_stop`. Bytes may be split anywhere; lines that are not JSON are skipped.
///
/// Bounded: an SSE line longer than [`MAX_LINE`](super::MAX_LINE) is skipped without
/// being buffered, at most 64 content blocks are followed and
/// [`MAX_TEXT`](super::MAX_TEXT) bytes of their text kept.
///
/// ```
/// use otel_kit_genai::anthropic::ChatStream;
///
/// let mut stream = ChatStream::new();
/// stream.push(b"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n");
/// stream.push(b"event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\nevent: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel");
/// stream.push(b"lo\"}}\n\nevent: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":15}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
/// assert!(stream.is_done());
/// let response = stream.finish().unwrap();
/// assert_eq!(response.finish_reasons, ["stop"]);
/// assert_eq!((response.usage.input_tokens, response.usage.output_tokens), (Some(25), Some(15)));
/// assert_eq!(response.output_messages[0].parts[0], otel_kit_genai::content::Part::Text("Hello".into()));
/// ```
pub type ChatStream = crate::stream::ChatStream<MessageEvents>;

/// Anthropic's streamed Messages format ([`ChatStream`]'s): server-sent events, one
/// JSON event per `data:` line.
#[derive(Debug, Default)]
pub struct MessageEvents {
    lines: Lines,
    id: Option<String>,
    model: Option<String>,
    role: Option<String>,
    blocks: Blocks,
    stop_reason: Option<String>,
    usage: Option<SplitUsage>,
    error: Option<ProviderError>,
}

/// One event's data; each event type uses some of the fields, each read leniently (a
/// field of another shape, in an event type added later, reads as absent).
#[derive(Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    /// `message_start`.
    #[serde(default, deserialize_with = "lenient")]
    message: Option<MessageStart>,
    /// `content_block_*`.
    #[serde(default, deserialize_with = "lenient")]
    index: Option<u64>,
    /// `content_block_start`.
    content_block: Option<Value>,
    /// `content_block_delta`, `message_delta`.
    #[serde(default, deserialize_with = "lenient")]
    delta: Option<Delta>,
    /// `message_delta`.
    #[serde(default, deserialize_with = "lenient")]
    usage: Option<SplitUsage>,
    /// `error`.
    #[serde(default, deserialize_with = "lenient")]
    error: Option<ErrorDetail>,
}

#[derive(Deserialize)]
struct MessageStart {
    id: Option<String>,
    model: Option<String>,
    role: Option<String>,
    usage: Option<SplitUsage>,
}

#[derive(Deserialize)]
struct Delta {
    #[serde(rename = "type")]
    kind: Option<String>,
    text: Option<String>,
    partial_json: Option<String>,
    thinking: Option<String>,
    stop_reason: Option<String>,
}

impl StreamFormat for MessageEvents {}

impl sealed::Sealed for MessageEvents {
    fn push(&mut self, bytes: &[u8], progress: &mut StreamProgress) {
        sse::push_data(
            self,
            |format| &mut format.lines,
            bytes,
            |format, data| match serde_json::from_slice::<Event>(data) {
                Ok(event) => {
                    progress.chunks += 1;
                    if format.event(event) {
                        progress.done = true;
                    }
                }
                Err(_) => progress.skipped += 1,
            },
        );
    }

    fn skipped_frames(&self) -> u64 {
        self.lines.skipped()
    }
}

impl MessageEvents {
    /// Adds one event; whether it was `message_stop`.
    fn event(&mut self, event: Event) -> bool {
        let index = event.index.unwrap_or(0);
        match event.kind.as_str() {
            "message_start" => {
                let Some(message) = event.message else {
                    return false;
                };
                self.id = self.id.take().or(message.id);
                self.model = self.model.take().or(message.model);
                self.role = self.role.take().or(message.role);
                self.merge_usage(message.usage);
            }
            "content_block_start" => {
                if let Some(block) = event.content_block {
                    self.start_block(index, block);
                }
            }
            "content_block_delta" => {
                if let Some(delta) = event.delta {
                    self.delta(index, delta);
                }
            }
            "message_delta" => {
                if let Some(reason) = event.delta.and_then(|d| d.stop_reason) {
                    self.stop_reason = Some(reason);
                }
                self.merge_usage(event.usage);
            }
            "message_stop" => return true,
            "error" => {
                self.error
                    .get_or_insert_with(|| provider_error(None, event.error));
            }
            // `ping`, `content_block_stop`, and event types added later.
            _ => {}
        }
        false
    }

    fn merge_usage(&mut self, usage: Option<SplitUsage>) {
        if let Some(later) = usage {
            self.usage.get_or_insert_default().merge(later);
        }
    }

    fn start_block(&mut self, index: u64, block: Value) {
        let text = |key: &str| block.get(key).and_then(Value::as_str).unwrap_or_default();
        let (kind, initial) = match block.get("type").and_then(Value::as_str) {
            Some("text") => (BlockKind::Text, text("text")),
            Some("thinking") => (BlockKind::Reasoning, text("thinking")),
            Some("tool_use") => (
                BlockKind::ToolCall {
                    id: block.get("id").and_then(Value::as_str).map(str::to_owned),
                    name: text("name").to_owned(),
                    input: block.get("input").cloned().unwrap_or(Value::Null),
                },
                "",
            ),
            _ => (BlockKind::Other(block.clone()), ""),
        };
        let initial = initial.to_owned();
        self.blocks.start(index, kind);
        if !initial.is_empty() {
            self.blocks.append(index, || BlockKind::Text, &initial);
        }
    }

    fn delta(&mut self, index: u64, delta: Delta) {
        let (kind, text): (fn() -> BlockKind, _) = match delta.kind.as_deref() {
            Some("text_delta") => (|| BlockKind::Text, delta.text),
            Some("thinking_delta") => (|| BlockKind::Reasoning, delta.thinking),
            Some("input_json_delta") => (
                || BlockKind::ToolCall {
                    id: None,
                    name: String::new(),
                    input: Value::Null,
                },
                delta.partial_json,
            ),
            // `signature_delta`, `citations_delta` and later ones: nothing to keep.
            _ => return,
        };
        if let Some(text) = text {
            self.blocks.append(index, kind, &text);
        }
    }
}

impl ChatStream {
    /// The answer as a [`Response`] (stop reason as the conventions' finish reason,
    /// usage with the cache counted in the input), or why the stream failed: the
    /// provider's `error` event, or a body that ended before `message_stop`
    /// ([`StreamError::Truncated`]).
    pub fn finish(self) -> Result<Response, StreamError> {
        let format = self.format;
        if let Some(error) = format.error {
            return Err(StreamError::Provider(error));
        }
        if !self.progress.done {
            return Err(StreamError::Truncated);
        }
        let answer = Answer {
            id: format.id,
            model: format.model,
            role: format.role,
            parts: Some(format.blocks.into_parts()),
            stop_reason: format.stop_reason,
            usage: format.usage.map(SplitUsage::usage).unwrap_or_default(),
        };
        Ok(answer.response())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::ChatStream;
    use crate::StreamError;
    use crate::content::Part;

    fn events(events: &[serde_json::Value]) -> ChatStream {
        let mut stream = ChatStream::new();
        for event in events {
            let kind = event["type"].as_str().unwrap_or("unknown");
            stream.push(format!("event: {kind}\ndata: {event}\n\n").as_bytes());
        }
        stream
    }

    #[test]
    fn a_tool_use_stream_is_joined() {
        let stream = events(&[
            json!({"type": "message_start", "message": {"id": "msg_1", "model": "m", "role": "assistant", "usage": {"input_tokens": 472, "output_tokens": 2}}}),
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Okay"}}),
            json!({"type": "content_block_stop", "index": 0}),
            json!({"type": "content_block_start", "index": 1, "content_block": {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}}),
            json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": ""}}),
            json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": "{\"location\": \"San"}}),
            json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": " Francisco, CA\"}"}}),
            json!({"type": "content_block_stop", "index": 1}),
            json!({"type": "a_new_event_type", "index": "anything"}),
            json!({"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": null}, "usage": {"output_tokens": 89}}),
            json!({"type": "message_stop"}),
        ]);
        assert_eq!((stream.chunks(), stream.skipped()), (12, 0));
        let response = stream.finish().expect("a complete stream");
        assert_eq!(response.finish_reasons, ["tool_call"]);
        assert_eq!(response.usage.input_tokens, Some(472));
        assert_eq!(response.usage.output_tokens, Some(89));
        assert_eq!(
            response.output_messages[0].parts,
            [
                Part::Text("Okay".into()),
                Part::tool_call("toolu_1", "get_weather", json!({"location": "San Francisco, CA"})),
            ]
        );
        assert_eq!(
            response.output_messages[0].finish_reason.as_deref(),
            Some("tool_call")
        );
    }

    #[test]
    fn an_error_event_or_a_missing_stop_fails_the_stream() {
        let stream = events(&[
            json!({"type": "message_start", "message": {"id": "msg_1"}}),
            json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
        ]);
        let Err(StreamError::Provider(error)) = stream.finish() else {
            panic!("the provider's error");
        };
        assert_eq!(
            (error.status, error.error_type()),
            (None, "overloaded_error".into())
        );
        let cut = events(&[json!({"type": "message_start", "message": {"id": "msg_1"}})]);
        assert_eq!(cut.finish().unwrap_err(), StreamError::Truncated);
    }
}
