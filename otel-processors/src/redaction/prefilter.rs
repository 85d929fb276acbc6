//! The one pass over a string value that finds, for all enabled kinds at once, whether
//! any of them can occur in it at all: eight bytes at a time, a few instructions per
//! byte. Almost every value has no candidate and is done after it; only a value with one
//! goes through the exact matchers (`matchers::scan`), and then only for the kinds that
//! can occur.
//!
//! Each test is a necessary condition of its matcher, so leaving a kind out never drops
//! a match (property tests hold the result equal to the exact matchers alone):
//!
//! - card: a run of at least 13 bytes that are digits, spaces or dashes (or the other
//!   bytes between `' '` and `'9'`: one range test is cheaper than three);
//! - SSN: a run of at least 11 such bytes (`123-45-6789`), from the same run length;
//! - bearer: `b` or `B` followed by `e` or `E` (the start of the scheme);
//! - JWT: `yJ` (inside `eyJ`, how every JWT starts);
//! - e-mail: an `@`.
//!
//! The pairs are rare: the words only note whether a `b` or a `J` occurs at all, and
//! the pair is looked for byte by byte in the rare value that has one.

use super::scrub::{Scrub, ScrubSet};

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
/// The fewest bytes a card number fills: 13 digits.
const CARD_RUN: u32 = 13;
/// The bytes an SSN fills: `ddd-dd-dddd`.
const SSN_RUN: u32 = 11;

/// Some byte of `w` is `c` if and only if the result has a high bit set. (The borrow of
/// the subtraction can mark bytes after a true match, never a word without one.) The
/// results of several words can be or-ed and tested once.
fn zeros_of(w: u64, c: u8) -> u64 {
    let x = w ^ (ONES * u64::from(c));
    x.wrapping_sub(ONES) & !x
}

/// The high bit of each byte of `w` whose low seven bits are in `lo..=hi` (ASCII,
/// `lo > 0`), clear for all others. Exact per byte: each addition stays within its
/// byte. A byte above 127 may count as in range, which only makes the test weaker.
fn in_range(w: u64, lo: u8, hi: u8) -> u64 {
    let y = w & LOW7;
    let at_least_lo = y + ONES * u64::from(0x80 - lo);
    let above_hi = y + ONES * u64::from(0x7f - hi);
    at_least_lo & !above_hi & HIGH
}

/// What the words seen so far hold.
#[derive(Default)]
struct Seen {
    /// Bytes `' '..='9'` at the end of the last word, which a run may continue.
    run: u32,
    /// The longest run seen so far (exact from 9 bytes on: such a run crosses a word
    /// boundary, where it is measured).
    longest: u32,
    /// [`zeros_of`] for `b`/`B`, `J` and `@`, or-ed over the words.
    b: u64,
    j: u64,
    at: u64,
}

impl Seen {
    fn word<const EMAIL: bool>(&mut self, w: u64) {
        let breaks = !in_range(w, b' ', b'9') & HIGH;
        // The run's bytes at the start of this word: eight when none breaks it.
        self.longest = self.longest.max(self.run + breaks.trailing_zeros() / 8);
        self.run = if breaks == 0 {
            self.run + 8
        } else {
            breaks.leading_zeros() / 8
        };
        // `| 0x20` folds `B` into `b` and makes no other byte `b`.
        self.b |= zeros_of(w | (ONES * 0x20), b'b');
        self.j |= zeros_of(w, b'J');
        if EMAIL {
            self.at |= zeros_of(w, b'@');
        }
    }

    #[inline(always)]
    fn words<const EMAIL: bool>(&mut self, b: &[u8]) {
        let mut words = b.chunks_exact(8);
        for word in &mut words {
            self.word::<EMAIL>(load(word));
        }
        // The last bytes, followed by zero bytes: they match no test and end any run.
        let rest = words.remainder().len();
        if rest > 0 && b.len() >= 8 {
            // The last eight bytes, without those already seen: one load, not a loop.
            self.word::<EMAIL>(load(&b[b.len() - 8..]) >> (8 * (8 - rest)));
        } else if rest > 0 {
            self.word::<EMAIL>(b.iter().rev().fold(0, |w, &c| (w << 8) | u64::from(c)));
        }
    }
}

/// Eight bytes as a little-endian word (`word` has eight). One load: `copy_from_slice`
/// here can compile to a call to `memcpy`.
#[inline(always)]
fn load(word: &[u8]) -> u64 {
    <[u8; 8]>::try_from(word).map_or(0, u64::from_le_bytes)
}

/// The high bit of each byte of `w` that is `c`, exactly (each addition stays within
/// its byte, unlike [`zeros_of`]'s subtraction).
fn bytes_of(w: u64, c: u8) -> u64 {
    let x = w ^ (ONES * u64::from(c));
    !(((x & LOW7) + LOW7) | x) & HIGH
}

/// Whether a byte of `b` is `first` and the next is `then`, both after `| fold` (`0x20`
/// folds ASCII letters to lower case), a word at a time.
fn pair(b: &[u8], first: u8, then: u8, fold: u64) -> bool {
    // The previous word's last byte, if `first`, as byte 0's high bit.
    let mut carry = 0;
    let mut test = |w: u64| {
        let w = w | (ONES * fold);
        let (f, t) = (bytes_of(w, first), bytes_of(w, then));
        let found = ((f << 8) | carry) & t != 0;
        carry = f >> 56;
        found
    };
    let mut words = b.chunks_exact(8);
    if words.any(|word| test(load(word))) {
        return true;
    }
    let rest = words.remainder();
    // Zero bytes (spaces once folded) after the end: never `then`.
    !rest.is_empty() && test(rest.iter().rev().fold(0, |w, &c| (w << 8) | u64::from(c)))
}

/// A cheaper look than [`possible`]'s at a value of under sixteen bytes (a path, a
/// route, a host, an address: most values of an HTTP span): how many digits it has (a
/// card needs 13, an SSN 9) and whether a `b`/`B` (bearer), `J` (JWT) or `@` (e-mail)
/// occurs, in two words with no branch per byte. Made once with the rules, for their
/// kinds. `false` sends the value on to [`possible`], so this only ever skips work,
/// never a match.
#[derive(Clone, Copy, Debug)]
pub(crate) struct QuickLook {
    /// [`HIGH`] where the letter's kind is enabled, else zero.
    b: u64,
    j: u64,
    at: u64,
    /// The fewest digits an enabled kind needs; more than sixteen bytes hold when none.
    fewest: u64,
}

impl QuickLook {
    pub(crate) fn new(set: ScrubSet) -> Self {
        let mask = |kind| if set.contains(kind) { HIGH } else { 0 };
        let fewest = if set.contains(Scrub::Ssn) {
            SSN_DIGITS
        } else if set.contains(Scrub::Card) {
            CARD_DIGITS
        } else {
            u64::MAX
        };
        QuickLook {
            b: mask(Scrub::Bearer),
            j: mask(Scrub::Jwt),
            at: mask(Scrub::Email),
            fewest,
        }
    }

    /// Whether `b` certainly holds none of the kinds; `false` for sixteen bytes or more
    /// (a user agent, a query: their digits are often enough that counting them first
    /// would only add to [`possible`]'s pass).
    #[inline(always)]
    pub(crate) fn surely_clean(self, b: &[u8]) -> bool {
        if b.len() >= 16 {
            return false;
        }
        let (lo, hi) = short(b);
        let fold = ONES * 0x20;
        let mut letters = (zeros_of(lo | fold, b'b') | zeros_of(hi | fold, b'b')) & self.b;
        letters |= (zeros_of(lo, b'J') | zeros_of(hi, b'J')) & self.j;
        if self.at != 0 {
            letters |= zeros_of(lo, b'@') | zeros_of(hi, b'@');
        }
        if letters & HIGH != 0 {
            return false;
        }
        // Too short to hold the digits: not counted.
        (b.len() as u64) < self.fewest || digits(lo, hi) < self.fewest
    }
}

/// The digits a card number has at least, and an SSN.
const CARD_DIGITS: u64 = 13;
const SSN_DIGITS: u64 = 9;

/// The digits in two words: a one in each digit's byte lane, the lanes summed into the
/// top byte by one multiplication.
#[inline(always)]
fn digits(lo: u64, hi: u64) -> u64 {
    let lanes = (in_range(lo, b'0', b'9') >> 7) + (in_range(hi, b'0', b'9') >> 7);
    lanes.wrapping_mul(ONES) >> 56
}

/// A value of fewer than sixteen bytes as two words, zero-filled: two overlapping loads
/// (a zero byte is no digit and no letter).
#[inline(always)]
fn short(b: &[u8]) -> (u64, u64) {
    let n = b.len();
    let word = |at: usize| b.get(at..at + 8).map_or(0, load);
    let half = |at: usize| {
        b.get(at..at + 4)
            .and_then(|w| <[u8; 4]>::try_from(w).ok())
            .map_or(0, |w| u64::from(u32::from_le_bytes(w)))
    };
    if n >= 8 {
        (word(0), word(n - 8).checked_shr(8 * (16 - n as u32)).unwrap_or(0))
    } else if n >= 4 {
        (half(0) | (half(n - 4) >> (8 * (8 - n as u32))) << 32, 0)
    } else {
        (b.iter().rev().fold(0, |w, &c| (w << 8) | u64::from(c)), 0)
    }
}

/// The kinds of `set` that can occur in `b`; empty for almost every value.
#[inline]
pub(crate) fn possible(b: &[u8], set: ScrubSet) -> ScrubSet {
    let mut seen = Seen::default();
    if set.contains(Scrub::Email) {
        seen.words::<true>(b);
    } else {
        seen.words::<false>(b);
    }
    // The pairs byte by byte, only when the kind is enabled and a word had the letter.
    let mut out = ScrubSet::default();
    if seen.longest >= CARD_RUN {
        out.insert(Scrub::Card);
    }
    if seen.longest >= SSN_RUN {
        out.insert(Scrub::Ssn);
    }
    if seen.b & HIGH != 0 && set.contains(Scrub::Bearer) && pair(b, b'b', b'e', 0x20) {
        out.insert(Scrub::Bearer);
    }
    if seen.j & HIGH != 0 && set.contains(Scrub::Jwt) && pair(b, b'y', b'J', 0) {
        out.insert(Scrub::Jwt);
    }
    if seen.at & HIGH != 0 {
        out.insert(Scrub::Email);
    }
    out.and(set)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::redaction::matchers::{scan, scrub};

    fn has(w: u64, c: u8) -> bool {
        zeros_of(w, c) & HIGH != 0
    }

    /// The kinds whose bits (in [`Scrub::ALL`]'s order) `kinds` sets: 0..32 is every set.
    fn set_of(kinds: u8) -> ScrubSet {
        let chosen = Scrub::ALL
            .into_iter()
            .enumerate()
            .filter(|(i, _)| kinds & (1 << i) != 0);
        ScrubSet::of(chosen.map(|(_, k)| k))
    }

    fn all() -> ScrubSet {
        ScrubSet::of(Scrub::ALL)
    }

    #[test]
    fn the_byte_tests_are_exact_for_every_byte_in_every_position() {
        for c in 0..=255u8 {
            for pos in 0..8 {
                for filler in [0u8, 0xff, b'~'] {
                    let mut bytes = [filler; 8];
                    bytes[pos] = c;
                    let w = u64::from_le_bytes(bytes);
                    assert_eq!(has(w, b'@'), c == b'@', "{c:#x} at {pos}");
                    let folded = has(w | (ONES * 0x20), b'b');
                    assert_eq!(folded, c == b'b' || c == b'B', "{c:#x} at {pos}");
                    let bit = 0x80u64 << (8 * pos);
                    assert_eq!(bytes_of(w, b'J') & bit != 0, c == b'J', "{c:#x} at {pos}");
                    let in_run = (b' '..=b'9').contains(&(c & 0x7f));
                    assert_eq!(in_range(w, b' ', b'9') & bit != 0, in_run, "{c:#x} at {pos}");
                }
            }
        }
    }

    #[test]
    fn clean_values_have_no_candidate_and_each_kind_is_seen() {
        let mut no_ssn = all();
        no_ssn.remove(Scrub::Ssn);
        for clean in [
            "/api/v1/orders/8812/items",
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
            "orders.internal.example.com",
            "order 8812 paid by customer 1207, shipped by 2024-05-01",
        ] {
            assert!(possible(clean.as_bytes(), no_ssn).is_empty(), "{clean}");
        }
        // The SSN's run of 11 is weaker: a date or a version between spaces is a
        // candidate, which the exact matcher then rejects.
        for near in [
            "shipped by 2024-05-01 ok",
            "Chrome/126.0.0.0 Safari",
            "from 10.42.7.19 ",
        ] {
            assert_eq!(
                possible(near.as_bytes(), all()),
                ScrubSet::of([Scrub::Ssn]),
                "{near}"
            );
            assert_eq!(scan(near, all()), None);
        }
        for clean in [
            "/api/v1/orders/8812/items",
            "2024-05-01T12:00:00Z",
            "Firefox/128.0",
        ] {
            assert!(possible(clean.as_bytes(), all()).is_empty(), "{clean}");
        }
        for (dirty, kinds) in [
            ("x 4222222222222", &[Scrub::Card, Scrub::Ssn][..]), // a run of 14
            ("ssn 123-45-6789", &[Scrub::Ssn]),
            ("-- bEarer", &[Scrub::Bearer]),
            ("1234567be", &[Scrub::Bearer]), // a pair across the word boundary
            ("xx eyJ", &[Scrub::Jwt]),
            ("a@b", &[Scrub::Email]),
        ] {
            let want = ScrubSet::of(kinds.iter().copied());
            assert_eq!(possible(dirty.as_bytes(), all()), want, "{dirty}");
            assert!(possible(dirty.as_bytes(), ScrubSet::default()).is_empty());
        }
        let across = format!("{}4222 2222 2222 2{}", "x".repeat(5), "y".repeat(9));
        assert_eq!(
            possible(across.as_bytes(), all()),
            ScrubSet::of([Scrub::Card, Scrub::Ssn])
        );
        let across = format!("{}123-45-6789{}", "x".repeat(6), "y".repeat(9));
        assert_eq!(possible(across.as_bytes(), all()), ScrubSet::of([Scrub::Ssn]));
        assert_eq!(possible(b"12-45-6789", all()), ScrubSet::default(), "a run of 10");
    }

    /// Each kind at every alignment to the words, so pairs and runs across a word
    /// boundary are seen (`~` is no part of any match and ends a run).
    #[test]
    fn every_kind_is_found_at_every_offset() {
        for piece in [
            "4222222222222",
            "4111 1111 1111 1111",
            "123-45-6789",
            "123 45 6789",
            "Bearer abc123",
            "eyJa.b.c",
            "a@b.io",
        ] {
            for before in 0..16 {
                for after in 0..8 {
                    let s = format!("{}{piece}{}", "~".repeat(before), "~".repeat(after));
                    assert!(scan(&s, all()).is_some(), "{s}");
                    assert_eq!(scrub(&s, all()), scan(&s, all()), "{s}");
                }
            }
        }
    }

    /// Strings made of the pieces each matcher looks for, cut and joined anywhere.
    fn adversarial() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("4111 1111 1111 1111".to_owned()),
            Just("4222222222222".to_owned()),
            Just("378282246310005".to_owned()),
            Just("123-45-6789".to_owned()),
            Just("078 05 1120".to_owned()),
            Just("666-12-3456".to_owned()),
            Just("Bearer ".to_owned()),
            Just("bEaReR\t".to_owned()),
            Just("abcdef0123456789".to_owned()),
            Just("eyJhbGciOiJIUzI1NiJ9".to_owned()),
            Just("ada@example.com".to_owned()),
            Just("ü".to_owned()),
            "[0-9 .@eyJbB-]{1,6}",
            "[a-zA-Z0-9]{1,8}",
        ];
        prop::collection::vec(piece, 0..12).prop_map(|p| p.concat())
    }

    /// Short secrets of every kind, in every set that enables their kind, at every
    /// offset: the quick look never calls them clean.
    #[test]
    fn the_quick_look_passes_every_short_secret_on() {
        for (secret, kind) in [
            ("378282246310005", Scrub::Card),
            ("4222222222222", Scrub::Card),
            ("123-45-6789", Scrub::Ssn),
            ("Bearer ab1", Scrub::Bearer),
            ("eyJa.b.c", Scrub::Jwt),
            ("a@b.io", Scrub::Email),
        ] {
            for before in 0..16 - secret.len() {
                let s = format!("{}{secret}", "~".repeat(before));
                for kinds in 0u8..32 {
                    let set = set_of(kinds);
                    if set.contains(kind) {
                        assert!(!QuickLook::new(set).surely_clean(s.as_bytes()), "{s} {set:?}");
                        assert!(scrub(&s, set).is_some(), "{s} {set:?}");
                    }
                }
            }
        }
        let defaults = QuickLook::new(ScrubSet::of([Scrub::Card, Scrub::Bearer, Scrub::Jwt]));
        for clean in [
            "/users/4711",
            "/users/{id}",
            "127.0.0.1",
            "10.42.7.19",
            "[::1]:8080",
        ] {
            assert!(defaults.surely_clean(clean.as_bytes()), "{clean}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// What the quick look calls clean, the exact matchers find nothing in.
        #[test]
        fn the_quick_look_skips_no_match(s in adversarial(), kinds in 0u8..32) {
            let set = set_of(kinds);
            let s: String = s.chars().take(15).collect();
            if QuickLook::new(set).surely_clean(s.as_bytes()) {
                prop_assert_eq!(scan(&s, set), None, "{:?}", s);
            }
        }

        /// The fast path scrubs exactly what the exact matchers alone scrub, for every set
        /// of kinds.
        #[test]
        fn scrub_equals_the_exact_matchers(s in adversarial(), kinds in 0u8..32) {
            let set = set_of(kinds);
            prop_assert_eq!(scrub(&s, set), scan(&s, set));
        }

        #[test]
        fn scrub_equals_the_exact_matchers_on_any_text(s in any::<String>()) {
            prop_assert_eq!(scrub(&s, all()), scan(&s, all()));
        }
    }
}
