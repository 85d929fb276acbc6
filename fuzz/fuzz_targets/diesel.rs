//! otel-kit-db's diesel hook (`otel_kit_db::diesel`): the connection URL reader and
//! the query-text reader (a query's `Debug` form), through the hook's public entry
//! points, with spans recorded by otel-kit-testing.
//!
//! Input: line 1 is a connection URL (or libpq string, or SQLite path); line 2 a SQL
//! text; the rest a raw `Debug` form (any bytes, invalid UTF-8 replaced).
//!
//! Invariants:
//! - no panic, for the URL through `DieselBuilder::build` and through the default
//!   path's `StartEstablishConnection`, and for any `Debug` form;
//! - a query shaped as diesel writes it (`Query { sql: <the text, escaped>, binds: [..] }`)
//!   with a bind value `ZQXZQX`: when the text has no `Z`, `Q` or `X`, no attribute of
//!   any span contains `ZQX` (a bind value never reaches a span), and the span's
//!   `db.query.text` is the text itself (cut to 16 KiB) when the text is not empty;
//! - no span attribute holds the URL's password (`pw-ZQX` put in a `postgres://` URL
//!   built from line 1's host part).
#![no_main]

use std::fmt;
use std::sync::LazyLock;

use diesel::connection::{DebugQuery, Instrumentation as _, InstrumentationEvent};
use libfuzzer_sys::fuzz_target;
use otel_kit_db::diesel::DieselBuilder;
use otel_kit_testing::TestTelemetry;

/// A query whose `Debug` form is given.
struct Raw<'a>(&'a str);

impl fmt::Debug for Raw<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for Raw<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl DebugQuery for Raw<'_> {}

/// A query as diesel's `DebugQuery` writes it: the text, then one bind value.
struct Shaped<'a>(&'a str);

impl fmt::Debug for Shaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Query")
            .field("sql", &self.0)
            .field("binds", &["ZQXZQX"])
            .finish()
    }
}

impl fmt::Display for Shaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} -- binds: [\"ZQXZQX\"]", self.0)
    }
}

impl DebugQuery for Shaped<'_> {}

static T: LazyLock<TestTelemetry> = LazyLock::new(TestTelemetry::new);

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let mut lines = input.splitn(3, '\n');
    let url = lines.next().unwrap_or_default();
    let sql = lines.next().unwrap_or_default();
    let raw = lines.next().unwrap_or_default();
    let t = &*T;
    t.reset();

    let host = url.split(['/', '@', '?', '#', ':']).find(|p| !p.is_empty()).unwrap_or("h");
    let with_password = format!("postgres://user:pw-ZQX@{host}/db");
    for url in [url, with_password.as_str()] {
        let mut hook = DieselBuilder::new().providers(t.providers()).build(url);
        hook.on_connection_event(InstrumentationEvent::start_query(&Shaped(sql)));
        hook.on_connection_event(InstrumentationEvent::finish_query(&Shaped(sql), None));
        hook.on_connection_event(InstrumentationEvent::start_query(&Raw(raw)));
        hook.on_connection_event(InstrumentationEvent::start_query(&Raw(sql)));
        hook.on_connection_event(InstrumentationEvent::finish_query(&Raw(raw), None));
        hook.on_connection_event(InstrumentationEvent::finish_query(&Raw(sql), None));
    }
    let mut default = DieselBuilder::new().providers(t.providers()).build("");
    default.on_connection_event(InstrumentationEvent::start_establish_connection(url));
    default.on_connection_event(InstrumentationEvent::finish_establish_connection(url, None));

    let spans = t.spans();
    let secret_free = !input.contains(['Z', 'Q', 'X']);
    for span in spans.iter() {
        let attributes = format!("{:?}", span.attributes);
        if secret_free {
            assert!(!attributes.contains("ZQX"), "a bind value or the password reached a span: {attributes}");
        }
    }
    if secret_free && !sql.is_empty() {
        let expected = &sql[..sql.floor_char_boundary(otel_kit_db::MAX_QUERY_TEXT)];
        let shaped = spans
            .iter()
            .filter(|s| {
                s.attribute("db.query.text")
                    .is_some_and(|v| v.as_str() == Some(expected))
            })
            .count();
        assert!(shaped >= 2, "the shaped query's text was not recorded as written: {sql:?}");
    }
});
