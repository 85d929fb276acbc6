//! The walk over a text's significant tokens: one [`Statement`] per `;`, with the
//! tables each clause names (FROM, JOIN, INTO, USING), CTE names left out.

use super::super::keywords::{Upper, is_one_of, is_reserved};
use super::super::lexer::{Kind, Token};
use super::statement::Statement;

/// Walks the significant tokens (no comments) of a text.
pub(super) struct Parser<'a, 't> {
    pub(super) sql: &'a str,
    tokens: &'t [Token],
    pub(super) i: usize,
    ctes: Vec<&'a str>,
}

impl<'a, 't> Parser<'a, 't> {
    pub(super) fn new(sql: &'a str, tokens: &'t [Token]) -> Self {
        Self {
            sql,
            tokens,
            i: 0,
            ctes: Vec::new(),
        }
    }

    pub(super) fn peek(&self) -> Option<Token> {
        self.tokens.get(self.i).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<Token> {
        self.tokens.get(self.i + offset).copied()
    }

    fn peek_word(&self, keyword: &str) -> bool {
        self.peek().is_some_and(|t| t.is_word(self.sql, keyword))
    }

    pub(super) fn peek_punct(&self, c: u8) -> bool {
        self.peek().and_then(|t| t.punct(self.sql)) == Some(c)
    }

    /// Consumes the word `keyword` if it is next.
    pub(super) fn eat_word(&mut self, keyword: &str) -> bool {
        let found = self.peek_word(keyword);
        self.i += usize::from(found);
        found
    }

    /// Consumes the words of `list` that come next.
    pub(super) fn eat_words(&mut self, list: &[&str]) {
        self.eat_while(|word| is_one_of(word, list));
    }

    /// Consumes the words that come next while `pred` holds for them.
    pub(super) fn eat_while(&mut self, pred: impl Fn(&str) -> bool) {
        while self
            .peek()
            .is_some_and(|t| t.kind == Kind::Word && pred(t.text(self.sql)))
        {
            self.i += 1;
        }
    }

    /// Skips tokens up to the next `;` (or the end).
    pub(super) fn skip_to_semicolon(&mut self) {
        while self.peek().is_some_and(|t| t.punct(self.sql) != Some(b';')) {
            self.i += 1;
        }
    }

    /// Skips a balanced `( ... )` if one is next.
    pub(super) fn skip_parens(&mut self) {
        if !self.peek_punct(b'(') {
            return;
        }
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            self.i += 1;
            match t.punct(self.sql) {
                Some(b'(') => depth += 1,
                Some(b')') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    fn is_statement_start(&self, token: Token) -> bool {
        token.kind == Kind::Word
            && matches!(
                Upper::new(token.text(self.sql)).bytes(),
                b"SELECT" | b"WITH" | b"INSERT" | b"UPDATE" | b"DELETE" | b"MERGE"
            )
    }

    /// A possibly qualified name (`schema.table`, `"My Table"`), as written.
    pub(super) fn name(&mut self) -> Option<&'a str> {
        let first = self.peek()?;
        let is_name = match first.kind {
            Kind::QuotedIdent => true,
            Kind::Word => !is_reserved(first.text(self.sql)),
            _ => false,
        };
        if !is_name {
            return None;
        }
        self.i += 1;
        let mut end = first.end;
        while self.peek_punct(b'.')
            && self
                .peek_at(1)
                .is_some_and(|t| matches!(t.kind, Kind::Word | Kind::QuotedIdent))
        {
            end = self.tokens.get(self.i + 1).map_or(end, |t| t.end);
            self.i += 2;
        }
        self.sql.get(first.start..end)
    }

    /// A table reference after FROM / JOIN / INTO / UPDATE ...; a function call in its
    /// place (`generate_series(1, 3)`) is not a table unless `allow_columns`.
    pub(super) fn target(&mut self, statement: &mut Statement<'a>, allow_columns: bool) -> bool {
        self.eat_word("ONLY");
        let save = self.i;
        let Some(name) = self.name() else {
            return false;
        };
        if self.peek_punct(b'(') && !allow_columns {
            self.i = save;
            return false;
        }
        let unqualified = !name.contains('.');
        if !(unqualified && self.ctes.iter().any(|c| c.eq_ignore_ascii_case(name))) {
            statement.target(name);
        }
        true
    }

    /// Skips `[AS] alias` after a table reference.
    pub(super) fn alias(&mut self) {
        if self.eat_word("AS") {
            self.i += 1;
            return;
        }
        if let Some(t) = self.peek()
            && (t.kind == Kind::QuotedIdent || (t.kind == Kind::Word && !is_reserved(t.text(self.sql))))
        {
            self.i += 1;
        }
    }

    /// `a [alias], b [alias], ...`
    pub(super) fn target_list(&mut self, statement: &mut Statement<'a>) {
        loop {
            if !self.target(statement, false) {
                return;
            }
            self.alias();
            if !self.peek_punct(b',') {
                return;
            }
            self.i += 1;
        }
    }

    /// `WITH [RECURSIVE] name [(cols)] AS [NOT] [MATERIALIZED] ( stmt ), ...`
    pub(super) fn ctes(&mut self, statement: &mut Statement<'a>) {
        self.eat_word("RECURSIVE");
        loop {
            let Some(name) = self.name() else { return };
            self.ctes.push(name);
            self.skip_parens();
            if !self.eat_word("AS") {
                return;
            }
            self.eat_word("NOT");
            self.eat_word("MATERIALIZED");
            if !self.peek_punct(b'(') {
                return;
            }
            self.i += 1;
            self.statement_body(statement, true);
            if self.peek_punct(b')') {
                self.i += 1;
            }
            if !self.peek_punct(b',') {
                return;
            }
            self.i += 1;
        }
    }

    /// The leading keyword(s) of a statement, then its body. Stops before an unmatched
    /// `)` or a `;`.
    pub(super) fn statement_body(&mut self, statement: &mut Statement<'a>, at_start: bool) {
        if at_start {
            self.leading(statement);
        }
        let mut depth = 0usize;
        let mut after_distinct = false;
        while let Some(t) = self.peek() {
            if t.kind != Kind::Word {
                match t.punct(self.sql) {
                    Some(b';') if depth == 0 => return,
                    Some(b')') => {
                        if depth == 0 {
                            return;
                        }
                        depth -= 1;
                        self.i += 1;
                    }
                    Some(b'(') => {
                        self.i += 1;
                        if self.peek().is_some_and(|n| self.is_statement_start(n)) {
                            self.statement_body(statement, true);
                            if self.peek_punct(b')') {
                                self.i += 1;
                            }
                        } else {
                            depth += 1;
                        }
                    }
                    _ => self.i += 1,
                }
                after_distinct = false;
                continue;
            }
            self.i += 1;
            if !may_be_clause(t.end - t.start, self.sql.as_bytes().get(t.start).copied()) {
                after_distinct = false;
                continue;
            }
            let word = Upper::new(t.text(self.sql));
            if word.bytes() == b"SELECT" {
                statement.operation(t.text(self.sql));
            } else if depth == 0 {
                self.clause(statement, word.bytes(), after_distinct);
            }
            after_distinct = word.bytes() == b"DISTINCT";
        }
    }

    /// Reacts to a clause keyword (upper case) at the top level of a statement.
    fn clause(&mut self, statement: &mut Statement<'a>, word: &[u8], after_distinct: bool) {
        match word {
            // `USING (cols)` is a join condition; `USING t` names a table only in
            // DELETE and MERGE.
            b"FROM" if !after_distinct => {
                self.eat_word("LATERAL");
                self.target_list(statement);
            }
            b"USING" if !self.peek_punct(b'(') && statement.last_operation_is(&["DELETE", "MERGE"]) => {
                self.eat_word("LATERAL");
                self.target_list(statement);
            }
            b"JOIN" | b"STRAIGHT_JOIN" => {
                self.eat_word("LATERAL");
                if self.target(statement, false) {
                    self.alias();
                }
            }
            b"INTO" if statement.last_operation_is(&["INSERT", "REPLACE", "MERGE"]) => {
                self.target(statement, true);
            }
            b"UNION" | b"INTERSECT" | b"EXCEPT" => {
                self.eat_word("ALL");
                self.eat_word("DISTINCT");
            }
            _ => {}
        }
    }

    /// Every statement of the text, in order.
    pub(super) fn statements(mut self) -> Vec<Statement<'a>> {
        let mut out = Vec::new();
        while self.i < self.tokens.len() {
            let before = self.i;
            let mut statement = Statement::default();
            self.statement_body(&mut statement, true);
            let consumed = self.i > before;
            // The `;` itself, or an unbalanced `)`: step over it.
            if self.peek().is_some() {
                self.i += 1;
            }
            if consumed {
                out.push(statement);
            }
            self.ctes.clear();
        }
        out
    }
}

/// Whether `word` may be one of the words [`Parser::statement_body`] reacts to
/// (`SELECT`, `DISTINCT`, `FROM`, `USING`, `JOIN`, `STRAIGHT_JOIN`, `INTO`, `UNION`,
/// `INTERSECT`, `EXCEPT`), by its length `len` and its first byte: most words are not, and
/// are passed over without being read further.
fn may_be_clause(len: usize, first: Option<u8>) -> bool {
    let first = first.map_or(0, |b| b.to_ascii_uppercase());
    matches!(
        (len, first),
        (6, b'S' | b'E') | (8, b'D') | (4, b'F' | b'J' | b'I') | (5, b'U') | (13, b'S') | (9, b'I')
    )
}
