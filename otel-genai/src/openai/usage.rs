//! The `usage` object of OpenAI-compatible responses and stream chunks.

use serde::Deserialize;

use crate::Usage;

/// `usage`, with the detail objects OpenAI, Azure, vLLM and DeepSeek send. Counts of
/// the wrong type fail the whole body: a reader never guesses a number.
#[derive(Deserialize)]
pub(crate) struct UsageJson {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    prompt_tokens_details: Option<PromptDetails>,
    completion_tokens_details: Option<CompletionDetails>,
    /// DeepSeek's name for cached prompt tokens.
    prompt_cache_hit_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct PromptDetails {
    cached_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct CompletionDetails {
    reasoning_tokens: Option<u64>,
}

impl UsageJson {
    pub(crate) fn usage(self) -> Usage {
        Usage {
            input_tokens: self.prompt_tokens,
            output_tokens: self.completion_tokens,
            cache_read_input_tokens: self
                .prompt_tokens_details
                .and_then(|d| d.cached_tokens)
                .or(self.prompt_cache_hit_tokens),
            cache_creation_input_tokens: None,
            reasoning_output_tokens: self.completion_tokens_details.and_then(|d| d.reasoning_tokens),
        }
    }
}
