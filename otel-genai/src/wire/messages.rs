//! A request's messages and system instructions in the conventions' schema, whatever
//! the format of their content blocks (each reader gives its [`BlockFormat`]).

use serde_json::Value;

use crate::content::{ChatMessage, Part};

/// How a wire format's content blocks read as parts.
pub(crate) trait BlockFormat {
    /// One content block as a part (`None`: nothing to record).
    fn part(block: &Value) -> Option<Part>;
}

/// A message's `content`: a string is one text part, an array a part per block;
/// anything else gives none.
pub(crate) fn parts<F: BlockFormat>(content: &Value) -> Vec<Part> {
    match content {
        Value::String(text) => vec![Part::Text(text.clone())],
        Value::Array(blocks) => blocks.iter().filter_map(F::part).collect(),
        _ => Vec::new(),
    }
}

/// A `messages` array: each object's `role` (`user` when it has none) and `content`;
/// anything that is not an array gives none, entries that are not objects are skipped.
pub(crate) fn messages<F: BlockFormat>(messages: &Value) -> Vec<ChatMessage> {
    let Some(items) = messages.as_array() else {
        return Vec::new();
    };
    let message = |item: &Value| {
        let object = item.as_object()?;
        let role = object.get("role").and_then(Value::as_str).unwrap_or("user");
        let mut message = ChatMessage::new(role);
        if let Some(content) = object.get("content") {
            message.parts = parts::<F>(content);
        }
        Some(message)
    };
    items.iter().filter_map(message).collect()
}

/// System instructions sent apart from the messages (a string, or an array of
/// blocks), as the schema's list of parts.
pub(crate) fn instructions<F: BlockFormat>(system: &Value) -> Value {
    Value::Array(parts::<F>(system).into_iter().map(Part::into_value).collect())
}
