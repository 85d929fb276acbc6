//! [`ChatStream`]: a [`Response`] from a streamed chat completion (server-sent
//! events), fed chunk by chunk as they arrive, in bounded memory; its format,
//! [`ChatCompletionChunks`].

use serde::Deserialize;

use super::completion::Completion;
use crate::Response;
use crate::content::{ChatMessage, Part};
use crate::stream::{StreamFormat, StreamProgress, sealed};
use crate::wire::blocks::{append_bounded, tool_call};
use crate::wire::sse::{self, Lines};

/// The most choices and tool calls followed.
const MAX_CHOICES: usize = 16;
const MAX_TOOL_CALLS: usize = 64;

/// Accumulates a streamed `/chat/completions` answer (`data: {...}` lines, then
/// `data: [DONE]`): id, model, `service_tier`, `system_fingerprint`, finish reasons,
/// text and tool calls per choice, and the usage of the final chunk (sent with `stream_options: {"include_usage": true}`).
/// Without that chunk the usage stays absent: no count is made up. Lines that are not
/// JSON, comments and unknown fields are skipped; bytes may be split anywhere.
///
/// ```
/// use otel_kit_genai::openai::ChatStream;
///
/// let mut stream = ChatStream::new();
/// stream.push(b"data: {\"id\":\"c1\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"}}]}\n\n");
/// stream.push(b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}\n\ndata: [DO");
/// stream.push(b"NE]\n\n");
/// assert!(stream.is_done());
/// let response = stream.finish();
/// assert_eq!(response.finish_reasons, ["stop"]);
/// assert_eq!(response.usage.output_tokens, Some(2));
/// assert_eq!(response.output_messages[0].parts[0], otel_kit_genai::content::Part::Text("Hello".into()));
/// ```
pub type ChatStream = crate::stream::ChatStream<ChatCompletionChunks>;

/// The OpenAI-compatible streamed format ([`ChatStream`]'s): `data:` lines of
/// `chat.completion.chunk` objects, then `data: [DONE]`.
#[derive(Debug, Default)]
pub struct ChatCompletionChunks {
    lines: Lines,
    id: Option<String>,
    model: Option<String>,
    service_tier: Option<String>,
    system_fingerprint: Option<String>,
    choices: Vec<ChoiceState>,
    usage: Option<crate::Usage>,
}

#[derive(Debug, Default)]
struct ChoiceState {
    index: u64,
    role: Option<String>,
    text: String,
    finish_reason: Option<String>,
    tool_calls: Vec<ToolCallState>,
}

#[derive(Debug, Default)]
struct ToolCallState {
    index: u64,
    id: Option<String>,
    name: String,
    arguments: String,
}

/// One chunk of a stream: a completion whose choices are deltas.
type Chunk = Completion<ChunkChoice>;

#[derive(Deserialize)]
struct ChunkChoice {
    #[serde(default)]
    index: u64,
    delta: Option<Delta>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Delta {
    role: Option<String>,
    content: Option<String>,
    tool_calls: Option<Vec<ToolCallDelta>>,
}

#[derive(Deserialize)]
struct ToolCallDelta {
    #[serde(default)]
    index: u64,
    id: Option<String>,
    function: Option<FunctionDelta>,
}

#[derive(Deserialize)]
struct FunctionDelta {
    name: Option<String>,
    arguments: Option<String>,
}

impl StreamFormat for ChatCompletionChunks {}

impl sealed::Sealed for ChatCompletionChunks {
    fn push(&mut self, bytes: &[u8], progress: &mut StreamProgress) {
        sse::push_data(
            self,
            |format| &mut format.lines,
            bytes,
            |format, data| {
                format.data(data, progress);
            },
        );
    }

    fn skipped_frames(&self) -> u64 {
        self.lines.skipped()
    }
}

impl ChatCompletionChunks {
    /// One `data:` line's data: `[DONE]` or a chunk.
    fn data(&mut self, data: &[u8], progress: &mut StreamProgress) {
        if data == b"[DONE]" {
            progress.done = true;
            return;
        }
        match serde_json::from_slice::<Chunk>(data) {
            Ok(chunk) => {
                progress.chunks += 1;
                self.merge(chunk);
            }
            Err(_) => progress.skipped += 1,
        }
    }

    fn merge(&mut self, chunk: Chunk) {
        if self.id.is_none() {
            self.id = chunk.id;
        }
        if self.model.is_none() {
            self.model = chunk.model;
        }
        if self.service_tier.is_none() {
            self.service_tier = chunk.service_tier;
        }
        if self.system_fingerprint.is_none() {
            self.system_fingerprint = chunk.system_fingerprint;
        }
        if let Some(usage) = chunk.usage {
            self.usage = Some(usage.usage());
        }
        for choice in chunk.choices {
            let Some(state) = self.choice(choice.index) else {
                continue;
            };
            if let Some(reason) = choice.finish_reason {
                state.finish_reason = Some(reason);
            }
            let Some(delta) = choice.delta else {
                continue;
            };
            if let Some(role) = delta.role {
                state.role = Some(role);
            }
            if let Some(text) = delta.content {
                append_bounded(&mut state.text, &text);
            }
            for call in delta.tool_calls.unwrap_or_default() {
                let Some(call_state) = state.tool_call(call.index) else {
                    continue;
                };
                if let Some(id) = call.id {
                    call_state.id = Some(id);
                }
                if let Some(function) = call.function {
                    if let Some(name) = function.name {
                        append_bounded(&mut call_state.name, &name);
                    }
                    if let Some(arguments) = function.arguments {
                        append_bounded(&mut call_state.arguments, &arguments);
                    }
                }
            }
        }
    }

    fn choice(&mut self, index: u64) -> Option<&mut ChoiceState> {
        let at = match self.choices.iter().position(|c| c.index == index) {
            Some(at) => at,
            None if self.choices.len() < MAX_CHOICES => {
                self.choices.push(ChoiceState {
                    index,
                    ..ChoiceState::default()
                });
                self.choices.len() - 1
            }
            None => return None,
        };
        self.choices.get_mut(at)
    }
}

impl ChatStream {
    /// The answer so far as a [`Response`] (choices in index order).
    pub fn finish(self) -> Response {
        let mut format = self.format;
        format.choices.sort_by_key(|c| c.index);
        let mut response = Response {
            id: format.id,
            model: format.model,
            usage: format.usage.unwrap_or_default(),
            service_tier: format.service_tier,
            system_fingerprint: format.system_fingerprint,
            ..Response::default()
        };
        for choice in format.choices {
            let mut message = ChatMessage::new(choice.role.unwrap_or_else(|| "assistant".into()));
            if !choice.text.is_empty() {
                message.parts.push(Part::Text(choice.text));
            }
            for call in choice.tool_calls {
                message.parts.push(tool_call(call.id, call.name, call.arguments));
            }
            if let Some(reason) = &choice.finish_reason {
                response.finish_reasons.push(reason.clone());
            }
            message.finish_reason = choice.finish_reason;
            response.output_messages.push(message);
        }
        response
    }
}

impl ChoiceState {
    fn tool_call(&mut self, index: u64) -> Option<&mut ToolCallState> {
        let at = match self.tool_calls.iter().position(|c| c.index == index) {
            Some(at) => at,
            None if self.tool_calls.len() < MAX_TOOL_CALLS => {
                self.tool_calls.push(ToolCallState {
                    index,
                    ..ToolCallState::default()
                });
                self.tool_calls.len() - 1
            }
            None => return None,
        };
        self.tool_calls.get_mut(at)
    }
}

#[cfg(test)]
mod tests {
    use super::ChatStream;
    use crate::content::Part;

    #[test]
    fn tool_call_deltas_are_joined_per_index() {
        let mut stream = ChatStream::new();
        for line in [
            r#"data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}"#,
            r#"data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}"#,
            r#"data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","function":{"name":"get_time","arguments":"{}"}}]}}]}"#,
            r#"data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]},"finish_reason":"tool_calls"}]}"#,
            "data: [DONE]",
        ] {
            stream.push(line.as_bytes());
            stream.push(b"\r\n\r\n");
        }
        let response = stream.finish();
        assert_eq!(response.finish_reasons, ["tool_calls"]);
        assert_eq!(
            response.output_messages[0].parts,
            [
                Part::tool_call("call_1", "get_weather", serde_json::json!({"city": "Paris"})),
                Part::tool_call("call_2", "get_time", serde_json::json!({})),
            ]
        );
        assert_eq!(response.usage, crate::Usage::default());
    }

    #[test]
    fn the_first_fingerprint_and_tier_are_kept_and_odd_ones_ignored() {
        let mut stream = ChatStream::new();
        stream.push(b"data: {\"system_fingerprint\":5,\"service_tier\":[],\"choices\":[]}\n");
        stream.push(b"data: {\"system_fingerprint\":\"fp_1\",\"service_tier\":\"default\",\"choices\":[]}\n");
        stream.push(b"data: {\"system_fingerprint\":\"fp_2\",\"choices\":[]}\n");
        assert_eq!((stream.chunks(), stream.skipped()), (3, 0));
        let response = stream.finish();
        assert_eq!(response.system_fingerprint.as_deref(), Some("fp_1"));
        assert_eq!(response.service_tier.as_deref(), Some("default"));
    }
}
