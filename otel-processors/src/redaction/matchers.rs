//! The hand-written value matchers: e-mail addresses, payment card numbers, US Social
//! Security numbers, `Bearer` credentials and JWTs.
//!
//! [`scrub`] first asks the prefilter (`prefilter.rs`) which kinds can occur at all;
//! almost every value is done there. [`scan`], the exact matchers, makes one pass over
//! the bytes, allocates nothing until something matches, and takes linear time: each
//! candidate looks ahead a bounded distance or over a run that the main loop then skips,
//! so no byte is examined more than a small constant number of times. Every match starts
//! and ends on an ASCII byte, so slicing at match bounds never splits a UTF-8 character;
//! non-ASCII text is never part of a match.

use super::prefilter;
use super::scrub::{Scrub, ScrubSet};

/// For each byte, the kinds (bits of [`Scrub::bit`]) a match may start at it.
static STARTS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'@' as usize] = 1;
    let mut d = b'0';
    while d <= b'9' {
        t[d as usize] = 2 | 16;
        d += 1;
    }
    t[b'b' as usize] = 4;
    t[b'B' as usize] = 4;
    t[b'e' as usize] = 8;
    t
};

/// The shortest string any matcher can match (`a@b.co`).
pub(crate) const MIN_LEN: usize = 6;
const MAX_LOCAL: usize = 64;
const MAX_DOMAIN: usize = 253;

/// `input` with every match of `set` replaced by its marker; `None` (and no allocation)
/// when nothing matches. The prefilter's one pass rules out most values; the exact
/// matchers run only for the kinds it leaves.
#[inline]
pub(crate) fn scrub(input: &str, set: ScrubSet) -> Option<String> {
    if set.is_empty() || input.len() < MIN_LEN {
        return None;
    }
    let set = prefilter::possible(input.as_bytes(), set);
    if set.is_empty() {
        return None;
    }
    scan(input, set)
}

/// Whether the prefilter finds a kind of `set` that can occur in `input` (which has at
/// least [`MIN_LEN`] bytes): `false` means [`scrub`] returns `None`. Allocates nothing.
#[inline]
pub(crate) fn may_match(input: &str, set: ScrubSet) -> bool {
    !prefilter::possible(input.as_bytes(), set).is_empty()
}

/// The exact matchers alone: what [`scrub`] returns, at several times the cost on a
/// clean value.
pub(crate) fn scan(input: &str, set: ScrubSet) -> Option<String> {
    if set.is_empty() || input.len() < MIN_LEN {
        return None;
    }
    let b = input.as_bytes();
    let mask = set.bits();
    let mut out: Option<String> = None;
    let mut last = 0; // input[..last] is already in `out`
    let mut i = 0;
    loop {
        // The tight part: skip bytes that can start no enabled match.
        while i < b.len() && STARTS[usize::from(b[i])] & mask == 0 {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let found = match b[i] {
            b'@' => email_at(b, i, last),
            b'0'..=b'9' if !prev_is(b, i, is_alnum) => match number_at(b, i, set) {
                Ok(found) => Some(found),
                Err(run_end) => {
                    // Nothing else can start inside a run of digits and separators.
                    i = run_end.max(i + 1);
                    continue;
                }
            },
            b'e' if b.get(i + 1) == Some(&b'y') && !prev_is(b, i, is_b64url) => jwt_at(b, i),
            b'b' | b'B' if !prev_is(b, i, is_alnum) => bearer_at(b, i),
            _ => None,
        };
        match found {
            Some((start, end, kind)) => {
                let o = out.get_or_insert_with(|| String::with_capacity(input.len()));
                o.push_str(&input[last..start]);
                o.push_str(kind.marker());
                last = end;
                i = end;
            }
            None => i += 1,
        }
    }
    out.map(|mut o| {
        o.push_str(&input[last..]);
        o
    })
}

fn prev_is(b: &[u8], i: usize, class: fn(u8) -> bool) -> bool {
    i > 0 && class(b[i - 1])
}

fn is_alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

fn is_local(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_label(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

fn run_end(b: &[u8], from: usize, class: fn(u8) -> bool) -> usize {
    b[from..]
        .iter()
        .position(|c| !class(*c))
        .map_or(b.len(), |n| from + n)
}

/// An e-mail address around the `@` at `at`, starting no earlier than `floor`.
fn email_at(b: &[u8], at: usize, floor: usize) -> Option<(usize, usize, Scrub)> {
    let lowest = floor.max(at.saturating_sub(MAX_LOCAL));
    let mut start = at;
    while start > lowest && is_local(b[start - 1]) {
        start -= 1;
    }
    if start == lowest && start > floor && is_local(b[start - 1]) {
        return None; // a local part longer than 64 bytes
    }
    while start < at && b[start] == b'.' {
        start += 1;
    }
    if start == at {
        return None;
    }
    // Domain: labels separated by single dots; the last label is the top-level domain.
    let limit = (at + 1 + MAX_DOMAIN).min(b.len());
    let (mut j, mut labels, mut end, mut tld_alpha) = (at + 1, 0, 0, false);
    loop {
        let label_end = run_end(&b[..limit], j, is_label);
        if label_end == j {
            break;
        }
        labels += 1;
        end = label_end;
        tld_alpha = label_end - j >= 2 && b[j..label_end].iter().all(u8::is_ascii_alphabetic);
        if label_end < limit && b[label_end] == b'.' && label_end + 1 < limit && is_label(b[label_end + 1]) {
            j = label_end + 1;
        } else {
            break;
        }
    }
    if end == limit && limit < b.len() && is_label(b[limit]) {
        return None; // longer than a domain can be
    }
    (labels >= 2 && tld_alpha).then_some((start, end, Scrub::Email))
}

/// A card number or an SSN in the run of digit groups starting at `i` (preceded by no
/// alphanumeric), as enabled in `set`: the leftmost, an SSN first where both start at
/// the same group. `Err` carries the end of the run when none is found.
///
/// Candidates start at a group start (groups are separated by a single space or dash).
/// Each start costs O(19) for a card window and O(11) for an SSN, and the run is walked
/// once, so a run costs linear time.
fn number_at(b: &[u8], i: usize, set: ScrubSet) -> Result<(usize, usize, Scrub), usize> {
    let (ssn, card) = (set.contains(Scrub::Ssn), set.contains(Scrub::Card));
    let mut start = i;
    loop {
        if ssn && let Some(end) = ssn_at(b, start) {
            return Ok((start, end, Scrub::Ssn));
        }
        if card && let Some(end) = card_from(b, start) {
            return Ok((start, end, Scrub::Card));
        }
        let group_end = run_end(b, start, |c| c.is_ascii_digit());
        if group_end < b.len() && is_sep(b, group_end) {
            start = group_end + 1;
        } else {
            return Err(group_end);
        }
    }
}

/// A single space or dash followed by a digit: inside one number.
fn is_sep(b: &[u8], j: usize) -> bool {
    matches!(b[j], b' ' | b'-') && b.get(j + 1).is_some_and(u8::is_ascii_digit)
}

/// The widest digit group of a card number written in groups.
const MAX_CARD_GROUP: usize = 6;

/// The end of the longest card number starting at `start`, a group start.
///
/// Windows end at a group end; at most 19 digits, and the Luhn sums are kept for both
/// parities as digits are added, so this costs O(19). A number written in groups has
/// groups of at most [`MAX_CARD_GROUP`] digits, as cards are printed (4-4-4-4, 4-6-5):
/// a UUID's 8-4-4 head is not a card, though its digits may pass.
fn card_from(b: &[u8], start: usize) -> Option<usize> {
    // sums[p]: the Luhn sum if digits at positions of parity p (from the left) are doubled.
    let (mut sums, mut n, mut first, mut j, mut best) = ([0u32; 2], 0usize, 0u8, start, None);
    let (mut groups, mut group, mut widest) = (1usize, 0usize, 0usize);
    while j < b.len() {
        if b[j].is_ascii_digit() {
            if n == 19 {
                break;
            }
            let d = u32::from(b[j] - b'0');
            if n == 0 {
                first = b[j] - b'0';
            }
            let doubled = if d * 2 > 9 { d * 2 - 9 } else { d * 2 };
            sums[n % 2] += doubled;
            sums[1 - n % 2] += d;
            n += 1;
            j += 1;
            group += 1;
            widest = widest.max(group);
            let group_end = j == b.len() || !b[j].is_ascii_digit();
            // The rightmost digit (position n - 1) is not doubled: double parity n % 2.
            if group_end
                && n >= 13
                && (groups == 1 || widest <= MAX_CARD_GROUP)
                && (2..=6).contains(&first)
                && sums[n % 2].is_multiple_of(10)
                && !(j < b.len() && is_alnum(b[j]))
            {
                best = Some(j);
            }
        } else if n > 0 && is_sep(b, j) {
            j += 1;
            groups += 1;
            group = 0;
        } else {
            break;
        }
    }
    best
}

/// The end of an SSN starting at `i`: `ddd-dd-dddd` or `ddd dd dddd`, area not `000`,
/// `666` or `9xx`, group not `00`, serial not `0000`, and not part of a longer number:
/// no letter or digit directly before or after, and no digit group joined to it by the
/// same separator (`1-123-45-6789`, `123-45-6789-0`). Looks at 14 bytes at most.
fn ssn_at(b: &[u8], i: usize) -> Option<usize> {
    let w = b.get(i..i + 11)?;
    let sep = w[3];
    let digits = |from: usize, to: usize| w[from..to].iter().all(u8::is_ascii_digit);
    if !matches!(sep, b'-' | b' ') || w[6] != sep || !(digits(0, 3) && digits(4, 6) && digits(7, 11)) {
        return None;
    }
    if &w[..3] == b"000" || &w[..3] == b"666" || w[0] == b'9' || &w[4..6] == b"00" || &w[7..] == b"0000" {
        return None;
    }
    let end = i + 11;
    let joined = |j: usize, k: usize| b[j] == sep && b.get(k).is_some_and(u8::is_ascii_digit);
    let clear_before = i == 0 || !(is_alnum(b[i - 1]) || i >= 2 && joined(i - 1, i - 2));
    let clear_after = end == b.len() || !(is_alnum(b[end]) || joined(end, end + 1));
    (clear_before && clear_after).then_some(end)
}

/// 13–19 digits, a major network's first digit (2–6), Luhn-valid.
fn is_card(digits: &[u8]) -> bool {
    if !(13..=19).contains(&digits.len()) || !(2..=6).contains(&digits[0]) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(k, &d)| {
            let d = u32::from(d);
            match (k % 2, d * 2) {
                (1, x) if x > 9 => x - 9,
                (1, x) => x,
                _ => d,
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// An integer attribute that is a card number.
pub(crate) fn is_card_int(n: i64) -> bool {
    if n < 1_000_000_000_000 {
        return false;
    }
    let (mut digits, mut len, mut rest) = ([0u8; 19], 0, n.unsigned_abs());
    while rest > 0 && len < digits.len() {
        digits[len] = (rest % 10) as u8;
        rest /= 10;
        len += 1;
    }
    digits[..len].reverse();
    is_card(&digits[..len])
}

/// `eyJ…` `.` `…` `.` `…` (the signature may be empty: unsecured JWTs).
fn jwt_at(b: &[u8], i: usize) -> Option<(usize, usize, Scrub)> {
    if !b[i..].starts_with(b"eyJ") {
        return None;
    }
    let seg1 = run_end(b, i, is_b64url);
    if seg1 >= b.len() || b[seg1] != b'.' {
        return None;
    }
    let seg2 = run_end(b, seg1 + 1, is_b64url);
    if seg2 == seg1 + 1 || seg2 >= b.len() || b[seg2] != b'.' {
        return None;
    }
    let seg3 = run_end(b, seg2 + 1, is_b64url);
    Some((i, seg3, Scrub::Jwt))
}

/// `Bearer <token>`: token characters of RFC 6750 (`A-Za-z0-9-._~+/`, then `=`s).
fn bearer_at(b: &[u8], i: usize) -> Option<(usize, usize, Scrub)> {
    let scheme = b.get(i..i + 6)?;
    if !scheme.eq_ignore_ascii_case(b"bearer") {
        return None;
    }
    let token = run_end(b, i + 6, |c| c == b' ' || c == b'\t');
    if token == i + 6 {
        return None;
    }
    let is_token = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~' | b'+' | b'/');
    let mut end = run_end(b, token, is_token);
    let letters_only = b[token..end].iter().all(u8::is_ascii_alphabetic);
    end = run_end(b, end, |c| c == b'=');
    if end == token || (letters_only && end - token < 16) {
        return None;
    }
    Some((i, end, Scrub::Bearer))
}
