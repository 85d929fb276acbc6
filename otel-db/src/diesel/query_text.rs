//! The SQL of a query diesel reports, without its bind values: read from the query's
//! `Debug` form (`Query { sql: "…", binds: [...] }`, or a bare `"…"` for a text run as
//! it is), decoding the escaped string as it is written and stopping the formatting as
//! soon as it is known whether there are binds: diesel's `Debug` writes the bind values
//! after the text, and the writer refuses the first character of the first one, which
//! ends the formatting. No bind value is kept, and none is formatted past that character.
//!
//! `Debug` rather than `Display` (`… -- binds: [...]`): the escaped string ends at its
//! one unescaped quote, whatever the text holds, where `-- binds:` could be in the
//! text itself.

use std::fmt::{self, Write};

/// The longest text kept, in bytes; the rest of a longer one is dropped (the recorded
/// `db.query.text` is cut far shorter, at `MAX_QUERY_TEXT`).
const MAX_TEXT: usize = 1024 * 1024;

/// What a query's `Debug` form said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Read {
    /// The text was read whole (or up to [`MAX_TEXT`]); `has_binds` says whether bind
    /// values were sent apart from it.
    Text { has_binds: bool },
    /// The form was not one diesel writes: nothing usable.
    Unrecognised,
}

/// Writes `query`'s SQL into `out` (cleared first).
pub(crate) fn read(query: &dyn fmt::Debug, out: &mut String) -> Read {
    out.clear();
    let mut decoder = Decoder {
        out,
        state: State::Start,
    };
    // An error is expected: the decoder stops the formatting once it knows enough.
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
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            self.step(c);
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
    use super::*;

    struct Form(&'static str);

    impl fmt::Debug for Form {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    /// What diesel's `Debug` writes: the text, then the binds, formatted lazily; the
    /// flag records whether a bind value was ever formatted to its end.
    struct Query<'a> {
        sql: &'a str,
        binds: &'a [&'a str],
        formatted: &'a std::cell::Cell<bool>,
    }

    struct Bind<'a>(&'a str, &'a std::cell::Cell<bool>);

    impl fmt::Debug for Bind<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let written = fmt::Debug::fmt(self.0, f);
            self.1.set(self.1.get() || written.is_ok());
            written
        }
    }

    impl fmt::Debug for Query<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let binds: Vec<Bind<'_>> = self.binds.iter().map(|b| Bind(b, self.formatted)).collect();
            f.debug_struct("Query")
                .field("sql", &self.sql)
                .field("binds", &binds)
                .finish()
        }
    }

    fn query(sql: &str, binds: &[&str]) -> (Read, String, bool) {
        let formatted = std::cell::Cell::new(false);
        let mut out = String::new();
        let read = read(
            &Query {
                sql,
                binds,
                formatted: &formatted,
            },
            &mut out,
        );
        (read, out, formatted.get())
    }

    #[test]
    fn the_text_is_decoded_and_the_binds_never_formatted() {
        let tricky = "SELECT \"a\\b\", 'x' -- binds: [1]\n\t\u{7f}é\u{200b} FROM t WHERE id = $1";
        let (read, out, formatted) = query(tricky, &["secret"]);
        assert_eq!(read, Read::Text { has_binds: true });
        assert_eq!(out, tricky);
        assert!(!formatted, "a bind value was formatted to its end");

        let (read, out, _) = query("SELECT 1", &[]);
        assert_eq!(read, Read::Text { has_binds: false });
        assert_eq!(out, "SELECT 1");
    }

    #[test]
    fn a_bare_string_is_a_text_without_binds() {
        let mut out = String::new();
        assert_eq!(read(&"BEGIN", &mut out), Read::Text { has_binds: false });
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
            assert_eq!(read(&Form(form), &mut out), Read::Unrecognised, "{form}");
            assert!(out.is_empty());
        }
    }
}
