//! The query-text sanitiser: every literal becomes `?`, lists of literals in `IN (...)`
//! collapse to `IN (?)`, and comments are dropped (they may carry values or trace ids).
//! Identifiers, keywords, placeholders and whitespace are kept as written.

use super::SqlDialect;
use super::lexer::{Kind, Lexer, Token};

/// `sql` with its literals replaced by `?`.
pub(crate) fn sanitize(sql: &str, dialect: SqlDialect) -> String {
    let tokens: Vec<Token> = Lexer::new(sql, dialect).collect();
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    while let Some(&t) = tokens.get(i) {
        i += 1;
        match t.kind {
            Kind::String | Kind::Number => out.push('?'),
            Kind::Comment => {
                if !out.is_empty() && !out.ends_with(|c: char| c.is_ascii_whitespace()) {
                    out.push(' ');
                }
            }
            Kind::Word if is_boolean(t.text(sql)) => out.push('?'),
            Kind::Word if t.text(sql).eq_ignore_ascii_case("IN") => {
                out.push_str(t.text(sql));
                if let Some(end) = literal_list_end(sql, &tokens, i) {
                    out.push_str(" (?)");
                    i = end;
                }
            }
            _ => out.push_str(t.text(sql)),
        }
    }
    out
}

fn is_boolean(word: &str) -> bool {
    word.eq_ignore_ascii_case("TRUE") || word.eq_ignore_ascii_case("FALSE")
}

/// If the tokens from `from` are `(literal, literal, ...)` (spaces and comments
/// allowed), the index just past the `)`.
fn literal_list_end(sql: &str, tokens: &[Token], from: usize) -> Option<usize> {
    let mut i = from;
    let mut significant = tokens[from.min(tokens.len())..]
        .iter()
        .inspect(|_| i += 1)
        .filter(|t| !matches!(t.kind, Kind::Space | Kind::Comment));
    if significant.next()?.punct(sql) != Some(b'(') {
        return None;
    }
    let mut expect_value = true;
    for t in significant {
        let value = matches!(t.kind, Kind::String | Kind::Number | Kind::Placeholder)
            || (t.kind == Kind::Word
                && (is_boolean(t.text(sql)) || t.text(sql).eq_ignore_ascii_case("NULL")));
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
