//! A server's error message without its values, keeping the names of the objects it
//! is about: `relation "issue_delivery_queue" does not exist` stays whole, while
//! `invalid input syntax for type integer: "hunter2"` loses the bound value.

use crate::sql;

/// Words after which a quoted token names a database object (PostgreSQL quotes names
/// in double quotes, MySQL and MariaDB in single ones): `relation "orders"`, `column
/// "email" of relation "users"`, `constraint "users_email_key"`, `Table 'shop.orders'`,
/// `for key 'users.email'`, `Field 'id'`.
const NAMING_WORDS: &[&str] = &[
    "collation",
    "column",
    "constraint",
    "cursor",
    "database",
    "domain",
    "extension",
    "field",
    "function",
    "index",
    "key",
    "portal",
    "reference",
    "relation",
    "savepoint",
    "schema",
    "sequence",
    "statement",
    "table",
    "tablespace",
    "trigger",
    "type",
    "view",
];

/// `message` with every quoted or numeric value replaced by `?`, and the quoted names
/// of objects kept. A quoted token is a name only right after one of
/// [`NAMING_WORDS`] (MySQL's clause names, `in 'field list'`, are kept too); anything
/// else in quotes, a value after a colon included, is a value, which is the safe side.
pub(crate) fn message_without_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    loop {
        let Some(open) = next_quote(rest, 0) else {
            out.push_str(&sql::sanitize(rest, sql::SqlDialect::MySql));
            return out;
        };
        let quote = rest.as_bytes()[open];
        out.push_str(&sql::sanitize(&rest[..open], sql::SqlDialect::MySql));
        if apostrophe(rest, open) {
            // `doesn't`: English, not a quote.
            out.push('\'');
            rest = &rest[open + 1..];
            continue;
        }
        let Some(close) = closing(rest, open + 1, quote) else {
            // Unterminated: the rest is a value.
            out.push('?');
            return out;
        };
        let quoted = &rest[open + 1..close];
        if names_an_object(&rest[..open], quoted) {
            out.push_str(&rest[open..=close]);
        } else {
            out.push('?');
        }
        rest = &rest[close + 1..];
    }
}

/// The next `"` or `'` in `text` from `from`.
fn next_quote(text: &str, from: usize) -> Option<usize> {
    text[from..].find(['"', '\'']).map(|i| from + i)
}

/// The quote that ends a token opened before `from`: the next `quote` that is not an
/// apostrophe inside a word.
fn closing(text: &str, from: usize, quote: u8) -> Option<usize> {
    let mut at = from;
    loop {
        let found = at + text[at..].find(char::from(quote))?;
        if !apostrophe(text, found) {
            return Some(found);
        }
        at = found + 1;
    }
}

/// Whether the `'` at `at` is an apostrophe between letters (`doesn't`).
fn apostrophe(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    bytes[at] == b'\''
        && at > 0
        && bytes[at - 1].is_ascii_alphanumeric()
        && bytes.get(at + 1).is_some_and(u8::is_ascii_alphabetic)
}

/// Whether the token `quoted`, which follows `before`, is an object's name.
fn names_an_object(before: &str, quoted: &str) -> bool {
    let before = before.trim_end();
    let word = before
        .rsplit(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or_default();
    // The word must end right before the quote (`type integer: "x"` ends in a colon).
    if word.is_empty() || !before.ends_with(word) {
        return false;
    }
    let word = word.to_ascii_lowercase();
    NAMING_WORDS.contains(&word.as_str()) || (word == "in" && is_clause_name(quoted))
}

/// MySQL's names for a statement's parts: `in 'field list'`, `in 'where clause'`.
fn is_clause_name(quoted: &str) -> bool {
    let words: Vec<&str> = quoted.split(' ').collect();
    words.len() == 2
        && words[0].bytes().all(|b| b.is_ascii_lowercase())
        && matches!(words[1], "list" | "clause" | "statement")
}

#[cfg(test)]
mod tests {
    use super::message_without_values;

    #[test]
    fn values_go_and_names_stay_in_either_quote() {
        for (message, expected) in [
            (
                r#"invalid input syntax for type integer: "hunter2""#,
                "invalid input syntax for type integer: ?",
            ),
            (
                r#"relation "issue_delivery_queue" does not exist"#,
                r#"relation "issue_delivery_queue" does not exist"#,
            ),
            (
                r#"null value in column "email" of relation "users" violates not-null constraint"#,
                r#"null value in column "email" of relation "users" violates not-null constraint"#,
            ),
            (
                r#"duplicate key value violates unique constraint "users_email_key""#,
                r#"duplicate key value violates unique constraint "users_email_key""#,
            ),
            (
                r#"syntax error at or near "'s3cret'""#,
                "syntax error at or near ?",
            ),
            (
                r#"invalid input value for enum mood: "happy""#,
                "invalid input value for enum mood: ?",
            ),
            (
                "Duplicate entry 'a@example.com' for key 'users.email'",
                "Duplicate entry ? for key 'users.email'",
            ),
            (
                "Table 'test.missing' doesn't exist",
                "Table 'test.missing' doesn't exist",
            ),
            (
                "Unknown column 'nope' in 'field list'",
                "Unknown column 'nope' in 'field list'",
            ),
            (
                "Incorrect integer value: 'abc' for column 'n' at row 1",
                "Incorrect integer value: ? for column 'n' at row ?",
            ),
            ("no such thing in 'secret value'", "no such thing in ?"),
            (
                "UNIQUE constraint failed: orders.idempotency_key",
                "UNIQUE constraint failed: orders.idempotency_key",
            ),
            (r#"unterminated "value"#, "unterminated ?"),
        ] {
            assert_eq!(message_without_values(message), expected, "{message}");
        }
    }
}
