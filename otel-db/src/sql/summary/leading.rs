//! The first keyword(s) of a statement: its operation, and the target that follows
//! it (`INSERT INTO t`, `UPDATE t`, `CREATE TABLE t`, `CALL p`). Operations are
//! recorded as written: the conventions ask for no case normalisation.

use std::borrow::Cow;

use super::super::keywords::{Upper, is_create_modifier, is_plain_operation, object_kind};
use super::super::lexer::{Kind, Token};
use super::parser::Parser;
use super::statement::Statement;

impl<'a> Parser<'a, '_> {
    /// The statement's first keyword(s): the operation, and the target that follows it.
    pub(super) fn leading(&mut self, statement: &mut Statement<'a>) {
        let Some(first) = self.peek() else { return };
        if first.kind != Kind::Word {
            return;
        }
        let written = first.text(self.sql);
        let word = Upper::new(written);
        self.i += 1;
        match word.bytes() {
            b"SELECT" => statement.operation(written),
            b"WITH" => {
                self.ctes(statement);
                self.leading(statement);
            }
            b"EXPLAIN" => {
                statement.operation(written);
                self.eat_words(&["ANALYZE", "ANALYSE", "VERBOSE", "QUERY", "PLAN", "FORMAT"]);
                self.skip_parens();
                self.leading(statement);
            }
            b"INSERT" | b"REPLACE" | b"UPSERT" => {
                statement.operation(written);
                self.eat_words(&["LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE"]);
                if self.eat_word("OR") {
                    self.i += 1;
                }
                self.eat_word("INTO");
                self.target(statement, true);
            }
            b"UPDATE" => {
                statement.operation(written);
                self.eat_words(&["LOW_PRIORITY", "IGNORE"]);
                if self.eat_word("OR") {
                    self.i += 1;
                }
                self.target_list(statement);
            }
            b"DELETE" => {
                statement.operation(written);
                self.eat_words(&["LOW_PRIORITY", "QUICK", "IGNORE"]);
            }
            b"MERGE" => {
                statement.operation(written);
                self.eat_word("INTO");
                if self.target(statement, false) {
                    self.alias();
                }
            }
            b"CREATE" | b"DROP" | b"ALTER" => self.ddl(statement, first),
            b"TRUNCATE" => {
                statement.operation(written);
                self.eat_word("TABLE");
                self.target_list(statement);
            }
            b"CALL" => {
                statement.operation(written);
                if let Some(name) = self.name() {
                    statement.target(name);
                    statement.procedure = Some(name);
                }
            }
            b"START" => {
                let op = match self.peek().filter(|t| t.is_word(self.sql, "TRANSACTION")) {
                    Some(second) => {
                        self.i += 1;
                        self.words(first, second)
                    }
                    None => Cow::Borrowed(written),
                };
                statement.operation(op);
            }
            b"LOCK" => {
                statement.operation(written);
                // PostgreSQL: LOCK [TABLE] t; MySQL: LOCK TABLES t READ.
                if !self.eat_word("TABLES") {
                    self.eat_word("TABLE");
                }
                self.target_list(statement);
            }
            b"COPY" => {
                statement.operation(written);
                if self.target(statement, true) {
                    // FROM / TO name a file or STDIN, not a table.
                    self.skip_to_semicolon();
                }
            }
            b"TABLE" => {
                // PostgreSQL's `TABLE t` (`SELECT * FROM t`), under its own keyword.
                statement.operation(written);
                self.target(statement, false);
            }
            _ => {
                if is_plain_operation(&word) {
                    statement.operation(written);
                }
                // An unknown leading word is not recorded: it might be anything.
            }
        }
    }

    /// The operation `first second` as written, with one space between the words: the
    /// text itself when it has exactly that space, so that no copy is made.
    fn words(&self, first: Token, second: Token) -> Cow<'a, str> {
        let (a, b) = (first.text(self.sql), second.text(self.sql));
        match self.sql.get(first.start..second.end) {
            Some(both)
                if both.len() == a.len() + 1 + b.len() && both.as_bytes().get(a.len()) == Some(&b' ') =>
            {
                Cow::Borrowed(both)
            }
            _ => Cow::Owned(format!("{a} {b}")),
        }
    }

    /// CREATE / DROP / ALTER [modifiers] KIND [IF [NOT] EXISTS] [CONCURRENTLY] name [, name]
    fn ddl(&mut self, statement: &mut Statement<'a>, verb: Token) {
        // DEFINER = user@host and ALGORITHM = x carry an `=` and a value.
        loop {
            self.eat_while(is_create_modifier);
            if self.peek_punct(b'=') {
                self.i += 2;
                while self.peek_punct(b'@') {
                    self.i += 2;
                }
            } else {
                break;
            }
        }
        let Some((kind_token, kind)) = self
            .peek()
            .filter(|t| t.kind == Kind::Word)
            .and_then(|t| Some((t, object_kind(t.text(self.sql))?)))
        else {
            statement.operation(verb.text(self.sql));
            return;
        };
        self.i += 1;
        statement.operation(self.words(verb, kind_token));
        self.eat_words(&["IF", "NOT", "EXISTS", "CONCURRENTLY", "ONLY"]);
        if kind == "INDEX" {
            if let Some(n) = self.name() {
                statement.target(n);
            }
            if self.eat_word("ON") {
                self.target(statement, true);
            }
            return;
        }
        if kind == "FUNCTION" || kind == "PROCEDURE" {
            // Any word names a function, reserved or not (`add`, `replace`).
            if let Some(t) = self
                .peek()
                .filter(|t| matches!(t.kind, Kind::Word | Kind::QuotedIdent))
            {
                self.i += 1;
                statement.target(t.text(self.sql));
            }
            // Skip the signature and body: a function body is not this statement's work.
            self.skip_to_semicolon();
            return;
        }
        loop {
            if !self.target(statement, true) {
                return;
            }
            if !self.peek_punct(b',') || !verb.is_word(self.sql, "DROP") {
                return;
            }
            self.i += 1;
        }
    }
}
