//! Token counts of the providers that report cached input apart from their input
//! count: Anthropic (`input_tokens`, `cache_read_input_tokens`,
//! `cache_creation_input_tokens`) and Bedrock (`inputTokens`, `cacheReadInputTokens`,
//! `cacheWriteInputTokens`).

use serde::Deserialize;

use crate::Usage;

/// `usage` as such a provider reports it, in either spelling. Counts of the wrong type
/// fail the whole body: a reader never guesses a number.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
pub(crate) struct SplitUsage {
    #[serde(alias = "inputTokens")]
    input_tokens: Option<u64>,
    #[serde(alias = "outputTokens")]
    output_tokens: Option<u64>,
    #[serde(alias = "cacheReadInputTokens")]
    cache_read_input_tokens: Option<u64>,
    #[serde(alias = "cacheWriteInputTokens")]
    cache_creation_input_tokens: Option<u64>,
}

impl SplitUsage {
    /// The counts `later` has replace these (Anthropic's `message_delta` after its
    /// `message_start`: its counts are cumulative).
    pub(crate) fn merge(&mut self, later: SplitUsage) {
        self.input_tokens = later.input_tokens.or(self.input_tokens);
        self.output_tokens = later.output_tokens.or(self.output_tokens);
        self.cache_read_input_tokens = later.cache_read_input_tokens.or(self.cache_read_input_tokens);
        self.cache_creation_input_tokens = later
            .cache_creation_input_tokens
            .or(self.cache_creation_input_tokens);
    }

    /// The counts as the conventions define them: `gen_ai.usage.input_tokens` includes
    /// the cached input, so the cache reads and writes are added to the provider's
    /// input count (when it reported one: never a made-up number).
    pub(crate) fn usage(self) -> Usage {
        let cached = self
            .cache_read_input_tokens
            .unwrap_or(0)
            .saturating_add(self.cache_creation_input_tokens.unwrap_or(0));
        Usage {
            input_tokens: self.input_tokens.map(|n| n.saturating_add(cached)),
            output_tokens: self.output_tokens,
            cache_read_input_tokens: self.cache_read_input_tokens,
            cache_creation_input_tokens: self.cache_creation_input_tokens,
            reasoning_output_tokens: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SplitUsage;

    #[test]
    fn the_cache_is_added_to_the_input_in_either_spelling() {
        for body in [
            r#"{"input_tokens":10,"output_tokens":3,"cache_read_input_tokens":100,"cache_creation_input_tokens":20}"#,
            r#"{"inputTokens":10,"outputTokens":3,"cacheReadInputTokens":100,"cacheWriteInputTokens":20,"totalTokens":133}"#,
        ] {
            let usage = serde_json::from_str::<SplitUsage>(body).expect(body).usage();
            assert_eq!(usage.input_tokens, Some(130), "{body}");
            assert_eq!(usage.output_tokens, Some(3));
            assert_eq!(usage.cache_read_input_tokens, Some(100));
            assert_eq!(usage.cache_creation_input_tokens, Some(20));
        }
        let only_cache =
            serde_json::from_str::<SplitUsage>(r#"{"cache_read_input_tokens":5}"#).expect("json");
        assert_eq!(only_cache.usage().input_tokens, None);
        assert!(serde_json::from_str::<SplitUsage>(r#"{"input_tokens":"12"}"#).is_err());
    }

    #[test]
    fn later_counts_replace_earlier_ones() {
        let mut usage: SplitUsage =
            serde_json::from_str(r#"{"input_tokens":25,"output_tokens":1,"cache_read_input_tokens":0}"#)
                .expect("json");
        usage.merge(serde_json::from_str(r#"{"output_tokens":15}"#).expect("json"));
        let usage = usage.usage();
        assert_eq!((usage.input_tokens, usage.output_tokens), (Some(25), Some(15)));
    }
}
