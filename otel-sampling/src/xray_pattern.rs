//! One matcher of an X-Ray sampling rule ([`Pattern`]): `*` for any run of characters,
//! `?` for exactly one, as AWS's samplers read them; case-sensitive, as AWS's Python
//! sampler matches.

/// One matcher of a rule, compiled once when the rules arrive.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Pattern {
    /// `*`: anything, even a value the span does not have.
    Any,
    /// No wildcard: exactly this text (the empty pattern matches only an empty value).
    Exact(String),
    /// `*` for any run of characters, `?` for exactly one.
    Glob(Vec<char>),
}

impl Pattern {
    pub(super) fn new(pattern: &str) -> Self {
        if pattern == "*" {
            Pattern::Any
        } else if pattern.contains(['*', '?']) {
            Pattern::Glob(pattern.chars().collect())
        } else {
            Pattern::Exact(pattern.to_owned())
        }
    }

    pub(super) fn matches(&self, text: Option<&str>) -> bool {
        match (self, text) {
            (Pattern::Any, _) => true,
            (_, None) => false,
            (Pattern::Exact(exact), Some(text)) => exact == text,
            (Pattern::Glob(glob), Some(text)) => glob_matches(glob, text),
        }
    }
}

/// The glob against the text, character by character, without allocating: on a
/// mismatch after a `*`, the `*` takes one character more (linear in practice, at worst
/// pattern length times text length).
fn glob_matches(pattern: &[char], text: &str) -> bool {
    let (mut p, mut t) = (0, 0);
    // The pattern index after the last `*`, and the text offset it has taken up to.
    let mut star: Option<(usize, usize)> = None;
    while let Some(c) = text[t..].chars().next() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p + 1, t));
                p += 1;
            }
            Some(&want) if want == '?' || want == c => {
                p += 1;
                t += c.len_utf8();
            }
            _ => {
                let Some((after_star, taken)) = star else {
                    return false;
                };
                let Some(more) = text[taken..].chars().next() else {
                    return false;
                };
                star = Some((after_star, taken + more.len_utf8()));
                p = after_star;
                t = taken + more.len_utf8();
            }
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    fn matches(pattern: &str, text: &str) -> bool {
        Pattern::new(pattern).matches(Some(text))
    }

    #[test]
    fn globs_match_as_aws_samplers_match_them() {
        for (pattern, text) in [
            ("*", ""),
            ("*", "anything"),
            ("", ""),
            ("/api/*", "/api/"),
            ("/api/*", "/api/orders/7"),
            ("*/orders/*", "/v1/orders/7"),
            ("GE?", "GET"),
            ("?", "é"),
            ("a*b*c", "aXXbYYbZZc"),
            ("**", "x"),
            ("a*", "a"),
            ("checkout", "checkout"),
        ] {
            assert!(matches(pattern, text), "{pattern:?} should match {text:?}");
        }
        for (pattern, text) in [
            ("", "x"),
            ("/api/*", "/apx/"),
            ("GE?", "GETS"),
            ("GE?", "GE"),
            ("a*b*c", "aXXbYYbZZ"),
            ("Checkout", "checkout"),
            ("checkout", "checkout2"),
            ("?", ""),
        ] {
            assert!(!matches(pattern, text), "{pattern:?} should not match {text:?}");
        }
        assert!(Pattern::new("*").matches(None));
        assert!(!Pattern::new("").matches(None));
        assert!(!Pattern::new("a*").matches(None));
    }

    #[test]
    fn a_long_glob_against_a_long_text_stays_quick() {
        let text = "a".repeat(10_000);
        let pattern = format!("{}b", "*a".repeat(50));
        let start = std::time::Instant::now();
        assert!(!matches(&pattern, &text));
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
    }
}
