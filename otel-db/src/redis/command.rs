//! What a command or a pipeline says about itself: `db.operation.name` (the command's
//! name as written), `db.stored_procedure.name`, `db.operation.batch.size`, and the
//! sanitised `db.query.text` (the command, its key, `?` for every other argument).

use std::borrow::Cow;
use std::fmt::Write as _;

use ::redis::{Arg, Cmd, Pipeline};
use otel_kit_core::__private::SharedNames;

use super::command_table::{self, Args};
use crate::options::MAX_QUERY_TEXT;

/// Operation names kept for the process (`get`, `PIPELINE GET`, `OBJECT ENCODING`):
/// the table's upper-case names cost nothing, these are shared after their first use.
static NAMES: SharedNames = SharedNames::new(16 * 1024);

/// The longest command name, subcommand or script name recorded, in bytes: a longer
/// one is no Redis name (an application's bytes in the command's place).
const MAX_NAME: usize = 64;

/// What the span and the metric say about one call.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Described {
    /// `db.operation.name`; `None` when the command has no name that looks like one.
    pub(crate) name: Option<Cow<'static, str>>,
    /// `db.stored_procedure.name`: the script's SHA1 (`EVALSHA`) or the function
    /// (`FCALL`).
    pub(crate) procedure: Option<String>,
    /// `db.query.text`, when asked for.
    pub(crate) text: Option<String>,
    /// `db.operation.batch.size`: a pipeline's command count, when two or more.
    pub(crate) batch_size: Option<usize>,
}

/// One command.
pub(crate) fn command(cmd: &Cmd, with_text: bool) -> Described {
    let Some(parsed) = Parsed::of(cmd) else {
        return Described::default();
    };
    Described {
        text: with_text.then(|| {
            let mut text = String::new();
            parsed.write_text(cmd, &mut text);
            text
        }),
        name: Some(parsed.operation_name()),
        procedure: parsed.procedure.map(str::to_owned),
        batch_size: None,
    }
}

/// A pipeline, or a transaction (`pipe().atomic()`): named `PIPELINE` or `MULTI`, with
/// the commands' name after it when they all have the same one (the Redis conventions'
/// rule for batches), their texts joined by `; ` (one text when all are the same).
pub(crate) fn pipeline(pipeline: &Pipeline, with_text: bool) -> Described {
    let prefix = if pipeline.is_transaction() {
        "MULTI"
    } else {
        "PIPELINE"
    };
    let mut batch = Batch::default();
    for cmd in pipeline.cmd_iter() {
        batch.add(cmd, with_text);
    }
    let name = match batch.name {
        Some(Some(name)) => share(format!("{prefix} {name}")),
        _ => Cow::Borrowed(prefix),
    };
    let text = match batch.joined {
        Some(joined) => Some(joined),
        None => (with_text && !batch.first_text.is_empty()).then_some(batch.first_text),
    };
    let len = pipeline.len();
    Described {
        name: Some(name),
        procedure: batch.procedure.flatten().map(str::to_owned),
        text,
        batch_size: (len >= 2).then_some(len),
    }
}

/// What a pipeline's commands share, read one command at a time.
#[derive(Default)]
struct Batch<'a> {
    /// `None` before the first command; then `Some(None)` once two differ.
    name: Option<Option<Cow<'a, str>>>,
    procedure: Option<Option<&'a str>>,
    first_text: String,
    /// How many commands so far have the first one's text.
    identical: usize,
    /// Every text so far, once one differed from the first.
    joined: Option<String>,
    /// The text of the command being added (a buffer kept between commands).
    text: String,
}

impl<'a> Batch<'a> {
    fn add(&mut self, cmd: &'a Cmd, with_text: bool) {
        let parsed = Parsed::of(cmd);
        let name = parsed.as_ref().map(|p| p.spelled.clone());
        let procedure = parsed.as_ref().and_then(|p| p.procedure);
        match &self.name {
            None => self.name = Some(name),
            Some(same) if *same != name => self.name = Some(None),
            Some(_) => {}
        }
        match self.procedure {
            None => self.procedure = Some(procedure),
            Some(same) if same != procedure => self.procedure = Some(None),
            Some(_) => {}
        }
        if !with_text || self.joined.as_ref().is_some_and(|j| j.len() >= MAX_QUERY_TEXT) {
            return;
        }
        self.text.clear();
        match &parsed {
            Some(parsed) => parsed.write_text(cmd, &mut self.text),
            None => self.text.push('?'),
        }
        if self.identical == 0 {
            std::mem::swap(&mut self.first_text, &mut self.text);
            self.identical = 1;
            return;
        }
        let joined = match &mut self.joined {
            Some(joined) => joined,
            None if self.text == self.first_text => {
                self.identical += 1;
                return;
            }
            None => {
                // The first text that differs: every earlier one (all the first's), then it.
                let mut joined = self.first_text.clone();
                for _ in 1..self.identical {
                    if joined.len() >= MAX_QUERY_TEXT {
                        break;
                    }
                    joined.push_str("; ");
                    joined.push_str(&self.first_text);
                }
                self.joined.insert(joined)
            }
        };
        joined.push_str("; ");
        joined.push_str(&self.text);
        bound(joined, 0);
    }
}

/// A command's name and what its arguments are.
struct Parsed<'a> {
    /// The name as written (`get`), or with its subcommand (`OBJECT ENCODING`).
    spelled: Cow<'a, str>,
    /// The table's copy of the name, when written as in the table (upper case).
    known: Option<&'static str>,
    args: Option<Args>,
    /// The name is followed by a known subcommand; `Some(true)` when the subcommand's
    /// first argument is a key.
    subcommand: Option<bool>,
    procedure: Option<&'a str>,
}

impl<'a> Parsed<'a> {
    /// `None` when the command's first argument is no command name.
    fn of(cmd: &'a Cmd) -> Option<Self> {
        let mut args = cmd.args_iter();
        let name = token(args.next()?)?;
        let (known, kind) = match command_table::lookup(name) {
            Some((spelling, kind)) => ((spelling == name).then_some(spelling), Some(kind)),
            None => (None, None),
        };
        let mut parsed = Parsed {
            spelled: Cow::Borrowed(name),
            known,
            args: kind,
            subcommand: None,
            procedure: None,
        };
        match kind {
            Some(Args::Procedure) => parsed.procedure = args.next().and_then(token),
            Some(Args::Subcommand(subcommands)) => {
                if let Some(sub) = args.next().and_then(token)
                    && let Some(keyed) = subcommands.find(sub)
                {
                    // `OBJECT ENCODING`: both words as written, one space between them.
                    parsed.subcommand = Some(keyed);
                    parsed.known = None;
                    parsed.spelled = Cow::Owned(format!("{name} {sub}"));
                }
            }
            _ => {}
        }
        Some(parsed)
    }

    fn operation_name(&self) -> Cow<'static, str> {
        match self.known {
            Some(known) => Cow::Borrowed(known),
            None => share(self.spelled.to_string()),
        }
    }

    /// `GET key`, `HSET key ? ? ? ?`, `OBJECT ENCODING key`, `EVALSHA <sha> ? ?`,
    /// `AUTH ? ?`; at most [`MAX_QUERY_TEXT`] bytes.
    fn write_text(&self, cmd: &Cmd, out: &mut String) {
        let start = out.len();
        // The arguments after the name already written (a subcommand), and the one
        // written as it is (a key, or the script's name).
        let (written, kept) = match (self.args, self.subcommand) {
            (_, Some(keyed)) => (1, keyed.then_some(1)),
            (Some(Args::Key), _) => (0, Some(0)),
            (Some(Args::Procedure), _) if self.procedure.is_some() => (0, Some(0)),
            _ => (0, None),
        };
        let arguments = cmd.args_iter().skip(1).enumerate().skip(written);
        // The exact length, reserved at once: the text becomes the attribute's boxed
        // string without another copy.
        let len: usize = arguments
            .clone()
            .map(|(index, arg)| match arg {
                Arg::Simple(bytes) if Some(index) == kept => 1 + repr_len(bytes),
                _ => 2,
            })
            .sum();
        out.reserve_exact((self.spelled.len() + len).min(MAX_QUERY_TEXT));
        out.push_str(&self.spelled);
        for (index, arg) in arguments {
            if out.len() - start >= MAX_QUERY_TEXT {
                break;
            }
            out.push(' ');
            match arg {
                Arg::Simple(bytes) if Some(index) == kept => write_repr(out, bytes),
                _ => out.push('?'),
            }
        }
        bound(out, start);
    }
}

/// `arg` as a name: 1 to [`MAX_NAME`] bytes of ASCII letters, digits, `_`, `-`, `.`
/// or `|` (module commands: `JSON.SET`; script SHA1s; function names); `None` for
/// anything else, which is no name but an application's bytes.
fn token(arg: Arg<&[u8]>) -> Option<&str> {
    let Arg::Simple(bytes) = arg else {
        return None;
    };
    let valid = (1..=MAX_NAME).contains(&bytes.len())
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'|'));
    if valid {
        std::str::from_utf8(bytes).ok()
    } else {
        None
    }
}

/// `name` for the life of the process, or owned past the budget of [`NAMES`].
fn share(name: String) -> Cow<'static, str> {
    match NAMES.share(&name) {
        Some(shared) => Cow::Borrowed(shared),
        None => Cow::Owned(name),
    }
}

/// Cuts what `text` holds after `start` to [`MAX_QUERY_TEXT`] bytes, on a character
/// boundary.
fn bound(text: &mut String, start: usize) {
    if text.len() - start > MAX_QUERY_TEXT {
        let end = start + text[start..].floor_char_boundary(MAX_QUERY_TEXT);
        text.truncate(end);
    }
}

/// No more of a key than the text can hold: a key may be megabytes long.
fn clipped(bytes: &[u8]) -> &[u8] {
    &bytes[..bytes.len().min(MAX_QUERY_TEXT)]
}

/// Whether redis-cli prints `bytes` as they are: printable ASCII without spaces, quotes
/// or backslashes.
fn is_plain(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && bytes
            .iter()
            .all(|&b| b.is_ascii_graphic() && b != b'"' && b != b'\'' && b != b'\\')
}

/// The length of what [`write_repr`] writes for `bytes`.
fn repr_len(bytes: &[u8]) -> usize {
    let bytes = clipped(bytes);
    if is_plain(bytes) {
        return bytes.len();
    }
    2 + bytes
        .iter()
        .map(|&b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' => 2,
            b' '..=b'~' => 1,
            _ => 4,
        })
        .sum::<usize>()
}

/// `bytes` as redis-cli prints a key: as is when it is printable ASCII without spaces
/// or quotes, else in double quotes with `\"`, `\\`, `\n`, `\r`, `\t` and `\xHH`
/// escapes (so a key with a space stays one word, and no byte is lost).
fn write_repr(out: &mut String, bytes: &[u8]) {
    let bytes = clipped(bytes);
    if is_plain(bytes) {
        // Printable ASCII: valid UTF-8.
        out.push_str(std::str::from_utf8(bytes).unwrap_or_default());
        return;
    }
    out.push('"');
    for &b in bytes {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b' '..=b'~' => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(cmd: &Cmd) -> String {
        command(cmd, true).text.expect("a text")
    }

    #[test]
    fn a_command_keeps_its_name_as_written_and_its_key_and_nothing_else() {
        let set = ::redis::cmd("SET")
            .arg("session:7")
            .arg("s3cr3t")
            .arg("EX")
            .arg(60)
            .clone();
        let described = command(&set, true);
        assert_eq!(described.name.as_deref(), Some("SET"));
        assert!(
            matches!(described.name, Some(Cow::Borrowed(_))),
            "the table's name, no copy"
        );
        assert_eq!(described.text.as_deref(), Some("SET session:7 ? ? ?"));
        assert_eq!(described.batch_size, None);

        let hset = ::redis::cmd("hset")
            .arg("user:7")
            .arg("email")
            .arg("ada@example.com")
            .clone();
        let described = command(&hset, true);
        assert_eq!(described.name.as_deref(), Some("hset"), "no case normalisation");
        assert_eq!(described.text.as_deref(), Some("hset user:7 ? ?"));

        assert_eq!(text(::redis::cmd("AUTH").arg("admin").arg("hunter2")), "AUTH ? ?");
        assert_eq!(text(&::redis::cmd("PING")), "PING");
        assert_eq!(
            text(::redis::cmd("FROBNICATE").arg("k")),
            "FROBNICATE ?",
            "unknown: no key"
        );
        assert_eq!(command(::redis::cmd("GET").arg("k"), false).text, None);
    }

    #[test]
    fn subcommands_and_scripts_are_named() {
        let object = command(::redis::cmd("OBJECT").arg("encoding").arg("k"), true);
        assert_eq!(object.name.as_deref(), Some("OBJECT encoding"));
        assert_eq!(object.text.as_deref(), Some("OBJECT encoding k"));
        let config = command(
            ::redis::cmd("CONFIG").arg("SET").arg("requirepass").arg("pw"),
            true,
        );
        assert_eq!(config.name.as_deref(), Some("CONFIG SET"));
        assert_eq!(config.text.as_deref(), Some("CONFIG SET ? ?"));
        let unknown_sub = command(::redis::cmd("CONFIG").arg("s3cr3t"), true);
        assert_eq!(unknown_sub.name.as_deref(), Some("CONFIG"));
        assert_eq!(unknown_sub.text.as_deref(), Some("CONFIG ?"));

        let sha = "e0e1f9fabfc9d4800c877a703b823ac0578ff8db";
        let evalsha = command(::redis::cmd("EVALSHA").arg(sha).arg(1).arg("k").arg("v"), true);
        assert_eq!(evalsha.name.as_deref(), Some("EVALSHA"));
        assert_eq!(evalsha.procedure.as_deref(), Some(sha));
        assert_eq!(evalsha.text, Some(format!("EVALSHA {sha} ? ? ?")));
        let eval = command(::redis::cmd("EVAL").arg("return 'x'").arg(0), true);
        assert_eq!((eval.procedure, eval.text.as_deref()), (None, Some("EVAL ? ?")));
    }

    #[test]
    fn keys_are_written_as_redis_cli_prints_them_and_bounded() {
        for key in [&b"plain"[..], b"a key", b"\x00\xffq\"\\\n\r\t'", b""] {
            let mut written = String::new();
            write_repr(&mut written, key);
            assert_eq!(written.len(), repr_len(key), "{written}");
        }
        assert_eq!(text(::redis::cmd("GET").arg("a key")), r#"GET "a key""#);
        assert_eq!(
            text(::redis::cmd("GET").arg(b"\x00\xffq\"".as_slice())),
            r#"GET "\x00\xffq\"""#
        );
        assert_eq!(text(::redis::cmd("GET").arg("")), r#"GET """#);
        let huge = "k".repeat(MAX_QUERY_TEXT * 2);
        assert_eq!(text(::redis::cmd("GET").arg(&huge)).len(), MAX_QUERY_TEXT);
        let mut many = ::redis::cmd("MSET");
        for _ in 0..MAX_QUERY_TEXT {
            many.arg("v");
        }
        assert!(text(&many).len() <= MAX_QUERY_TEXT);
    }

    #[test]
    fn bad_names_are_no_names() {
        assert_eq!(command(&::redis::cmd("GET key"), true), Described::default());
        assert_eq!(command(&Cmd::new(), true), Described::default());
        let long = "X".repeat(MAX_NAME + 1);
        assert_eq!(command(&::redis::cmd(&long), true).name, None);
        assert_eq!(
            command(::redis::cmd("JSON.SET").arg("doc"), true).name.as_deref(),
            Some("JSON.SET")
        );
    }

    #[test]
    fn a_pipeline_is_named_by_its_kind_and_the_command_they_share() {
        let mut same = ::redis::pipe();
        same.get("a").get("b");
        let described = pipeline(&same, true);
        assert_eq!(described.name.as_deref(), Some("PIPELINE GET"));
        assert_eq!(described.batch_size, Some(2));
        assert_eq!(described.text.as_deref(), Some("GET a; GET b"));

        let mut identical = ::redis::pipe();
        identical.atomic().incr("n", 1).incr("n", 2).incr("n", 3);
        let described = pipeline(&identical, true);
        assert_eq!(described.name.as_deref(), Some("MULTI INCRBY"));
        assert_eq!(
            described.text.as_deref(),
            Some("INCRBY n ?"),
            "one text when all are the same"
        );

        let mut mixed = ::redis::pipe();
        mixed.set("a", "s3cr3t").set("a", "other").get("a");
        let described = pipeline(&mixed, true);
        assert_eq!(described.name.as_deref(), Some("PIPELINE"));
        assert_eq!(described.batch_size, Some(3));
        assert_eq!(described.text.as_deref(), Some("SET a ?; SET a ?; GET a"));

        let mut one = ::redis::pipe();
        one.get("a");
        let described = pipeline(&one, true);
        assert_eq!(
            (described.name.as_deref(), described.batch_size),
            (Some("PIPELINE GET"), None)
        );
        let empty = pipeline(&::redis::pipe(), true);
        assert_eq!(
            (empty.name.as_deref(), empty.text, empty.batch_size),
            (Some("PIPELINE"), None, None)
        );
    }

    #[test]
    fn a_long_pipeline_text_is_bounded() {
        let mut long = ::redis::pipe();
        for i in 0..10_000 {
            long.get(format!("key:{i}"));
        }
        let described = pipeline(&long, true);
        assert!(described.text.expect("a text").len() <= MAX_QUERY_TEXT);
        assert_eq!(described.batch_size, Some(10_000));
    }
}
