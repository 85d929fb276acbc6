//! A list of key patterns compiled to be matched together: the two shapes the default
//! set is made of, `*suffix` and `*infix*`, each checked for all patterns of its shape at
//! once; any other pattern one by one, as [`Pattern`] matches it. The outcome is exactly
//! "some pattern matches" (a property test holds it to [`Pattern::matches`]).
//!
//! Matching a key against the eleven default patterns one by one cost about 900
//! instructions: a lowercased copy of the key, then a pass per pattern, two of them
//! substring searches. Here a key whose last byte ends no suffix is done with the
//! suffixes in one table look-up, and the infixes share one pass over the key.

use super::glob::Pattern;

pub(crate) struct PatternSet {
    /// As given, in order.
    patterns: Vec<Pattern>,
    /// The `*suffix` patterns' suffixes, lowercased.
    suffixes: Vec<Vec<u8>>,
    /// For each byte, the suffixes (bits of their index in `suffixes`) that end with it.
    by_last: Box<[u64; 256]>,
    /// The `*infix*` patterns' infixes, lowercased.
    infixes: Vec<Vec<u8>>,
    /// Whether an infix starts with this byte.
    infix_first: Box<[bool; 256]>,
    /// Indexes in `patterns` of the patterns of any other shape.
    others: Vec<usize>,
}

impl PatternSet {
    pub(crate) fn new(patterns: Vec<Pattern>) -> Self {
        let mut set = PatternSet {
            patterns: Vec::new(),
            suffixes: Vec::new(),
            by_last: Box::new([0; 256]),
            infixes: Vec::new(),
            infix_first: Box::new([false; 256]),
            others: Vec::new(),
        };
        for (index, pattern) in patterns.iter().enumerate() {
            match pattern.parts() {
                // At most 64 suffixes fit the bit sets; more are matched one by one.
                [first, suffix] if first.is_empty() && !suffix.is_empty() && set.suffixes.len() < 64 => {
                    if let Some(&last) = suffix.last() {
                        set.by_last[usize::from(last)] |= 1 << set.suffixes.len();
                    }
                    set.suffixes.push(suffix.clone());
                }
                [first, infix, last] if first.is_empty() && last.is_empty() && !infix.is_empty() => {
                    set.infix_first[usize::from(infix[0])] = true;
                    set.infixes.push(infix.clone());
                }
                _ => set.others.push(index),
            }
        }
        set.patterns = patterns;
        set
    }

    /// The patterns, as given.
    pub(crate) fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether some pattern matches `key` (ASCII case-insensitive, the whole key).
    pub(crate) fn matches(&self, key: &str) -> bool {
        let key = key.as_bytes();
        self.suffix_matches(key) || self.infix_matches(key) || self.other_matches(key)
    }

    fn suffix_matches(&self, key: &[u8]) -> bool {
        let Some(&last) = key.last() else {
            return false;
        };
        let mut candidates = self.by_last[usize::from(last.to_ascii_lowercase())];
        while candidates != 0 {
            let suffix = &self.suffixes[candidates.trailing_zeros() as usize];
            if key.len() >= suffix.len() && key[key.len() - suffix.len()..].eq_ignore_ascii_case(suffix) {
                return true;
            }
            candidates &= candidates - 1;
        }
        false
    }

    fn infix_matches(&self, key: &[u8]) -> bool {
        if self.infixes.is_empty() {
            return false;
        }
        (0..key.len())
            .filter(|&i| self.infix_first[usize::from(key[i].to_ascii_lowercase())])
            .any(|i| {
                let rest = &key[i..];
                self.infixes
                    .iter()
                    .any(|infix| rest.len() >= infix.len() && rest[..infix.len()].eq_ignore_ascii_case(infix))
            })
    }

    fn other_matches(&self, key: &[u8]) -> bool {
        if self.others.is_empty() {
            return false;
        }
        // Lowercase once on the stack, then compare bytes; longer keys compare slowly.
        let mut buf = [0u8; 128];
        match buf.get_mut(..key.len()) {
            Some(lower) => {
                lower.copy_from_slice(key);
                lower.make_ascii_lowercase();
                self.others.iter().any(|&i| self.patterns[i].matches_lower(lower))
            }
            None => self
                .others
                .iter()
                .any(|&i| self.patterns[i].matches_with(key, <[u8]>::eq_ignore_ascii_case)),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::redaction::rules::DEFAULT_DROP_KEYS;

    fn set(patterns: &[&str]) -> PatternSet {
        PatternSet::new(patterns.iter().map(|p| Pattern::new(p)).collect())
    }

    #[test]
    fn the_default_set_is_all_suffixes_and_infixes() {
        let s = set(DEFAULT_DROP_KEYS);
        assert_eq!((s.suffixes.len(), s.infixes.len(), s.others.len()), (9, 2, 0));
        assert!(s.matches("DB.PASSWORD"));
        assert!(s.matches("http.request.header.Authorization"));
        assert!(s.matches("http.response.header.set-cookie"));
        assert!(!s.matches("gen_ai.usage.input_tokens"));
        assert!(!s.matches(""));
    }

    #[test]
    fn more_than_64_suffixes_are_matched_one_by_one() {
        let many: Vec<String> = (0..70).map(|i| format!("*.k{i}")).collect();
        let s = PatternSet::new(many.iter().map(|p| Pattern::new(p)).collect());
        assert_eq!((s.suffixes.len(), s.others.len()), (64, 6));
        assert!(s.matches("a.k69") && s.matches("a.K3") && !s.matches("a.k70"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Any patterns, any key: the set matches exactly when one of its patterns does.
        #[test]
        fn matches_when_one_pattern_does(
            patterns in prop::collection::vec("[abAB.*]{0,6}", 0..6),
            key in "[abAB.é]{0,12}",
        ) {
            let compiled: Vec<Pattern> = patterns.iter().map(|p| Pattern::new(p)).collect();
            let one_by_one = compiled.iter().any(|p| p.matches(&key));
            prop_assert_eq!(PatternSet::new(compiled).matches(&key), one_by_one);
        }
    }
}
