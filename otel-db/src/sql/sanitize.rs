//! The query-text sanitiser: every literal becomes `?`, lists of literals in `IN (...)`
//! collapse to `IN (?)`, and comments are dropped (they may carry values or trace ids).
//! Identifiers, keywords, placeholders and whitespace are kept as written: the text
//! between the tokens that change is copied in one piece. In SQLite a double-quoted
//! token where a value goes is a string literal too ([`double_quoted`](super::double_quoted)).

use super::SqlDialect;
use super::double_quoted;
use super::lexer::{Kind, Token};

/// `sql`, whose tokens are `tokens`, with its literals replaced by `?`.
pub(crate) fn sanitize(sql: &str, tokens: &[Token], dialect: SqlDialect) -> String {
    // Ascending token indices; empty for the other dialects and for texts without `"`.
    let quoted_literals = match dialect {
        SqlDialect::Sqlite => double_quoted::literals(sql, tokens),
        _ => Vec::new(),
    };
    let is_quoted_literal = |i: usize| quoted_literals.binary_search(&i).is_ok();
    let mut out = Output {
        sql,
        text: String::with_capacity(sql.len()),
        copied: 0,
    };
    let mut i = 0;
    while let Some(&t) = tokens.get(i) {
        i += 1;
        match t.kind {
            Kind::String | Kind::Number => out.replace(t.start, t.end, "?"),
            Kind::QuotedIdent if is_quoted_literal(i - 1) => out.replace(t.start, t.end, "?"),
            // Only a word of two, four or five letters is read: `IN`, `TRUE`, `FALSE`.
            Kind::Word if matches!(t.end - t.start, 4 | 5) && is_boolean(t.bytes(sql)) => {
                out.replace(t.start, t.end, "?");
            }
            Kind::Word if t.end - t.start == 2 && t.bytes(sql).eq_ignore_ascii_case(b"IN") => {
                if let Some(end) = literal_list_end(sql, tokens, i, is_quoted_literal) {
                    let close = tokens.get(end - 1).map_or(t.end, |close| close.end);
                    out.replace(t.end, close, " (?)");
                    i = end;
                }
            }
            Kind::Comment => {
                out.copy_to(t.start);
                if !out.text.is_empty() && !out.text.ends_with(|c: char| c.is_ascii_whitespace()) {
                    out.text.push(' ');
                }
                out.copied = t.end;
            }
            _ => {}
        }
    }
    out.copy_to(sql.len());
    out.text
}

/// The sanitised text so far: `sql[..copied]`, rewritten.
struct Output<'a> {
    sql: &'a str,
    text: String,
    copied: usize,
}

impl Output<'_> {
    /// Copies the text up to `to` as written.
    fn copy_to(&mut self, to: usize) {
        self.text
            .push_str(self.sql.get(self.copied..to).unwrap_or_default());
        self.copied = self.copied.max(to);
    }

    /// Writes `with` in place of `sql[start..end]`.
    fn replace(&mut self, start: usize, end: usize, with: &str) {
        self.copy_to(start);
        self.text.push_str(with);
        self.copied = end;
    }
}

#[inline]
fn is_boolean(word: &[u8]) -> bool {
    // Most words differ in length or first letter: two compares, no loop.
    match word {
        [b't' | b'T', ..] => word.eq_ignore_ascii_case(b"TRUE"),
        [b'f' | b'F', ..] => word.eq_ignore_ascii_case(b"FALSE"),
        _ => false,
    }
}

/// If the tokens from `from` are `(literal, literal, ...)` (comments allowed), the
/// index just past the `)`. `quoted_literal` tells the double-quoted literals by index.
fn literal_list_end(
    sql: &str,
    tokens: &[Token],
    from: usize,
    quoted_literal: impl Fn(usize) -> bool,
) -> Option<usize> {
    // Each significant token with the index just past it.
    let mut significant = tokens
        .get(from..)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(k, t)| (from + k + 1, t))
        .filter(|(_, t)| t.kind != Kind::Comment);
    if significant.next()?.1.punct(sql) != Some(b'(') {
        return None;
    }
    let mut expect_value = true;
    for (i, t) in significant {
        let value = matches!(t.kind, Kind::String | Kind::Number | Kind::Placeholder)
            || (t.kind == Kind::QuotedIdent && quoted_literal(i - 1))
            || (t.kind == Kind::Word
                && (is_boolean(t.bytes(sql)) || t.bytes(sql).eq_ignore_ascii_case(b"NULL")));
        match (expect_value, t.punct(sql)) {
            (true, _) if value => expect_value = false,
            // A sign before a number.
            (true, Some(b'-' | b'+')) => {}
            (false, Some(b',')) => expect_value = true,
            (false, Some(b')')) => return Some(i),
            _ => return None,
        }
    }
    None
}
