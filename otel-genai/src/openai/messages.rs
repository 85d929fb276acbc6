//! OpenAI chat messages to the conventions' [`ChatMessage`]s.

use serde_json::Value;

use crate::content::{ChatMessage, Part};
use crate::wire::messages::{BlockFormat, parts};

/// The `messages` array of a chat request as input messages (anything that is not an
/// array gives none; entries that are not objects are skipped).
pub(crate) fn input_messages(messages: &Value) -> Vec<ChatMessage> {
    let Some(items) = messages.as_array() else {
        return Vec::new();
    };
    items.iter().filter_map(message).collect()
}

/// One OpenAI message (`role`, `content` as a string or an array of parts,
/// `tool_calls`, `tool_call_id`).
pub(crate) fn message(value: &Value) -> Option<ChatMessage> {
    let object = value.as_object()?;
    let role = object.get("role").and_then(Value::as_str).unwrap_or("user");
    let mut message = ChatMessage::new(role);
    let content = object.get("content").unwrap_or(&Value::Null);
    if role == "tool" {
        let id = object
            .get("tool_call_id")
            .and_then(Value::as_str)
            .map(str::to_owned);
        message.parts.push(Part::ToolCallResponse {
            id,
            response: content.clone(),
        });
        return Some(message);
    }
    message.parts = parts::<ContentParts>(content);
    if let Some(reasoning) = object.get("reasoning_content").and_then(Value::as_str) {
        message.parts.push(Part::Reasoning(reasoning.to_owned()));
    }
    if let Some(calls) = object.get("tool_calls").and_then(Value::as_array) {
        message.parts.extend(calls.iter().filter_map(tool_call));
    }
    Some(message)
}

/// The parts of an array `content`.
struct ContentParts;

impl BlockFormat for ContentParts {
    /// Text as text, anything else kept as given.
    fn part(part: &Value) -> Option<Part> {
        Some(
            match (
                part.get("type").and_then(Value::as_str),
                part.get("text").and_then(Value::as_str),
            ) {
                (Some("text"), Some(text)) => Part::Text(text.to_owned()),
                _ => Part::Other(part.clone()),
            },
        )
    }
}

/// `{id, type: function, function: {name, arguments}}`; the arguments string is parsed
/// as JSON when it is JSON, kept as a string otherwise.
fn tool_call(call: &Value) -> Option<Part> {
    let function = call.get("function")?;
    let name = function.get("name").and_then(Value::as_str)?.to_owned();
    let arguments = match function.get("arguments") {
        Some(Value::String(text)) => {
            serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()))
        }
        Some(other) => other.clone(),
        None => Value::Null,
    };
    Some(Part::ToolCall {
        id: call.get("id").and_then(Value::as_str).map(str::to_owned),
        name,
        arguments,
    })
}
