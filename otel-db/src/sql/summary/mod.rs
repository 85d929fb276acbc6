//! The query summariser: operation keywords and the names of the tables they touch, in
//! the order and case the text gives them (`SELECT users`, `INSERT orders SELECT
//! carts`, `select Users`), as the database conventions' "Generating a summary of the
//! query" describes.
//!
//! - `parser`: the walk over the tokens, statement by statement, and the clauses that
//!   name tables;
//! - `leading`: a statement's leading keywords (its operation);
//! - `statement`: what each statement contributed, and the resulting [`QueryInfo`].

mod leading;
mod parser;
mod statement;

use std::borrow::Cow;

use super::QueryInfo;
use super::lexer::{Kind, Token};

/// Analyses `sql`, whose tokens are `tokens`: summary, batch size, procedure.
pub(crate) fn analyze(sql: &str, tokens: &[Token]) -> QueryInfo {
    let significant: Cow<'_, [Token]> = if tokens.iter().any(|t| t.kind == Kind::Comment) {
        Cow::Owned(
            tokens
                .iter()
                .filter(|t| t.kind != Kind::Comment)
                .copied()
                .collect(),
        )
    } else {
        Cow::Borrowed(tokens)
    };
    statement::query_info(&parser::Parser::new(sql, &significant).statements())
}
