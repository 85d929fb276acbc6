//! The query summariser: operation keywords and the names of the tables they touch, in
//! the order the text gives them (`SELECT users`, `INSERT orders SELECT carts`), as the
//! database conventions' "Generating a summary of the query" describes.

use super::keywords::{CREATE_MODIFIERS, OBJECT_KINDS, PLAIN_OPERATIONS, RESERVED, is_one_of};
use super::lexer::{Kind, Lexer, Token};
use super::{MAX_SUMMARY_LEN, QueryInfo, SqlDialect};

/// One element of a statement's summary.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Operation(String),
    Target(String),
}

/// What one statement (between `;`) contributed.
#[derive(Debug, Default)]
struct Statement {
    parts: Vec<Part>,
    procedure: Option<String>,
}

impl Statement {
    fn operations(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Operation(op) => Some(op.as_str()),
            Part::Target(_) => None,
        })
    }

    fn targets(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Target(t) => Some(t.as_str()),
            Part::Operation(_) => None,
        })
    }

    fn summary(&self) -> String {
        let mut out = String::new();
        if self.operations().next().is_none() {
            return out;
        }
        for part in &self.parts {
            let word = match part {
                Part::Operation(w) | Part::Target(w) => w,
            };
            let extra = usize::from(!out.is_empty());
            if out.len() + extra + word.len() > MAX_SUMMARY_LEN {
                break;
            }
            if extra == 1 {
                out.push(' ');
            }
            out.push_str(word);
        }
        out
    }

    /// The single operation and the single table, when there is exactly one of each.
    fn single(&self) -> (Option<&str>, Option<&str>) {
        let mut ops = self.operations();
        let op = match (ops.next(), ops.next()) {
            (Some(op), None) => Some(op),
            _ => None,
        };
        let mut targets = self.targets();
        let target = match (op, targets.next(), targets.next()) {
            (Some(_), Some(t), None) => Some(t),
            _ => None,
        };
        (op, target)
    }
}

/// Walks the significant tokens of a text and collects one [`Statement`] per `;`.
struct Parser<'a> {
    sql: &'a str,
    tokens: Vec<Token>,
    i: usize,
    ctes: Vec<&'a str>,
}

impl<'a> Parser<'a> {
    fn new(sql: &'a str, dialect: SqlDialect) -> Self {
        let tokens = Lexer::new(sql, dialect)
            .filter(|t| !matches!(t.kind, Kind::Space | Kind::Comment))
            .collect();
        Self {
            sql,
            tokens,
            i: 0,
            ctes: Vec::new(),
        }
    }

    fn peek(&self) -> Option<Token> {
        self.tokens.get(self.i).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<Token> {
        self.tokens.get(self.i + offset).copied()
    }

    fn peek_word(&self, keyword: &str) -> bool {
        self.peek().is_some_and(|t| t.is_word(self.sql, keyword))
    }

    fn peek_punct(&self, c: u8) -> bool {
        self.peek().and_then(|t| t.punct(self.sql)) == Some(c)
    }

    /// Consumes the word `keyword` if it is next.
    fn eat_word(&mut self, keyword: &str) -> bool {
        let found = self.peek_word(keyword);
        self.i += usize::from(found);
        found
    }

    fn eat_words(&mut self, list: &[&str]) {
        while self
            .peek()
            .is_some_and(|t| t.kind == Kind::Word && is_one_of(t.text(self.sql), list))
        {
            self.i += 1;
        }
    }

    /// Skips a balanced `( ... )` if one is next.
    fn skip_parens(&mut self) {
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
            && is_one_of(
                token.text(self.sql),
                &["SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "MERGE"],
            )
    }

    /// A possibly qualified name (`schema.table`, `"My Table"`), as written.
    fn name(&mut self) -> Option<&'a str> {
        let first = self.peek()?;
        let is_name = match first.kind {
            Kind::QuotedIdent => true,
            Kind::Word => !is_one_of(first.text(self.sql), RESERVED),
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
    fn target(&mut self, statement: &mut Statement, allow_columns: bool) -> bool {
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
            statement.parts.push(Part::Target(name.to_owned()));
        }
        true
    }

    /// Skips `[AS] alias` after a table reference.
    fn alias(&mut self) {
        if self.eat_word("AS") {
            self.i += 1;
            return;
        }
        if let Some(t) = self.peek()
            && (t.kind == Kind::QuotedIdent
                || (t.kind == Kind::Word && !is_one_of(t.text(self.sql), RESERVED)))
        {
            self.i += 1;
        }
    }

    /// `a [alias], b [alias], ...`
    fn target_list(&mut self, statement: &mut Statement) {
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

    fn operation(statement: &mut Statement, op: &str) {
        statement.parts.push(Part::Operation(op.to_owned()));
    }

    /// `WITH [RECURSIVE] name [(cols)] AS [NOT] [MATERIALIZED] ( stmt ), ...`
    fn ctes(&mut self, statement: &mut Statement) {
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
    fn statement_body(&mut self, statement: &mut Statement, at_start: bool) {
        if at_start {
            self.leading(statement);
        }
        let mut depth = 0usize;
        let mut previous: Option<Token> = None;
        while let Some(t) = self.peek() {
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
                _ if t.kind != Kind::Word => self.i += 1,
                _ => {
                    self.i += 1;
                    let word = t.text(self.sql);
                    let after_distinct = previous.is_some_and(|p| p.is_word(self.sql, "DISTINCT"));
                    if word.eq_ignore_ascii_case("SELECT") {
                        Self::operation(statement, "SELECT");
                    } else if depth == 0 {
                        self.clause(statement, word, after_distinct);
                    }
                }
            }
            previous = Some(t);
        }
    }

    /// Reacts to a clause keyword at the top level of a statement.
    fn clause(&mut self, statement: &mut Statement, word: &str, after_distinct: bool) {
        let is = |k: &str| word.eq_ignore_ascii_case(k);
        let last_op_is = |ops: &[&str]| statement.operations().last().is_some_and(|op| ops.contains(&op));
        if (is("FROM") && !after_distinct) || (is("USING") && !self.peek_punct(b'(')) {
            if is("USING") && !last_op_is(&["DELETE", "MERGE"]) {
                return;
            }
            self.eat_word("LATERAL");
            self.target_list(statement);
        } else if is("JOIN") || is("STRAIGHT_JOIN") {
            self.eat_word("LATERAL");
            if self.target(statement, false) {
                self.alias();
            }
        } else if is("INTO") && last_op_is(&["INSERT", "REPLACE", "MERGE"]) {
            self.target(statement, true);
        } else if is("UNION") || is("INTERSECT") || is("EXCEPT") {
            self.eat_word("ALL");
            self.eat_word("DISTINCT");
        }
    }

    /// The statement's first keyword(s): the operation, and the target that follows it.
    fn leading(&mut self, statement: &mut Statement) {
        let Some(first) = self.peek() else { return };
        if first.kind != Kind::Word {
            return;
        }
        let word = first.text(self.sql).to_ascii_uppercase();
        self.i += 1;
        match word.as_str() {
            "SELECT" => Self::operation(statement, "SELECT"),
            "WITH" => {
                self.ctes(statement);
                self.leading(statement);
            }
            "EXPLAIN" => {
                Self::operation(statement, "EXPLAIN");
                self.eat_words(&["ANALYZE", "ANALYSE", "VERBOSE", "QUERY", "PLAN", "FORMAT"]);
                self.skip_parens();
                self.leading(statement);
            }
            "INSERT" | "REPLACE" | "UPSERT" => {
                Self::operation(statement, &word);
                self.eat_words(&["LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE"]);
                if self.eat_word("OR") {
                    self.i += 1;
                }
                self.eat_word("INTO");
                self.target(statement, true);
            }
            "UPDATE" => {
                Self::operation(statement, "UPDATE");
                self.eat_words(&["LOW_PRIORITY", "IGNORE"]);
                if self.eat_word("OR") {
                    self.i += 1;
                }
                self.target_list(statement);
            }
            "DELETE" => {
                Self::operation(statement, "DELETE");
                self.eat_words(&["LOW_PRIORITY", "QUICK", "IGNORE"]);
            }
            "MERGE" => {
                Self::operation(statement, "MERGE");
                self.eat_word("INTO");
                if self.target(statement, false) {
                    self.alias();
                }
            }
            "CREATE" | "DROP" | "ALTER" => self.ddl(statement, &word),
            "TRUNCATE" => {
                Self::operation(statement, "TRUNCATE");
                self.eat_word("TABLE");
                self.target_list(statement);
            }
            "CALL" => {
                Self::operation(statement, "CALL");
                if let Some(name) = self.name() {
                    statement.parts.push(Part::Target(name.to_owned()));
                    statement.procedure = Some(name.to_owned());
                }
            }
            "START" => {
                let op = if self.eat_word("TRANSACTION") {
                    "START TRANSACTION"
                } else {
                    "START"
                };
                Self::operation(statement, op);
            }
            "LOCK" => {
                Self::operation(statement, "LOCK");
                // PostgreSQL: LOCK [TABLE] t; MySQL: LOCK TABLES t READ.
                if !self.eat_word("TABLES") {
                    self.eat_word("TABLE");
                }
                self.target_list(statement);
            }
            "COPY" => {
                Self::operation(statement, "COPY");
                if self.target(statement, true) {
                    // FROM / TO name a file or STDIN, not a table.
                    while self.peek().is_some_and(|t| t.punct(self.sql) != Some(b';')) {
                        self.i += 1;
                    }
                }
            }
            "TABLE" => {
                // PostgreSQL's `TABLE t` is `SELECT * FROM t`.
                Self::operation(statement, "SELECT");
                self.target(statement, false);
            }
            _ if is_one_of(&word, PLAIN_OPERATIONS) => Self::operation(statement, &word),
            // An unknown leading word is not recorded: it might be anything.
            _ => {}
        }
    }

    /// CREATE / DROP / ALTER [modifiers] KIND [IF [NOT] EXISTS] [CONCURRENTLY] name [, name]
    fn ddl(&mut self, statement: &mut Statement, verb: &str) {
        // DEFINER = user@host and ALGORITHM = x carry an `=` and a value.
        loop {
            self.eat_words(CREATE_MODIFIERS);
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
            .filter(|t| t.kind == Kind::Word && is_one_of(t.text(self.sql), OBJECT_KINDS))
        else {
            Self::operation(statement, verb);
            return;
        };
        self.i += 1;
        let kind = kind.text(self.sql).to_ascii_uppercase();
        Self::operation(statement, &format!("{verb} {kind}"));
        self.eat_words(&["IF", "NOT", "EXISTS", "CONCURRENTLY", "ONLY"]);
        if kind == "INDEX" {
            if let Some(n) = self.name() {
                statement.parts.push(Part::Target(n.to_owned()));
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
                statement.parts.push(Part::Target(t.text(self.sql).to_owned()));
            }
            // Skip the signature and body: a function body is not this statement's work.
            while self.peek().is_some_and(|t| t.punct(self.sql) != Some(b';')) {
                self.i += 1;
            }
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

    fn statements(mut self) -> Vec<Statement> {
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

/// Analyses `sql`: summary, single operation and collection, batch size, procedure.
pub(crate) fn analyze(sql: &str, dialect: SqlDialect) -> QueryInfo {
    let statements = Parser::new(sql, dialect).statements();
    match statements.as_slice() {
        [] => QueryInfo::default(),
        [one] => {
            let (op, target) = one.single();
            let summary = one.summary();
            QueryInfo {
                summary: (!summary.is_empty()).then_some(summary),
                operation_name: op.map(str::to_owned),
                collection_name: target.map(str::to_owned),
                stored_procedure_name: one.procedure.clone(),
                batch_size: None,
            }
        }
        many => batch(many),
    }
}

/// Several statements in one text: `BATCH` plus what they share, if they share it.
fn batch(statements: &[Statement]) -> QueryInfo {
    let summaries: Vec<String> = statements.iter().map(Statement::summary).collect();
    let same = |values: &[Option<&str>]| match values.first() {
        Some(Some(first)) if values.iter().all(|v| *v == Some(*first)) => Some((*first).to_owned()),
        _ => None,
    };
    let summary_refs: Vec<Option<&str>> = summaries
        .iter()
        .map(|s| (!s.is_empty()).then_some(s.as_str()))
        .collect();
    let singles: Vec<(Option<&str>, Option<&str>)> = statements.iter().map(Statement::single).collect();
    let ops: Vec<Option<&str>> = singles.iter().map(|s| s.0).collect();
    let targets: Vec<Option<&str>> = singles.iter().map(|s| s.1).collect();
    let prefixed = |s: Option<String>| match s {
        Some(s) => truncate_words(format!("BATCH {s}")),
        None => "BATCH".to_owned(),
    };
    QueryInfo {
        summary: Some(prefixed(same(&summary_refs))),
        operation_name: Some(prefixed(same(&ops))),
        collection_name: same(&targets),
        stored_procedure_name: None,
        batch_size: Some(statements.len()),
    }
}

fn truncate_words(mut s: String) -> String {
    if s.len() <= MAX_SUMMARY_LEN {
        return s;
    }
    let cut = s
        .char_indices()
        .filter(|&(i, c)| c == ' ' && i <= MAX_SUMMARY_LEN)
        .map(|(i, _)| i)
        .next_back()
        .unwrap_or(0);
    s.truncate(cut);
    s
}
