//! SQLite's double-quoted string literals. SQLite reads `"text"` as an identifier when
//! it names a column, and as a string literal when it does not (its "double-quoted
//! string literal" misfeature, on by default), so `WHERE name = "alice"` compares with
//! the string `alice`. The text alone cannot tell which one a token is: the rule here
//! takes the safe side by position.
//!
//! - Where a value goes, a double-quoted token is a literal: after a comparison or
//!   arithmetic operator, after `LIKE`, `GLOB`, `REGEXP`, `MATCH`, `IS [NOT]`,
//!   `BETWEEN ... AND`, `ESCAPE`, `WHEN`, `THEN`, `ELSE`, `DEFAULT`, as an item of a
//!   `VALUES (...)` tuple, an `IN (...)` list or the arguments of a function called in
//!   such a position, and as an item of a `SELECT` list that is given an alias
//!   (`SELECT "text" AS k`). A column named there is replaced too, which hides a name
//!   but never leaks a value.
//! - Before an operator or `LIKE`, `GLOB`, `REGEXP`, `MATCH`, `IS`, `BETWEEN`, `IN`,
//!   `NOT` (`WHERE "x@y.com" = email`), it is a literal unless its text reads as a
//!   name (ASCII letters, digits, `_` and `$`, not starting with a digit): ORMs quote
//!   every column they compare (`"status" IN (...)`), and those names stay.
//! - Everywhere else it is an identifier and kept: `SELECT "id" FROM "orders"`, column
//!   lists, the columns a `SET` assigns, `AS "alias"`, `ORDER BY "x"`, and a qualified
//!   name (`"t"."id"`, next to a `.`) wherever it stands.

use super::lexer::{Kind, Token};

/// The indices (ascending) of the double-quoted tokens of `tokens` that stand where a
/// value goes. Empty, without a pass, when the text has no `"`.
pub(crate) fn literals(sql: &str, tokens: &[Token]) -> Vec<usize> {
    if !sql.as_bytes().contains(&b'"') {
        return Vec::new();
    }
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| tokens[i].kind != Kind::Comment)
        .collect();
    let mut found = Vec::new();
    // For each open parenthesis: whether its items are values.
    let mut parens: Vec<bool> = Vec::new();
    // Whether the previous significant token stood where a value goes.
    let mut prev_value = false;
    // A `)` that closed a list of values, for `VALUES (...), (...)`.
    let mut closed_values = false;
    // Inside `BETWEEN x AND y`, before its `AND`; and whether the previous token was
    // that `AND`.
    let mut between = false;
    let mut between_and = false;
    // Inside a `SELECT` list (up to its `FROM`), and inside an `UPDATE`'s `SET` list
    // (up to its `WHERE`, `FROM` or `RETURNING`), at parenthesis depth `depth`.
    let mut select_list = None;
    let mut set_list = None;
    for (n, &i) in significant.iter().enumerate() {
        let t = tokens[i];
        let prev = n.checked_sub(1).map(|p| tokens[significant[p]]);
        let before_prev = n.checked_sub(2).map(|p| tokens[significant[p]]);
        let next = significant.get(n + 1).map(|&j| tokens[j]);
        let value = prev.is_some_and(|p| {
            value_follows(sql, p, before_prev, between_and)
                || (matches!(p.punct(sql), Some(b'(' | b',')) && parens.last() == Some(&true))
        });
        let depth = parens.len();
        // The column a `SET` assigns: first in the list or after one of its commas.
        let assigned = set_list == Some(depth)
            && prev.is_some_and(|p| p.is_word(sql, "SET") || p.punct(sql) == Some(b','));
        let operand = !assigned && next.is_some_and(|x| operand_of(sql, x)) && !reads_as_name(t.text(sql));
        let aliased = select_list == Some(depth) && next.is_some_and(|x| x.is_word(sql, "AS"));
        if t.kind == Kind::QuotedIdent
            && (value || operand || aliased)
            && sql.as_bytes().get(t.start) == Some(&b'"')
            && next.and_then(|x| x.punct(sql)) != Some(b'.')
            && prev.and_then(|p| p.punct(sql)) != Some(b'.')
        {
            found.push(i);
        }
        if t.is_word(sql, "SELECT") {
            select_list = Some(depth);
        } else if t.is_word(sql, "FROM") && select_list == Some(depth) {
            select_list = None;
        }
        if t.is_word(sql, "SET") {
            set_list = Some(depth);
        } else if set_list == Some(depth)
            && (t.is_word(sql, "WHERE") || t.is_word(sql, "FROM") || t.is_word(sql, "RETURNING"))
        {
            set_list = None;
        }
        between_and = between && t.is_word(sql, "AND");
        if t.is_word(sql, "BETWEEN") {
            between = true;
        } else if between_and {
            between = false;
        }
        match t.punct(sql) {
            Some(b'(') => {
                let subquery = next.is_some_and(|x| {
                    x.is_word(sql, "SELECT") || x.is_word(sql, "WITH") || x.is_word(sql, "VALUES")
                });
                let list = !subquery
                    && (value
                        || prev.is_some_and(|p| {
                            p.is_word(sql, "VALUES")
                                || p.is_word(sql, "IN")
                                || (p.kind == Kind::Word && prev_value)
                                || (p.punct(sql) == Some(b',') && closed_values)
                        }));
                parens.push(list);
                closed_values = false;
            }
            Some(b')') => closed_values = parens.pop().unwrap_or(false),
            Some(b',') => {}
            _ => closed_values = false,
        }
        prev_value = value;
    }
    found
}

/// Whether a double-quoted token's text (quotes included) is a plain name.
fn reads_as_name(quoted: &str) -> bool {
    let inner = quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or_default();
    inner
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && inner
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
}

/// Whether the token before `x` is an operand of it: `x` is a comparison or arithmetic
/// operator, or a word that compares what stands before it.
fn operand_of(sql: &str, x: Token) -> bool {
    match x.kind {
        Kind::Punct => matches!(
            x.punct(sql),
            Some(b'=' | b'<' | b'>' | b'!' | b'+' | b'-' | b'*' | b'/' | b'%' | b'|' | b'&' | b'~')
        ),
        Kind::Word => ["LIKE", "GLOB", "REGEXP", "MATCH", "IS", "BETWEEN", "IN", "NOT"]
            .iter()
            .any(|k| x.is_word(sql, k)),
        _ => false,
    }
}

/// Whether a value follows the token `p` (`before` is the one before it).
/// `between_and`: `p` is the `AND` of a `BETWEEN`.
fn value_follows(sql: &str, p: Token, before: Option<Token>, between_and: bool) -> bool {
    match p.kind {
        Kind::Punct => matches!(
            p.punct(sql),
            Some(b'=' | b'<' | b'>' | b'!' | b'+' | b'-' | b'*' | b'/' | b'%' | b'|' | b'&' | b'~')
        ),
        Kind::Word => {
            [
                "LIKE", "GLOB", "REGEXP", "MATCH", "IS", "BETWEEN", "ESCAPE", "WHEN", "THEN", "ELSE",
                "DEFAULT",
            ]
            .iter()
            .any(|k| p.is_word(sql, k))
                || between_and
                || (p.is_word(sql, "NOT") && before.is_some_and(|b| b.is_word(sql, "IS")))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::SqlDialect;
    use super::super::lexer::tokens;
    use super::*;

    /// The texts of the tokens found.
    fn found(sql: &str) -> Vec<&str> {
        let tokens = tokens(sql, SqlDialect::Sqlite);
        literals(sql, &tokens)
            .iter()
            .map(|&i| tokens[i].text(sql))
            .collect()
    }

    #[test]
    fn values_are_literals() {
        assert_eq!(
            found(r#"SELECT * FROM users WHERE name = "alice""#),
            [r#""alice""#]
        );
        assert_eq!(
            found(r#"INSERT INTO "t" ("a", "b") VALUES ("x", "y"), ("z", 1)"#),
            [r#""x""#, r#""y""#, r#""z""#]
        );
        assert_eq!(
            found(r#"SELECT "id" FROM t WHERE "n" IN ("a", "b") OR "n" LIKE "c%" ESCAPE "\""#),
            [r#""a""#, r#""b""#, r#""c%""#, r#""\""#]
        );
        assert_eq!(
            found(r#"SELECT 1 WHERE a BETWEEN "a" AND "b" AND c IS NOT "d" AND e = lower("E", "F")"#),
            [r#""a""#, r#""b""#, r#""d""#, r#""E""#, r#""F""#]
        );
        assert_eq!(
            found(r#"UPDATE t SET "a" = "v", b = b || "w" WHERE CASE WHEN x THEN "y" ELSE "z" END"#),
            [r#""v""#, r#""w""#, r#""y""#, r#""z""#]
        );
        assert_eq!(found(r#"SELECT 1 WHERE a = /* c */ "v""#), [r#""v""#]);
    }

    #[test]
    fn literals_left_of_an_operator_and_aliased_in_a_select_list_are_literals() {
        assert_eq!(
            found(r#"SELECT * FROM u WHERE "x@y.com" = email"#),
            [r#""x@y.com""#]
        );
        assert_eq!(found(r#"SELECT "secret" AS k"#), [r#""secret""#]);
        assert_eq!(
            found(r#"SELECT a, "s1" AS k, (SELECT "s2" AS j FROM t) FROM "t" AS "x""#),
            [r#""s1""#, r#""s2""#]
        );
        assert_eq!(
            found(r#"SELECT CASE WHEN "v" > 1 THEN "literal" END FROM t"#),
            [r#""v""#, r#""literal""#]
        );
        assert_eq!(
            found(r#"SELECT 1 WHERE "a b" NOT LIKE b AND "1x" IN (c) AND "ok" = 1"#),
            [r#""a b""#, r#""1x""#]
        );
        // The columns a SET assigns are names; what they are set to is not.
        assert_eq!(
            found(r#"UPDATE t SET "a-b" = "v", "b" = 2 WHERE "c" = 1 RETURNING "a""#),
            [r#""v""#]
        );
    }

    #[test]
    fn identifiers_are_kept() {
        for sql in [
            r#"SELECT "id", "name" FROM "orders" AS "o" ORDER BY "id""#,
            r#"SELECT * FROM a JOIN b ON a."id" = "b"."id""#,
            r#"INSERT INTO "t" ("a", "b") SELECT "a", "b" FROM "u""#,
            r#"SELECT 1 WHERE x IN (SELECT "id" FROM "t")"#,
            r#"CREATE TABLE "t" ("a" TEXT, "b" INT)"#,
            "SELECT [id], `name` FROM t WHERE x = `y`",
            r#"SELECT count("id") FROM t"#,
            r#"SELECT "t"."id" AS "i" FROM t WHERE t."a" = b."c""#,
        ] {
            assert_eq!(found(sql), Vec::<&str>::new(), "{sql}");
        }
    }
}
