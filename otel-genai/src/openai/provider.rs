//! Which provider the OpenAI-only attributes belong to.

/// The `gen_ai.provider.name` of OpenAI itself: only its calls get the `openai.*`
/// attributes (other providers speaking the same API are not expected to carry them).
pub(crate) const OPENAI_PROVIDER: &str = "openai";
