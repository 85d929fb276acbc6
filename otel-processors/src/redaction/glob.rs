//! Key patterns: `*` matches any run of characters (none included), everything else
//! matches itself, ASCII case-insensitively, against the whole key.

/// A compiled key pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pattern {
    /// As given, for messages and the start-up line.
    raw: String,
    /// Lowercased and split on `*`: the first part is a prefix, the last a suffix, the
    /// ones between must appear in order. One part means no `*`.
    parts: Vec<Vec<u8>>,
}

impl Pattern {
    pub(crate) fn new(raw: &str) -> Self {
        Pattern {
            raw: raw.to_owned(),
            parts: raw
                .split('*')
                .map(|p| p.bytes().map(|c| c.to_ascii_lowercase()).collect())
                .collect(),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.raw
    }

    /// The parts between the `*`s, lowercased.
    pub(crate) fn parts(&self) -> &[Vec<u8>] {
        &self.parts
    }

    /// Whether `key` matches, ignoring ASCII case.
    #[cfg(test)]
    pub(crate) fn matches(&self, key: &str) -> bool {
        self.matches_with(key.as_bytes(), <[u8]>::eq_ignore_ascii_case)
    }

    /// Whether `key`, already ASCII-lowercased, matches: plain byte comparisons.
    pub(crate) fn matches_lower(&self, key: &[u8]) -> bool {
        self.matches_with(key, eq_short)
    }

    /// Greedy leftmost matching is exact for `*`-only globs; at most key × pattern work.
    pub(crate) fn matches_with(&self, key: &[u8], eq: impl Fn(&[u8], &[u8]) -> bool + Copy) -> bool {
        let (first, rest) = match self.parts.split_first() {
            Some(split) => split,
            None => return key.is_empty(),
        };
        let Some((last, middle)) = rest.split_last() else {
            return eq(key, first);
        };
        // The last byte first: it rejects most keys for the usual `*suffix` patterns.
        if key.len() < first.len() + last.len()
            || last
                .last()
                .is_some_and(|&l| key.last().map(u8::to_ascii_lowercase) != Some(l))
            || !eq(&key[..first.len()], first)
            || !eq(&key[key.len() - last.len()..], last)
        {
            return false;
        }
        let mut hay = &key[first.len()..key.len() - last.len()];
        for part in middle {
            match find(hay, part, eq) {
                Some(at) => hay = &hay[at + part.len()..],
                None => return false,
            }
        }
        true
    }
}

/// The first position of `needle` (lowercase) in `hay` by `eq`.
fn find(hay: &[u8], needle: &[u8], eq: impl Fn(&[u8], &[u8]) -> bool) -> Option<usize> {
    let Some(&head) = needle.first() else {
        return Some(0);
    };
    if hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .filter(|&i| hay[i].to_ascii_lowercase() == head)
        .find(|&i| eq(&hay[i..i + needle.len()], needle))
}

/// Equality of short byte strings in 8-byte words, without a call to `memcmp` (whose
/// call overhead dominates for the few bytes of a key).
fn eq_short(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut x, mut y) = (a.chunks_exact(8), b.chunks_exact(8));
    let word = |c: &[u8]| <[u8; 8]>::try_from(c).map(u64::from_ne_bytes).unwrap_or_default();
    (&mut x).zip(&mut y).all(|(p, q)| word(p) == word(q))
        && x.remainder().iter().zip(y.remainder()).all(|(p, q)| p == q)
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    #[test]
    fn globs() {
        let m = |p: &str, k: &str| Pattern::new(p).matches(k);
        assert!(m("app.ssn", "APP.SSN"));
        assert!(!m("app.ssn", "app.ssn2"));
        assert!(m("*.password", "db.Password"));
        assert!(!m("*.password", "password"));
        assert!(m("*password", "password"));
        assert!(m("*authorization*", "http.request.header.authorization"));
        assert!(m("a*b*c", "a-x-b-y-c"));
        assert!(!m("a*b*c", "a-c-b"));
        assert!(m("*", ""));
        assert!(m("**", "anything"));
        assert!(!m("ab*ba", "aba"), "prefix and suffix may not overlap");
        assert!(m("*token", "id_token"));
        assert!(!m("*token", "gen_ai.usage.input_tokens"));
        assert!(!m("é*", "É"), "only ASCII case folds");
        let lower = |p: &str, k: &str| Pattern::new(p).matches_lower(k.as_bytes());
        assert!(lower("*authorization*", "http.request.header.authorization"));
        assert!(lower("*.password", "a-long-prefix-of-more-than-eight.password"));
        assert!(!lower("*.password", "a-long-prefix-of-more-than-eight.passwore"));
        assert!(!lower("exact-key-longer-than-8", "exact-key-longer-than-9"));
    }
}
