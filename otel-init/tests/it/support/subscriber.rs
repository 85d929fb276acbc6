//! Shared by the `subscriber` tests: an in-memory console, the subscriber under test
//! wired to a `TestTelemetry`, a remote parent context, and a small JSON reader (serde_json
//! is not a dev-dependency of otel-kit-init).

use std::io;
use std::sync::{Arc, Mutex, PoisonError};

use opentelemetry::Context;
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
use otel_kit_init::subscriber::{self, Console, ConsoleFormat, LogFilter};
use otel_kit_testing::TestTelemetry;
use tracing::Dispatch;
use tracing_subscriber::fmt::MakeWriter;

/// Console output kept in memory, shared by every writer it makes.
#[derive(Clone, Default)]
pub(crate) struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    pub(crate) fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8(bytes.clone()).expect("console output is UTF-8")
    }

    pub(crate) fn lines(&self) -> Vec<String> {
        self.text().lines().map(str::to_owned).collect()
    }

    /// The lines without the SDK's (`opentelemetry_sdk`), for tests that count lines:
    /// when a thread registers a new call site, tracing-core rebuilds every dispatcher's
    /// interest and can briefly hold the last reference to another test's finished
    /// subscriber, whose logger provider then logs its drop to this thread's console.
    pub(crate) fn app_lines(&self) -> Vec<String> {
        self.lines()
            .into_iter()
            .filter(|l| !l.contains(" opentelemetry_sdk: ") && !l.contains(r#""target":"opentelemetry_sdk""#))
            .collect()
    }

    /// The one line containing `needle`.
    #[track_caller]
    pub(crate) fn line(&self, needle: &str) -> String {
        let lines = self.lines();
        let found: Vec<&String> = lines.iter().filter(|l| l.contains(needle)).collect();
        assert_eq!(
            found.len(),
            1,
            "expected one line containing {needle:?}, console:\n{}",
            self.text()
        );
        found[0].clone()
    }
}

pub(crate) struct CaptureWriter(Arc<Mutex<Vec<u8>>>);

impl io::Write for CaptureWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = CaptureWriter;

    fn make_writer(&'a self) -> CaptureWriter {
        CaptureWriter(self.0.clone())
    }
}

/// The subscriber under test, exporting to `t`, printing to the returned capture.
pub(crate) fn dispatch(t: &TestTelemetry, format: ConsoleFormat, directives: &str) -> (Dispatch, Capture) {
    let filter = LogFilter::parse(directives).expect("test directives are valid");
    dispatch_with(t, &filter, |capture| Console::new(format, capture))
}

/// The same with any console over the capture and any filter.
pub(crate) fn dispatch_with(
    t: &TestTelemetry,
    filter: &LogFilter,
    console: impl FnOnce(Capture) -> Console<Capture>,
) -> (Dispatch, Capture) {
    let capture = Capture::default();
    let subscriber = subscriber::subscriber(
        t.tracer("otel-kit-init-test"),
        t.logger_provider(),
        console(capture.clone()),
        filter,
    );
    (Dispatch::new(subscriber), capture)
}

pub(crate) const REMOTE_TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
pub(crate) const REMOTE_SPAN_ID: &str = "00f067aa0ba902b7";

/// A sampled remote parent, as a propagator would extract it from a `traceparent`.
pub(crate) fn remote_parent() -> Context {
    let span_context = SpanContext::new(
        TraceId::from_hex(REMOTE_TRACE_ID).expect("valid trace id"),
        SpanId::from_hex(REMOTE_SPAN_ID).expect("valid span id"),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    );
    Context::new().with_remote_span_context(span_context)
}

/// The ` trace_id=<32 hex> span_id=<16 hex>` suffix of a text line, checked for shape.
#[track_caller]
pub(crate) fn text_ids(line: &str) -> Option<(String, String)> {
    let at = line.find(" trace_id=")?;
    let rest = &line[at + " trace_id=".len()..];
    let (trace_id, rest) = rest.split_once(" span_id=").expect("span_id follows trace_id");
    assert!(is_hex(trace_id, 32), "trace_id {trace_id:?} in {line:?}");
    assert!(
        is_hex(rest, 16),
        "span_id {rest:?} (must end the line) in {line:?}"
    );
    Some((trace_id.to_owned(), rest.to_owned()))
}

pub(crate) fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A parsed JSON value; numbers stay as text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Parses one complete JSON document; `None` if it is not valid JSON.
    pub(crate) fn parse(text: &str) -> Option<Json> {
        let mut p = Parser {
            s: text.as_bytes(),
            i: 0,
        };
        let value = p.value()?;
        p.ws();
        (p.i == p.s.len()).then_some(value)
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => {
                let mut found = members.iter().filter(|(k, _)| k == key);
                let first = found.next().map(|(_, v)| v);
                assert!(found.next().is_none(), "duplicate key {key:?}");
                first
            }
            _ => None,
        }
    }

    pub(crate) fn str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        self.ws();
        (self.s.get(self.i) == Some(&b)).then(|| self.i += 1)
    }

    fn literal(&mut self, word: &str, value: Json) -> Option<Json> {
        self.s[self.i..].starts_with(word.as_bytes()).then(|| {
            self.i += word.len();
            value
        })
    }

    fn value(&mut self) -> Option<Json> {
        self.ws();
        match *self.s.get(self.i)? {
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                if self.eat(b'}').is_some() {
                    return Some(Json::Object(members));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    self.eat(b':')?;
                    members.push((key, self.value()?));
                    if self.eat(b',').is_none() {
                        self.eat(b'}')?;
                        return Some(Json::Object(members));
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                if self.eat(b']').is_some() {
                    return Some(Json::Array(items));
                }
                loop {
                    items.push(self.value()?);
                    if self.eat(b',').is_none() {
                        self.eat(b']')?;
                        return Some(Json::Array(items));
                    }
                }
            }
            b'"' => self.string().map(Json::String),
            b't' => self.literal("true", Json::Bool(true)),
            b'f' => self.literal("false", Json::Bool(false)),
            b'n' => self.literal("null", Json::Null),
            _ => {
                let start = self.i;
                while self.i < self.s.len()
                    && matches!(self.s[self.i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    self.i += 1;
                }
                let number = std::str::from_utf8(&self.s[start..self.i]).ok()?;
                number.parse::<f64>().ok()?;
                Some(Json::Number(number.to_owned()))
            }
        }
    }

    fn string(&mut self) -> Option<String> {
        if self.s.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let b = *self.s.get(self.i)?;
            self.i += 1;
            match b {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let escaped = *self.s.get(self.i)?;
                    self.i += 1;
                    match escaped {
                        b'"' | b'\\' | b'/' => out.push(escaped),
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'u' => {
                            let hex = std::str::from_utf8(self.s.get(self.i..self.i + 4)?).ok()?;
                            self.i += 4;
                            let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                            out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                        }
                        _ => return None,
                    }
                }
                // Control characters must be escaped in JSON strings.
                0..=0x1f => return None,
                _ => out.push(b),
            }
        }
    }
}
