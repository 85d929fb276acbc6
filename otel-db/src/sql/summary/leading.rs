//! The first keyword(s) of a statement: its operation, and the target that follows
//! it (`INSERT INTO t`, `UPDATE t`, `CREATE TABLE t`, `CALL p`).

use super::super::keywords::{Upper, is_create_modifier, object_kind, plain_operation};
use super::super::lexer::Kind;
use super::parser::Parser;
use super::statement::Statement;

impl<'a> Parser<'a, '_> {
    /// The statement's first keyword(s): the operation, and the target that follows it.
    pub(super) fn leading(&mut self, statement: &mut Statement<'a>) {
        let Some(first) = self.peek() else { return };
        if first.kind != Kind::Word {
            return;
        }
        let word = Upper::new(first.text(self.sql));
        self.i += 1;
        match word.bytes() {
            b"SELECT" => statement.operation("SELECT"),
            b"WITH" => {
                self.ctes(statement);
                self.leading(statement);
            }
            b"EXPLAIN" => {
                statement.operation("EXPLAIN");
                self.eat_words(&["ANALYZE", "ANALYSE", "VERBOSE", "QUERY", "PLAN", "FORMAT"]);
                self.skip_parens();
                self.leading(statement);
            }
            verb @ (b"INSERT" | b"REPLACE" | b"UPSERT") => {
                statement.operation(match verb {
                    b"INSERT" => "INSERT",
                    b"REPLACE" => "REPLACE",
                    _ => "UPSERT",
                });
                self.eat_words(&["LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE"]);
                if self.eat_word("OR") {
                    self.i += 1;
                }
                self.eat_word("INTO");
                self.target(statement, true);
            }
            b"UPDATE" => {
                statement.operation("UPDATE");
                self.eat_words(&["LOW_PRIORITY", "IGNORE"]);
                if self.eat_word("OR") {
                    self.i += 1;
                }
                self.target_list(statement);
            }
            b"DELETE" => {
                statement.operation("DELETE");
                self.eat_words(&["LOW_PRIORITY", "QUICK", "IGNORE"]);
            }
            b"MERGE" => {
                statement.operation("MERGE");
                self.eat_word("INTO");
                if self.target(statement, false) {
                    self.alias();
                }
            }
            b"CREATE" => self.ddl(statement, "CREATE"),
            b"DROP" => self.ddl(statement, "DROP"),
            b"ALTER" => self.ddl(statement, "ALTER"),
            b"TRUNCATE" => {
                statement.operation("TRUNCATE");
                self.eat_word("TABLE");
                self.target_list(statement);
            }
            b"CALL" => {
                statement.operation("CALL");
                if let Some(name) = self.name() {
                    statement.target(name);
                    statement.procedure = Some(name);
                }
            }
            b"START" => {
                let op = if self.eat_word("TRANSACTION") {
                    "START TRANSACTION"
                } else {
                    "START"
                };
                statement.operation(op);
            }
            b"LOCK" => {
                statement.operation("LOCK");
                // PostgreSQL: LOCK [TABLE] t; MySQL: LOCK TABLES t READ.
                if !self.eat_word("TABLES") {
                    self.eat_word("TABLE");
                }
                self.target_list(statement);
            }
            b"COPY" => {
                statement.operation("COPY");
                if self.target(statement, true) {
                    // FROM / TO name a file or STDIN, not a table.
                    self.skip_to_semicolon();
                }
            }
            b"TABLE" => {
                // PostgreSQL's `TABLE t` is `SELECT * FROM t`.
                statement.operation("SELECT");
                self.target(statement, false);
            }
            _ => {
                if let Some(op) = plain_operation(&word) {
                    statement.operation(op);
                }
                // An unknown leading word is not recorded: it might be anything.
            }
        }
    }

    /// CREATE / DROP / ALTER [modifiers] KIND [IF [NOT] EXISTS] [CONCURRENTLY] name [, name]
    fn ddl(&mut self, statement: &mut Statement<'a>, verb: &'static str) {
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
        let Some(kind) = self
            .peek()
            .filter(|t| t.kind == Kind::Word)
            .and_then(|t| object_kind(t.text(self.sql)))
        else {
            statement.operation(verb);
            return;
        };
        self.i += 1;
        statement.operation(format!("{verb} {kind}"));
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
            if !self.peek_punct(b',') || verb != "DROP" {
                return;
            }
            self.i += 1;
        }
    }
}
