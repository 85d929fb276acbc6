//! One matcher of an X-Ray sampling rule ([`Pattern`]): `*` for any run of characters,
//! `?` for exactly one, as AWS's samplers read them; case-sensitive, as AWS's Python
//! sampler matches.
//!
//! Rules come from the network and every new trace's root span is matched against them,
//! so a match costs time linear in the span's value whatever the rule: the text before
//! the first `*` and after the last are compared in place, and each run between stars is
//! found at its leftmost place (which leaves the most room for the next) by a bit-parallel
//! scan that reads each character of the value once. A backtracking matcher took 20 ms a
//! rule on a 4 KiB path.

/// The most characters a pattern may have: AWS's longest matcher, `ResourceARN`, takes 500.
pub(crate) const MAX_PATTERN_CHARS: usize = 512;
/// The most characters between two `*`s: the scan keeps one bit per character in a
/// `u128`. AWS's `URLPath`, `Host` and `ServiceName` take at most 128 in all.
pub(crate) const MAX_RUN_CHARS: usize = 128;

/// One matcher of a rule, compiled once when the rules arrive.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Pattern {
    /// `*`: anything, even a value the span does not have.
    Any,
    /// No wildcard: exactly this text (the empty pattern matches only an empty value).
    Exact(String),
    /// `*` for any run of characters, `?` for exactly one.
    Glob(Glob),
}

impl Pattern {
    /// The pattern compiled, or why it is not used (too long for the bounds above).
    pub(crate) fn new(pattern: &str) -> Result<Self, String> {
        let chars = pattern.chars().count();
        if chars > MAX_PATTERN_CHARS {
            return Err(format!(
                "{chars} characters, past the {MAX_PATTERN_CHARS} a pattern may have"
            ));
        }
        Ok(if pattern == "*" {
            Pattern::Any
        } else if pattern.contains(['*', '?']) {
            Pattern::Glob(Glob::new(pattern)?)
        } else {
            Pattern::Exact(pattern.to_owned())
        })
    }

    pub(crate) fn matches(&self, text: Option<&str>) -> bool {
        match (self, text) {
            (Pattern::Any, _) => true,
            (_, None) => false,
            (Pattern::Exact(exact), Some(text)) => exact == text,
            (Pattern::Glob(glob), Some(text)) => glob.matches(text),
        }
    }
}

/// A pattern with `?` or `*`, split at its stars.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Glob {
    /// Before the first `*` (the whole pattern when it has none): at the start.
    head: Vec<char>,
    /// The runs between stars, in order, empty ones (`**`) dropped.
    middle: Vec<Run>,
    /// After the last `*`: at the end. `None` when there is no `*`.
    tail: Option<Vec<char>>,
}

impl Glob {
    fn new(pattern: &str) -> Result<Self, String> {
        let mut parts: Vec<&str> = pattern.split('*').collect();
        if parts.len() == 1 {
            return Ok(Glob {
                head: pattern.chars().collect(),
                middle: Vec::new(),
                tail: None,
            });
        }
        let tail = parts.pop().unwrap_or_default().chars().collect();
        let head = parts.remove(0).chars().collect();
        let middle = parts
            .into_iter()
            .filter(|run| !run.is_empty())
            .map(Run::new)
            .collect::<Result<_, _>>()?;
        Ok(Glob {
            head,
            middle,
            tail: Some(tail),
        })
    }

    fn matches(&self, text: &str) -> bool {
        let Some(rest) = strip_head(text, &self.head) else {
            return false;
        };
        let Some(tail) = &self.tail else {
            return rest.is_empty();
        };
        // The tail is taken off what the head left, so the two never overlap.
        let Some(mut rest) = strip_tail(rest, tail) else {
            return false;
        };
        for run in &self.middle {
            match run.after_leftmost(rest) {
                Some(after) => rest = after,
                None => return false,
            }
        }
        true
    }
}

/// One character of a pattern against one of the text.
fn same(want: char, got: char) -> bool {
    want == '?' || want == got
}

/// What follows `head` at the start of `text`, if `text` starts so.
fn strip_head<'a>(text: &'a str, head: &[char]) -> Option<&'a str> {
    let mut chars = text.chars();
    for &want in head {
        if !same(want, chars.next()?) {
            return None;
        }
    }
    Some(chars.as_str())
}

/// What precedes `tail` at the end of `text`, if `text` ends so.
fn strip_tail<'a>(text: &'a str, tail: &[char]) -> Option<&'a str> {
    let mut chars = text.chars();
    for &want in tail.iter().rev() {
        if !same(want, chars.next_back()?) {
            return None;
        }
    }
    Some(chars.as_str())
}

/// A run of characters between two stars, compiled for the shift-and scan: for each
/// character, the positions of the run it may stand at (`?` positions take any).
#[derive(Clone, Debug, PartialEq)]
struct Run {
    len: usize,
    /// The positions of `?`: what any character may stand at.
    any: u128,
    /// For an ASCII character, 1 + its index in `masks`, or 0 when the run has none.
    ascii: [u8; 128],
    masks: Vec<u128>,
    /// The other characters of the run, sorted, with their positions.
    other: Vec<(char, u128)>,
}

impl Run {
    fn new(run: &str) -> Result<Self, String> {
        let chars: Vec<char> = run.chars().collect();
        if chars.len() > MAX_RUN_CHARS {
            return Err(format!(
                "{} characters between wildcards, past the {MAX_RUN_CHARS} a run may have",
                chars.len()
            ));
        }
        let any = chars
            .iter()
            .enumerate()
            .filter(|(_, c)| **c == '?')
            .fold(0u128, |mask, (i, _)| mask | 1 << i);
        let mut compiled = Run {
            len: chars.len(),
            any,
            ascii: [0; 128],
            masks: Vec::new(),
            other: Vec::new(),
        };
        for (i, &c) in chars.iter().enumerate().filter(|(_, c)| **c != '?') {
            let bit = 1u128 << i;
            if c.is_ascii() {
                let slot = &mut compiled.ascii[c as usize];
                if *slot == 0 {
                    compiled.masks.push(any);
                    // At most 128 distinct characters in a run of at most 128.
                    *slot = u8::try_from(compiled.masks.len()).unwrap_or(u8::MAX);
                }
                compiled.masks[usize::from(*slot) - 1] |= bit;
            } else {
                match compiled.other.binary_search_by_key(&c, |(o, _)| *o) {
                    Ok(at) => compiled.other[at].1 |= bit,
                    Err(at) => compiled.other.insert(at, (c, any | bit)),
                }
            }
        }
        Ok(compiled)
    }

    /// The positions of the run `c` may stand at.
    fn mask(&self, c: char) -> u128 {
        if c.is_ascii() {
            match self.ascii[c as usize] {
                0 => self.any,
                slot => self.masks[usize::from(slot) - 1],
            }
        } else {
            self.other
                .binary_search_by_key(&c, |(o, _)| *o)
                .map_or(self.any, |at| self.other[at].1)
        }
    }

    /// The text after the run's leftmost occurrence in `text`: bit `i` of the state says
    /// the run's first `i + 1` characters end at the character just read.
    fn after_leftmost<'a>(&self, text: &'a str) -> Option<&'a str> {
        let whole = 1u128 << (self.len - 1);
        let mut state = 0u128;
        for (at, c) in text.char_indices() {
            state = ((state << 1) | 1) & self.mask(c);
            if state & whole != 0 {
                return Some(&text[at + c.len_utf8()..]);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_PATTERN_CHARS, MAX_RUN_CHARS, Pattern};

    fn matches(pattern: &str, text: &str) -> bool {
        Pattern::new(pattern)
            .expect("a usable pattern")
            .matches(Some(text))
    }

    /// The textbook backtracking matcher: slow on hostile input, plainly right.
    fn reference(pattern: &[char], text: &[char]) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some(('*', rest)) => (0..=text.len()).any(|skip| reference(rest, &text[skip..])),
            Some((&want, rest)) => {
                text.first().is_some_and(|&got| want == '?' || want == got) && reference(rest, &text[1..])
            }
        }
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
            ("*é?*ü", "xxéaéüü"),
            ("a*a", "a\u{10FFFF}a"),
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
            ("ab*ba", "aba"),
            ("*aa*aa*", "aaa"),
        ] {
            assert!(!matches(pattern, text), "{pattern:?} should not match {text:?}");
        }
        assert!(Pattern::new("*").expect("any").matches(None));
        assert!(!Pattern::new("").expect("empty").matches(None));
        assert!(!Pattern::new("a*").expect("glob").matches(None));
    }

    /// Every pattern and text over a small alphabet, against the reference matcher.
    #[test]
    fn the_scan_agrees_with_backtracking_on_every_small_case() {
        let pattern_alphabet = ['a', 'é', '?', '*'];
        let text_alphabet = ['a', 'é', 'b'];
        let words = |alphabet: &[char], max: usize| {
            let mut all = vec![Vec::new()];
            let mut last = vec![Vec::new()];
            for _ in 0..max {
                last = last
                    .iter()
                    .flat_map(|w: &Vec<char>| {
                        alphabet.iter().map(move |&c| {
                            let mut w = w.clone();
                            w.push(c);
                            w
                        })
                    })
                    .collect();
                all.extend(last.iter().cloned());
            }
            all
        };
        let texts = words(&text_alphabet, 5);
        let mut checked = 0;
        for pattern in words(&pattern_alphabet, 5) {
            let compiled = Pattern::new(&pattern.iter().collect::<String>()).expect("usable");
            for text in &texts {
                let expected = reference(&pattern, text);
                let got = compiled.matches(Some(&text.iter().collect::<String>()));
                assert_eq!(got, expected, "{pattern:?} against {text:?}");
                checked += 1;
            }
        }
        assert!(checked > 300_000, "{checked}");
    }

    #[test]
    fn patterns_past_the_bounds_are_refused_with_the_reason() {
        let long = "a".repeat(MAX_PATTERN_CHARS + 1);
        let why = Pattern::new(&long).expect_err("too long");
        assert!(why.contains("513 characters"), "{why}");
        assert!(Pattern::new(&"a".repeat(MAX_PATTERN_CHARS)).is_ok());
        let long_run = format!("*{}*", "?".repeat(MAX_RUN_CHARS + 1));
        let why = Pattern::new(&long_run).expect_err("run too long");
        assert!(why.contains("between wildcards"), "{why}");
        let at_the_bound = format!("*{}*", "?".repeat(MAX_RUN_CHARS));
        assert!(matches(&at_the_bound, &"x".repeat(MAX_RUN_CHARS)));
        assert!(!matches(&at_the_bound, &"x".repeat(MAX_RUN_CHARS - 1)));
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
