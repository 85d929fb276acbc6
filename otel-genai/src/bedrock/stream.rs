//! [`ChatStream`]: a [`Response`] from a ConverseStream answer (AWS's binary event
//! stream), fed chunk by chunk as they arrive, in bounded memory; its format,
//! [`ConverseEvents`].

use serde::Deserialize;

use super::event_stream::{Decoded, Decoder, Message};
use super::response::exception_name;
use crate::stream::{StreamFormat, StreamProgress, sealed};
use crate::wire::answer::Answer;
use crate::wire::blocks::{BlockKind, Blocks};
use crate::wire::json::lenient;
use crate::wire::usage::SplitUsage;
use crate::{ProviderError, Response, StreamError};

/// Accumulates a ConverseStream answer (`application/vnd.amazon.eventstream`): each
/// message's checksums are verified, then its `:event-type` read: `messageStart`
/// (role), `contentBlockStart` (a tool call's id and name), `contentBlockDelta` (text,
/// tool input, reasoning text), `contentBlockStop`, `messageStop` (stop reason) and
/// `metadata` (usage); event types it does not know are ignored, payloads that are not
/// JSON skipped. A message whose `:message-type` is `exception` (`throttlingException`,
/// `modelStreamErrorException`...) or `error` makes [`finish`](Self::finish) an error,
/// as do a body that ends inside a message or before `messageStop`, and framing that
/// breaks (a checksum that does not match, a length that lies), after which nothing is
/// read. Bytes may be split anywhere.
///
/// Bounded: one message of at most [`MAX_MESSAGE`](super::MAX_MESSAGE) is buffered (a
/// longer one is skipped as it arrives), at most 64 content blocks are followed and
/// [`MAX_TEXT`](super::MAX_TEXT) bytes of their text kept.
///
/// ```
/// use otel_kit_genai::bedrock::ChatStream;
///
/// let mut stream = ChatStream::new();
/// // An event stream that ends right after its prelude: the body was cut.
/// stream.push(&[0, 0, 0, 0x10, 0, 0, 0, 0, 0x05, 0xC2, 0x48, 0xEB]);
/// assert_eq!(stream.finish().unwrap_err().error_type(), "stream_truncated");
/// ```
pub type ChatStream = crate::stream::ChatStream<ConverseEvents>;

/// Bedrock's ConverseStream format ([`ChatStream`]'s): AWS's binary event stream, one
/// JSON event per message.
#[derive(Debug, Default)]
pub struct ConverseEvents {
    decoder: Decoder,
    role: Option<String>,
    blocks: Blocks,
    stop_reason: Option<String>,
    usage: Option<SplitUsage>,
    error: Option<StreamError>,
}

/// One event's payload; each event type uses some of the fields, each read leniently
/// (a field of another shape, in an event type added later, reads as absent).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payload {
    /// `messageStart`.
    #[serde(default, deserialize_with = "lenient")]
    role: Option<String>,
    /// `contentBlock*`.
    #[serde(default, deserialize_with = "lenient")]
    content_block_index: Option<u64>,
    /// `contentBlockStart`.
    #[serde(default, deserialize_with = "lenient")]
    start: Option<Start>,
    /// `contentBlockDelta`.
    #[serde(default, deserialize_with = "lenient")]
    delta: Option<Delta>,
    /// `messageStop`.
    #[serde(default, deserialize_with = "lenient")]
    stop_reason: Option<String>,
    /// `metadata`.
    #[serde(default, deserialize_with = "lenient")]
    usage: Option<SplitUsage>,
    /// An exception's.
    #[serde(default, deserialize_with = "lenient", alias = "Message")]
    message: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Start {
    tool_use: Option<ToolUseStart>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ToolUseStart {
    tool_use_id: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Delta {
    text: Option<String>,
    tool_use: Option<ToolUseDelta>,
    reasoning_content: Option<ReasoningDelta>,
}

#[derive(Deserialize)]
struct ToolUseDelta {
    input: Option<String>,
}

#[derive(Deserialize)]
struct ReasoningDelta {
    text: Option<String>,
}

impl StreamFormat for ConverseEvents {}

impl sealed::Sealed for ConverseEvents {
    fn push(&mut self, bytes: &[u8], progress: &mut StreamProgress) {
        let mut decoder = std::mem::take(&mut self.decoder);
        let result = decoder.push(bytes, |decoded| self.decoded(decoded, progress));
        self.decoder = decoder;
        if let Err(reason) = result {
            self.error.get_or_insert(StreamError::Invalid(reason));
        }
    }
}

impl ConverseEvents {
    fn decoded(&mut self, decoded: Decoded<'_>, progress: &mut StreamProgress) {
        let Decoded::Message(message) = decoded else {
            progress.skipped += 1;
            return;
        };
        match message.header(":message-type") {
            Some("event") => self.event(&message, progress),
            Some("exception") => {
                let kind = message.header(":exception-type").and_then(exception_name);
                let text = serde_json::from_slice::<Payload>(message.payload)
                    .ok()
                    .and_then(|p| p.message);
                self.provider_error(kind, text);
            }
            Some("error") => {
                let kind = message.header(":error-code").map(str::to_owned);
                let text = message.header(":error-message").map(str::to_owned);
                self.provider_error(kind, text);
            }
            _ => progress.skipped += 1,
        }
    }

    fn provider_error(&mut self, kind: Option<String>, message: Option<String>) {
        let error = ProviderError::new(None, kind, message);
        self.error.get_or_insert(StreamError::Provider(error));
    }

    fn event(&mut self, message: &Message<'_>, progress: &mut StreamProgress) {
        let payload = serde_json::from_slice::<Payload>(message.payload);
        let (Some(event_type), Ok(payload)) = (message.header(":event-type"), payload) else {
            progress.skipped += 1;
            return;
        };
        progress.chunks += 1;
        let index = payload.content_block_index.unwrap_or(0);
        match event_type {
            "messageStart" => self.role = self.role.take().or(payload.role),
            "contentBlockStart" => {
                if let Some(call) = payload.start.and_then(|start| start.tool_use) {
                    let kind = BlockKind::ToolCall {
                        id: call.tool_use_id,
                        name: call.name.unwrap_or_default(),
                        input: serde_json::Value::Null,
                    };
                    self.blocks.start(index, kind);
                }
            }
            "contentBlockDelta" => {
                if let Some(delta) = payload.delta {
                    self.delta(index, delta);
                }
            }
            "messageStop" => {
                self.stop_reason = payload.stop_reason;
                progress.done = true;
            }
            "metadata" => {
                if let Some(usage) = payload.usage {
                    self.usage.get_or_insert_default().merge(usage);
                }
            }
            // `contentBlockStop`, and event types added later.
            _ => {}
        }
    }

    fn delta(&mut self, index: u64, delta: Delta) {
        if let Some(text) = delta.text {
            self.blocks.append(index, || BlockKind::Text, &text);
        }
        if let Some(input) = delta.tool_use.and_then(|t| t.input) {
            let call = || BlockKind::ToolCall {
                id: None,
                name: String::new(),
                input: serde_json::Value::Null,
            };
            self.blocks.append(index, call, &input);
        }
        if let Some(text) = delta.reasoning_content.and_then(|r| r.text) {
            self.blocks.append(index, || BlockKind::Reasoning, &text);
        }
    }
}

impl ChatStream {
    /// The answer as a [`Response`] (stop reason as the conventions' finish reason,
    /// usage with the cache counted in the input; Converse answers carry no id and no
    /// model), or why the stream failed: an exception or error message
    /// ([`StreamError::Provider`], `error.type` the exception's name,
    /// `ThrottlingException`), framing that broke ([`StreamError::Invalid`]), a body that
    /// ended inside a message or before `messageStop` ([`StreamError::Truncated`]).
    pub fn finish(self) -> Result<Response, StreamError> {
        let format = self.format;
        if let Some(error) = format.error {
            return Err(error);
        }
        if format.decoder.inside_message() || !self.progress.done {
            return Err(StreamError::Truncated);
        }
        let answer = Answer {
            role: format.role,
            parts: Some(format.blocks.into_parts()),
            stop_reason: format.stop_reason,
            usage: format.usage.map(SplitUsage::usage).unwrap_or_default(),
            ..Answer::default()
        };
        Ok(answer.response())
    }
}
