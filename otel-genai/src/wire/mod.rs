//! What the provider readers ([`openai`](crate::openai), [`anthropic`](crate::anthropic),
//! [`bedrock`](crate::bedrock)) share, whatever their wire format: SSE lines in bounded
//! memory, streamed text and content blocks within bounds, the sampling settings of a
//! request, messages and system instructions in the conventions' schema, token counts
//! reported apart from the cache, and stop reasons as the conventions' finish reasons.

pub(crate) mod answer;
pub(crate) mod blocks;
pub(crate) mod finish_reason;
pub(crate) mod json;
pub(crate) mod messages;
pub(crate) mod request;
pub(crate) mod sse;
pub(crate) mod usage;
