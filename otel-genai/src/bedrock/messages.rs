//! Bedrock Converse content blocks to the conventions' [`Part`]s.

use serde_json::{Map, Value};

use crate::content::Part;
use crate::wire::messages::BlockFormat;

/// Converse's content blocks.
pub(super) struct ConverseBlocks;

impl BlockFormat for ConverseBlocks {
    /// One content block (an object with one member): `text`, `toolUse`, `toolResult`
    /// and `reasoningContent` in the conventions' schema; `cachePoint` gives none (it
    /// marks where the cache ends, it is not content); any other (`image`,
    /// `document`, `video`, `guardContent`...) is kept as given, with its member's name
    /// as its `type`.
    fn part(block: &Value) -> Option<Part> {
        let object = block.as_object()?;
        let text = |value: &Value, key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        if let Some(text) = object.get("text").and_then(Value::as_str) {
            return Some(Part::Text(text.to_owned()));
        }
        if let Some(call) = object.get("toolUse")
            && let Some(name) = text(call, "name")
        {
            return Some(Part::ToolCall {
                id: text(call, "toolUseId"),
                name,
                arguments: call.get("input").cloned().unwrap_or(Value::Null),
            });
        }
        if let Some(result) = object.get("toolResult") {
            return Some(Part::ToolCallResponse {
                id: text(result, "toolUseId"),
                response: result.get("content").cloned().unwrap_or(Value::Null),
            });
        }
        let reasoning = object
            .get("reasoningContent")
            .and_then(|r| r.get("reasoningText"));
        if let Some(reasoning) = reasoning.and_then(|r| text(r, "text")) {
            return Some(Part::Reasoning(reasoning));
        }
        if object.contains_key("cachePoint") {
            return None;
        }
        let (kind, value) = object.iter().next()?;
        let mut part = match value {
            Value::Object(fields) => fields.clone(),
            other => Map::from_iter([("content".to_owned(), other.clone())]),
        };
        part.insert("type".to_owned(), Value::String(kind.clone()));
        Some(Part::Other(Value::Object(part)))
    }
}
