//! The SQL of a query diesel reports, without its bind values.
//!
//! diesel's queries (`DebugQuery`) write `{sql} -- binds: {binds:?}` as `Display` and
//! `Query { sql: "…", binds: [...] }` as `Debug`; a text run as it is (`batch_execute`)
//! writes only itself. Both forms are read by a writer that stops the formatting as soon
//! as it knows whether there are binds: the writer refuses the first write of the first
//! bind value (its opening quote, or an integer's digits), which ends the formatting. No
//! bind value is kept, and none is formatted past that write.
//!
//! - First the `Display` form, by its writes rather than its text: the SQL arrives in one
//!   write (the `{sql}` argument), then ` -- binds: ` in one (the format string's
//!   piece), then the list. This costs a copy of the text and nothing else; the
//!   separator inside the SQL itself cannot confuse it.
//! - When the writes do not come in that shape (another diesel version, another
//!   `DebugQuery`), the `Debug` form: its escaped string ends at its one unescaped quote,
//!   whatever the text holds, and is decoded as it is written.

use std::fmt::{self, Write};

use diesel::connection::DebugQuery;

/// The longest text kept, in bytes; the rest of a longer one is dropped (the recorded
/// `db.query.text` is cut far shorter, at `MAX_QUERY_TEXT`).
const MAX_TEXT: usize = 1024 * 1024;

/// What a query's forms said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Read {
    /// The text was read whole (or up to [`MAX_TEXT`]); `has_binds` says whether bind
    /// values were sent apart from it.
    Text { has_binds: bool },
    /// Neither form was one diesel writes: nothing usable.
    Unrecognised,
}

/// Writes `query`'s SQL into `out` (cleared first).
pub(crate) fn read(query: &dyn DebugQuery, out: &mut String) -> Read {
    out.clear();
    let mut writes = Writes {
        out,
        state: Shape::Sql,
    };
    // An error is expected: the writer stops the formatting once it knows enough.
    let _ = write!(writes, "{query}");
    match writes.state {
        Shape::Done { has_binds } => return Read::Text { has_binds },
        // One write and no separator: a text run as it is.
        Shape::AfterSql => return Read::Text { has_binds: false },
        _ => {}
    }
    read_debug(query, out)
}

/// The `Display` form's writes, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// The first write: the SQL.
    Sql,
    /// The SQL was written; ` -- binds: ` comes next, or nothing.
    AfterSql,
    /// The separator was written; the list opens next.
    Separator,
    /// The list opened: the next write says whether it is empty.
    Open,
    Done {
        has_binds: bool,
    },
    /// Not the shape expected.
    Other,
}

struct Writes<'a> {
    out: &'a mut String,
    state: Shape,
}

impl Write for Writes<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.state = match self.state {
            Shape::Sql => {
                self.out.push_str(&s[..s.floor_char_boundary(MAX_TEXT)]);
                Shape::AfterSql
            }
            Shape::AfterSql if s == " -- binds: " => Shape::Separator,
            Shape::Separator if s == "[" => Shape::Open,
            Shape::Open => Shape::Done {
                has_binds: !s.starts_with(']'),
            },
            _ => Shape::Other,
        };
        match self.state {
            Shape::Done { .. } | Shape::Other => Err(fmt::Error),
            _ => Ok(()),
        }
    }
}

/// The `Debug` form, decoded.
fn read_debug(query: &dyn fmt::Debug, out: &mut String) -> Read {
    out.clear();
    let mut decoder = Decoder {
        out,
        state: State::Start,
    };
    let _ = write!(decoder, "{query:?}");
    match decoder.state {
        State::Done { has_binds } => Read::Text { has_binds },
        // A bare string that ended, or a structure whose binds field never came.
        State::AfterString { bare: true } => Read::Text { has_binds: false },
        _ => {
            out.clear();
            Read::Unrecognised
        }
    }
}

const STRUCT_PREFIX: &str = "Query { sql: \"";
const BINDS_FIELD: &str = ", binds: [";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    /// Matching [`STRUCT_PREFIX`]: this many bytes matched.
    Prefix(usize),
    /// Inside the string; `bare` when it is the whole form.
    InString {
        bare: bool,
    },
    /// After a backslash.
    Escape {
        bare: bool,
    },
    /// In `\u{…}`: the code point so far, `None` before the `{`.
    Unicode {
        bare: bool,
        code: Option<u32>,
        digits: u8,
    },
    AfterString {
        bare: bool,
    },
    /// Matching [`BINDS_FIELD`]: this many bytes matched.
    Binds(usize),
    /// The binds list opened: the next character says whether it is empty.
    BindsOpen,
    Done {
        has_binds: bool,
    },
    Invalid,
}

struct Decoder<'a> {
    out: &'a mut String,
    state: State,
}

impl Decoder<'_> {
    fn push(&mut self, c: char) {
        if self.out.len() + c.len_utf8() <= MAX_TEXT {
            self.out.push(c);
        }
    }

    fn step(&mut self, c: char) {
        self.state = match self.state {
            State::Start if c == '"' => State::InString { bare: true },
            State::Start if c == 'Q' => State::Prefix(1),
            State::Prefix(n) if STRUCT_PREFIX.as_bytes().get(n) == Some(&(c as u8)) && c.is_ascii() => {
                if n + 1 == STRUCT_PREFIX.len() {
                    State::InString { bare: false }
                } else {
                    State::Prefix(n + 1)
                }
            }
            State::InString { bare } => match c {
                '"' => State::AfterString { bare },
                '\\' => State::Escape { bare },
                c => {
                    self.push(c);
                    State::InString { bare }
                }
            },
            State::Escape { bare } => {
                let plain = match c {
                    'n' => Some('\n'),
                    't' => Some('\t'),
                    'r' => Some('\r'),
                    '0' => Some('\0'),
                    'u' => None,
                    other => Some(other),
                };
                match plain {
                    Some(plain) => {
                        self.push(plain);
                        State::InString { bare }
                    }
                    None => State::Unicode {
                        bare,
                        code: None,
                        digits: 0,
                    },
                }
            }
            State::Unicode { bare, code: None, .. } if c == '{' => State::Unicode {
                bare,
                code: Some(0),
                digits: 0,
            },
            State::Unicode {
                bare,
                code: Some(code),
                digits,
            } => match (c, c.to_digit(16)) {
                ('}', _) => {
                    self.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                    State::InString { bare }
                }
                (_, Some(digit)) if digits < 6 => State::Unicode {
                    bare,
                    code: Some(code * 16 + digit),
                    digits: digits + 1,
                },
                _ => State::Invalid,
            },
            State::AfterString { bare: false } if c == ',' => State::Binds(1),
            State::Binds(n) if BINDS_FIELD.as_bytes().get(n) == Some(&(c as u8)) && c.is_ascii() => {
                if n + 1 == BINDS_FIELD.len() {
                    State::BindsOpen
                } else {
                    State::Binds(n + 1)
                }
            }
            State::BindsOpen => State::Done { has_binds: c != ']' },
            _ => State::Invalid,
        };
    }
}

impl Write for Decoder<'_> {
    fn write_str(&mut self, mut s: &str) -> fmt::Result {
        while !s.is_empty() {
            // Inside the string, a run without quote or backslash is copied as it is.
            if let State::InString { .. } = self.state {
                let run = s.find(['"', '\\']).unwrap_or(s.len());
                if run > 0 {
                    let room = MAX_TEXT.saturating_sub(self.out.len());
                    let (head, rest) = s.split_at(run);
                    self.out.push_str(&head[..head.floor_char_boundary(room)]);
                    s = rest;
                    continue;
                }
            }
            let mut chars = s.chars();
            if let Some(c) = chars.next() {
                self.step(c);
            }
            s = chars.as_str();
            if matches!(self.state, State::Done { .. } | State::Invalid) {
                // Stops the formatting: the binds are not written.
                return Err(fmt::Error);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    /// A query as diesel writes it, both forms; `split` writes the `Display` form's SQL
    /// in two writes (a shape the fast path does not know, so `Debug` is read). The
    /// flag records whether a bind value was ever formatted to its end.
    struct Query<'a> {
        sql: &'a str,
        binds: &'a [&'a str],
        formatted: &'a Cell<bool>,
        split: bool,
    }

    struct Bind<'a>(&'a str, &'a Cell<bool>);

    impl fmt::Debug for Bind<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let written = fmt::Debug::fmt(self.0, f);
            self.1.set(self.1.get() || written.is_ok());
            written
        }
    }

    impl Query<'_> {
        fn binds(&self) -> Vec<Bind<'_>> {
            self.binds.iter().map(|b| Bind(b, self.formatted)).collect()
        }
    }

    impl fmt::Debug for Query<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("Query")
                .field("sql", &self.sql)
                .field("binds", &self.binds())
                .finish()
        }
    }

    impl fmt::Display for Query<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            if self.split {
                let (a, b) = self
                    .sql
                    .split_at(self.sql.floor_char_boundary(self.sql.len() / 2));
                f.write_str(a)?;
                f.write_str(b)?;
                return write!(f, " -- binds: {:?}", self.binds());
            }
            write!(f, "{} -- binds: {:?}", self.sql, self.binds())
        }
    }

    impl DebugQuery for Query<'_> {}

    /// A query whose two forms are given.
    struct Form(&'static str, &'static str);

    impl fmt::Debug for Form {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.1)
        }
    }

    impl fmt::Display for Form {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)?;
            f.write_str("?")
        }
    }

    impl DebugQuery for Form {}

    /// A text run as it is, as diesel's `StrQueryHelper` writes it.
    struct Plain(&'static str);

    impl fmt::Debug for Plain {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt::Debug::fmt(self.0, f)
        }
    }

    impl fmt::Display for Plain {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt::Display::fmt(self.0, f)
        }
    }

    impl DebugQuery for Plain {}

    fn query(sql: &str, binds: &[&str], split: bool) -> (Read, String, bool) {
        let formatted = Cell::new(false);
        let mut out = String::new();
        let read = read(
            &Query {
                sql,
                binds,
                formatted: &formatted,
                split,
            },
            &mut out,
        );
        (read, out, formatted.get())
    }

    #[test]
    fn the_text_is_read_and_the_binds_never_formatted_in_either_form() {
        let tricky = "SELECT \"a\\b\", 'x' -- binds: [1]\n\t\u{7f}é\u{200b} FROM t WHERE id = $1";
        for split in [false, true] {
            let (read, out, formatted) = query(tricky, &["secret"], split);
            assert_eq!(read, Read::Text { has_binds: true }, "split: {split}");
            assert_eq!(out, tricky, "split: {split}");
            assert!(
                !formatted,
                "a bind value was formatted to its end (split: {split})"
            );

            let (read, out, _) = query("SELECT 1", &[], split);
            assert_eq!(read, Read::Text { has_binds: false });
            assert_eq!(out, "SELECT 1");
        }
    }

    #[test]
    fn a_text_run_as_it_is_has_no_binds() {
        let mut out = String::new();
        assert_eq!(read(&Plain("BEGIN"), &mut out), Read::Text { has_binds: false });
        assert_eq!(out, "BEGIN");
    }

    #[test]
    fn other_forms_give_nothing() {
        let mut out = String::from("stale");
        for form in [
            "",
            "Query",
            "Query { sql: \"unterminated",
            "x",
            "\"\\u{zz}\"",
            "Query { sql: \"a\", other: 1 }",
        ] {
            assert_eq!(read(&Form("x", form), &mut out), Read::Unrecognised, "{form}");
            assert!(out.is_empty());
        }
    }
}
