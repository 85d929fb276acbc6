//! A forgiving SQL tokenizer: enough of each dialect's lexical rules to tell literals,
//! identifiers, keywords, comments and placeholders apart. It never fails: anything it
//! does not recognise is one punctuation token, and an unterminated string or comment
//! runs to the end of the text.
//!
//! Whitespace separates tokens but is not one: the sanitiser copies the text between
//! the tokens it replaces, so it never needs to see it. One pass over the bytes.

use super::SqlDialect;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `-- ...`, `# ...` (MySQL) or `/* ... */`.
    Comment,
    /// An unquoted identifier or keyword.
    Word,
    /// `"ident"`, `` `ident` `` (MySQL, SQLite) or `[ident]` (SQLite).
    QuotedIdent,
    /// A string, hex, bit or dollar-quoted literal.
    String,
    /// A numeric literal.
    Number,
    /// A bind placeholder: `$1`, `?`, `?1`, `:name`, `@name`, `$name`.
    Placeholder,
    /// Any other single character (`(`, `)`, `,`, `;`, `.`, `=`, ...).
    Punct,
}

/// One token: its kind and its byte range in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Token {
    /// The token's text.
    pub(crate) fn text<'a>(&self, sql: &'a str) -> &'a str {
        sql.get(self.start..self.end).unwrap_or("")
    }

    /// The punctuation character, if this is one.
    pub(crate) fn punct(&self, sql: &str) -> Option<u8> {
        match self.kind {
            Kind::Punct => sql.as_bytes().get(self.start).copied(),
            _ => None,
        }
    }

    /// The token's bytes.
    pub(crate) fn bytes<'a>(&self, sql: &'a str) -> &'a [u8] {
        sql.as_bytes().get(self.start..self.end).unwrap_or_default()
    }

    /// Whether this is the word `keyword` (given in upper case), in any case.
    pub(crate) fn is_word(&self, sql: &str, keyword: &str) -> bool {
        self.kind == Kind::Word && self.bytes(sql).eq_ignore_ascii_case(keyword.as_bytes())
    }
}

/// The tokens of `sql`, in order.
pub(crate) fn tokens(sql: &str, dialect: SqlDialect) -> Vec<Token> {
    // Tokens average a few bytes; one guess, then rarely a regrowth.
    let mut tokens = Vec::with_capacity(sql.len() / 4 + 4);
    let mut lexer = Lexer::new(sql, dialect);
    while let Some(token) = lexer.next_token() {
        tokens.push(token);
    }
    tokens
}

/// Iterates over the tokens of a SQL text.
pub(crate) struct Lexer<'a> {
    bytes: &'a [u8],
    pos: usize,
    dialect: SqlDialect,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(sql: &'a str, dialect: SqlDialect) -> Self {
        Self {
            bytes: sql.as_bytes(),
            pos: 0,
            dialect,
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(0)
    }

    /// The end of a quoted run that started at `start` (on the opening quote) and closes
    /// with `close`; a doubled closing quote is an escaped one, and with `backslash` a
    /// backslash escapes the next byte.
    fn quoted_end(&self, start: usize, close: u8, backslash: bool) -> usize {
        let mut i = start + 1;
        while i < self.bytes.len() {
            let b = self.bytes[i];
            if backslash && b == b'\\' {
                i += 2;
            } else if b == close {
                if self.at(i + 1) == close {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i += 1;
            }
        }
        self.bytes.len()
    }

    /// `$tag$ ... $tag$` starting at `start`, if the text has a dollar quote there.
    fn dollar_quote_end(&self, start: usize) -> Option<usize> {
        let i = self.run_end(start + 1, is_ident_byte);
        if self.at(i) != b'$' || self.at(start + 1).is_ascii_digit() {
            return None;
        }
        let tag = &self.bytes[start..=i];
        let body = i + 1;
        let end = self.bytes[body..]
            .windows(tag.len())
            .position(|w| w == tag)
            .map_or(self.bytes.len(), |p| body + p + tag.len());
        Some(end)
    }

    fn block_comment_end(&self, start: usize) -> usize {
        // PostgreSQL nests block comments; the others end at the first `*/`.
        let nests = self.dialect == SqlDialect::PostgreSql;
        let mut depth = 0usize;
        let mut i = start;
        while i + 1 < self.bytes.len() {
            match (self.bytes[i], self.bytes[i + 1]) {
                (b'/', b'*') => {
                    depth += 1;
                    i += 2;
                }
                (b'*', b'/') => {
                    depth = depth.saturating_sub(1);
                    i += 2;
                    if depth == 0 || !nests {
                        return i;
                    }
                }
                _ => i += 1,
            }
        }
        self.bytes.len()
    }

    fn line_end(&self, start: usize) -> usize {
        self.bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.bytes.len(), |p| start + p)
    }

    fn number_end(&self, start: usize) -> usize {
        let zero = self.bytes[start] == b'0';
        if zero && matches!(self.at(start + 1), b'x' | b'X') && self.at(start + 2).is_ascii_hexdigit() {
            return self.run_end(start + 2, |b| b.is_ascii_hexdigit() || b == b'_');
        }
        if zero && matches!(self.at(start + 1), b'b' | b'B') && matches!(self.at(start + 2), b'0' | b'1') {
            return self.run_end(start + 2, |b| matches!(b, b'0' | b'1' | b'_'));
        }
        let mut i = self.run_end(start, |b| b.is_ascii_digit() || b == b'_');
        if self.at(i) == b'.' {
            i = self.run_end(i + 1, |b| b.is_ascii_digit());
        }
        if matches!(self.at(i), b'e' | b'E') {
            let mut j = i + 1;
            if matches!(self.at(j), b'+' | b'-') {
                j += 1;
            }
            if self.at(j).is_ascii_digit() {
                i = self.run_end(j, |b| b.is_ascii_digit());
            }
        }
        i
    }

    fn word_end(&self, start: usize) -> usize {
        self.run_end(start + 1, |b| WORD_BYTE[usize::from(b)])
    }

    /// The end of the run of bytes from `start` that `keep` accepts.
    fn run_end(&self, start: usize, keep: impl Fn(u8) -> bool) -> usize {
        let rest = self.bytes.get(start..).unwrap_or_default();
        start + rest.iter().position(|&b| !keep(b)).unwrap_or(rest.len())
    }

    /// The next token. The common first bytes (a space, a plain letter, a plain
    /// punctuation character) are told apart by one table lookup; the rest go through
    /// [`Self::special`].
    #[inline(always)]
    fn next_token(&mut self) -> Option<Token> {
        let mut start = self.pos;
        let (kind, end) = loop {
            let b = *self.bytes.get(start)?;
            match CLASS[usize::from(b)] {
                Class::Space => start += 1,
                Class::Word => break (Kind::Word, self.word_end(start)),
                Class::Punct => break (Kind::Punct, start + 1),
                Class::Digit => break (Kind::Number, self.number_end(start)),
                // `e'...'`, `n'...'`, `x'...'`, `b'...'`, `u&'...'`: a string only when
                // a quote or `&` follows.
                Class::Prefix if !matches!(self.at(start + 1), b'\'' | b'&') => {
                    break (Kind::Word, self.word_end(start));
                }
                Class::Prefix | Class::Special => break self.special(start, b),
            }
        };
        let end = end.clamp(start + 1, self.bytes.len());
        self.pos = end;
        Some(Token { kind, start, end })
    }

    /// The kind and end of the token that starts at `start` with `b`, whatever `b` is.
    fn special(&self, start: usize, b: u8) -> (Kind, usize) {
        let next = self.at(start + 1);
        let mysql = self.dialect == SqlDialect::MySql;
        match b {
            b'-' if next == b'-' => (Kind::Comment, self.line_end(start)),
            b'#' if mysql => (Kind::Comment, self.line_end(start)),
            b'/' if next == b'*' => (Kind::Comment, self.block_comment_end(start)),
            b'\'' => (Kind::String, self.quoted_end(start, b'\'', mysql)),
            b'"' if mysql => (Kind::String, self.quoted_end(start, b'"', true)),
            b'"' => (Kind::QuotedIdent, self.quoted_end(start, b'"', false)),
            b'`' if self.dialect != SqlDialect::PostgreSql => {
                (Kind::QuotedIdent, self.quoted_end(start, b'`', false))
            }
            b'[' if self.dialect == SqlDialect::Sqlite => {
                (Kind::QuotedIdent, self.quoted_end(start, b']', false))
            }
            // E'...' (backslash escapes), N'...', X'...', B'...' and MySQL's _utf8mb4'...'.
            b'e' | b'E' if next == b'\'' => (Kind::String, self.quoted_end(start + 1, b'\'', true)),
            b'n' | b'N' | b'x' | b'X' | b'b' | b'B' if next == b'\'' => {
                (Kind::String, self.quoted_end(start + 1, b'\'', mysql))
            }
            b'u' | b'U' if next == b'&' && self.at(start + 2) == b'\'' => {
                (Kind::String, self.quoted_end(start + 2, b'\'', false))
            }
            b'u' | b'U' if next == b'&' && self.at(start + 2) == b'"' => {
                (Kind::QuotedIdent, self.quoted_end(start + 2, b'"', false))
            }
            b'$' if next.is_ascii_digit() => {
                (Kind::Placeholder, self.run_end(start + 1, |b| b.is_ascii_digit()))
            }
            b'$' => match self.dollar_quote_end(start) {
                Some(end) => (Kind::String, end),
                None if is_ident_start(next) => (Kind::Placeholder, self.word_end(start + 1)),
                None => (Kind::Punct, start + 1),
            },
            b'?' => (Kind::Placeholder, self.run_end(start + 1, |b| b.is_ascii_digit())),
            b':' | b'@' if self.dialect == SqlDialect::Sqlite && is_ident_start(next) => {
                (Kind::Placeholder, self.word_end(start + 1))
            }
            b'0'..=b'9' => (Kind::Number, self.number_end(start)),
            b'.' if next.is_ascii_digit() => (Kind::Number, self.number_end(start)),
            _ if is_ident_start(b) => {
                let end = self.word_end(start);
                // MySQL charset introducers: _utf8mb4'text' is one string literal.
                if mysql && b == b'_' && self.at(end) == b'\'' {
                    (Kind::String, self.quoted_end(end, b'\'', true))
                } else {
                    (Kind::Word, end)
                }
            }
            _ => {
                // One character, whole: never split a multi-byte one.
                let width = match b {
                    0xf0..=0xff => 4,
                    0xe0..=0xef => 3,
                    0xc0..=0xdf => 2,
                    _ => 1,
                };
                (Kind::Punct, (start + width).min(self.bytes.len()))
            }
        }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        self.next_token()
    }
}

/// What a token's first byte says about it.
#[derive(Clone, Copy)]
enum Class {
    /// Whitespace: no token.
    Space,
    /// A letter that starts nothing but a word (not `e`, `n`, `x`, `b`, `u`, which may
    /// prefix a string), or a byte of a multi-byte character.
    Word,
    /// A one-byte punctuation token whatever follows and whatever the dialect.
    Punct,
    /// A digit: a number.
    Digit,
    /// A letter that may prefix a string literal.
    Prefix,
    /// Anything else: quotes, comments, numbers, placeholders, prefixed strings, `_`.
    Special,
}

/// The class of each byte.
static CLASS: [Class; 256] = {
    let mut table = [Class::Punct; 256];
    let mut b = 0u8;
    loop {
        table[b as usize] = match b {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => Class::Space,
            b'e' | b'E' | b'n' | b'N' | b'x' | b'X' | b'b' | b'B' | b'u' | b'U' => Class::Prefix,
            b'0'..=b'9' => Class::Digit,
            b'a'..=b'z' | b'A'..=b'Z' | 0x80..=0xff => Class::Word,
            b'-' | b'#' | b'/' | b'\'' | b'"' | b'`' | b'[' | b'$' | b'?' | b':' | b'@' | b'.' | b'_' => {
                Class::Special
            }
            _ => Class::Punct,
        };
        if b == u8::MAX {
            break table;
        }
        b += 1;
    }
};

/// The bytes that continue a word: letters, digits, `_`, `$` and any byte of a
/// multi-byte character.
static WORD_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0u8;
    loop {
        table[b as usize] = b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
        if b == u8::MAX {
            break table;
        }
        b += 1;
    }
};

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(sql: &str, dialect: SqlDialect) -> Vec<(Kind, &str)> {
        Lexer::new(sql, dialect).map(|t| (t.kind, t.text(sql))).collect()
    }

    #[test]
    fn literals_identifiers_and_placeholders() {
        let sql = r#"SELECT "a b", 'it''s', E'x\'y', 0xFF, 1.5e-3, $1, $tag$ $$ $tag$ FROM t"#;
        assert_eq!(
            kinds(sql, SqlDialect::PostgreSql),
            [
                (Kind::Word, "SELECT"),
                (Kind::QuotedIdent, "\"a b\""),
                (Kind::Punct, ","),
                (Kind::String, "'it''s'"),
                (Kind::Punct, ","),
                (Kind::String, r"E'x\'y'"),
                (Kind::Punct, ","),
                (Kind::Number, "0xFF"),
                (Kind::Punct, ","),
                (Kind::Number, "1.5e-3"),
                (Kind::Punct, ","),
                (Kind::Placeholder, "$1"),
                (Kind::Punct, ","),
                (Kind::String, "$tag$ $$ $tag$"),
                (Kind::Word, "FROM"),
                (Kind::Word, "t"),
            ]
        );
    }

    #[test]
    fn mysql_strings_and_comments() {
        let sql = "SELECT \"x\", 'a\\'b', `t` # note\n-- other\n/* c */ ?";
        assert_eq!(
            kinds(sql, SqlDialect::MySql),
            [
                (Kind::Word, "SELECT"),
                (Kind::String, "\"x\""),
                (Kind::Punct, ","),
                (Kind::String, "'a\\'b'"),
                (Kind::Punct, ","),
                (Kind::QuotedIdent, "`t`"),
                (Kind::Comment, "# note"),
                (Kind::Comment, "-- other"),
                (Kind::Comment, "/* c */"),
                (Kind::Placeholder, "?"),
            ]
        );
    }

    #[test]
    fn nested_comments_in_postgres_and_unterminated_input() {
        assert_eq!(
            kinds("/* a /* b */ c */ x", SqlDialect::PostgreSql),
            [(Kind::Comment, "/* a /* b */ c */"), (Kind::Word, "x")]
        );
        for sql in ["'open", "/* open", "$q$ open", "\"open", "é€😀", "a \x0b\x0c b"] {
            let tokens: Vec<_> = Lexer::new(sql, SqlDialect::PostgreSql).collect();
            let covered: usize = tokens.iter().map(|t| t.end - t.start).sum();
            let is_space = |b: &u8| matches!(CLASS[usize::from(*b)], Class::Space);
            let spaces = sql.bytes().filter(is_space).count();
            let spaces_in_tokens: usize = tokens
                .iter()
                .map(|t| t.text(sql).bytes().filter(is_space).count())
                .sum();
            assert_eq!(covered + spaces - spaces_in_tokens, sql.len(), "{sql}");
        }
    }
}
