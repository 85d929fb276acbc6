//! The SQL summariser and sanitiser (`otel_kit_db::sql`), for every `SqlDialect`.
//!
//! Input: SQL text (invalid UTF-8 is replaced, the functions take `&str`).
//!
//! Invariants, per dialect:
//! - `analyze_and_sanitize` agrees with `analyze` and `sanitize` run separately;
//! - the summary is at most `MAX_SUMMARY_LEN` (255) characters, not empty when present
//!   (no summary for a recognised operation does happen: a table name longer than 255
//!   characters before the first operation empties the summary; reported, see
//!   docs/reliability.md);
//! - sanitising is idempotent: `sanitize(sanitize(x)) == sanitize(x)`;
//! - a string literal is never leaked: with `SELECT 'ZQXZQX' ` put in front of the
//!   input (so the literal is surely lexed as a string, whatever follows), the sanitised
//!   text does not contain `ZQX` when the input itself has none of the letters `Z`, `Q`,
//!   `X` (so nothing else in the output can spell it);
//! - in SQLite, a double-quoted literal is never leaked either: the same holds with
//!   `SELECT 1 WHERE a = "ZQXZQX" AND ` in front (a value position, whatever follows),
//!   with `SELECT 1 WHERE "ZQX@ZQX" = a AND ` (left of an operator) and with
//!   `SELECT "ZQXZQX" AS k, ` (aliased in a select list).
#![no_main]

use libfuzzer_sys::fuzz_target;
use otel_kit_db::sql::{MAX_SUMMARY_LEN, SqlDialect, analyze, analyze_and_sanitize, sanitize};

const DIALECTS: [SqlDialect; 4] = [
    SqlDialect::Generic,
    SqlDialect::PostgreSql,
    SqlDialect::MySql,
    SqlDialect::Sqlite,
];

fuzz_target!(|data: &[u8]| {
    let sql = String::from_utf8_lossy(data);
    let secret_free = !sql.contains(['Z', 'Q', 'X']);
    let with_secret = format!("SELECT 'ZQXZQX' {sql}");
    let with_double_quoted_secrets = [
        format!("SELECT 1 WHERE a = \"ZQXZQX\" AND {sql}"),
        format!("SELECT 1 WHERE \"ZQX@ZQX\" = a AND {sql}"),
        format!("SELECT \"ZQXZQX\" AS k, {sql}"),
    ];
    for dialect in DIALECTS {
        let (info, text) = analyze_and_sanitize(&sql, dialect);
        assert_eq!(info, analyze(&sql, dialect), "{dialect:?}");
        assert_eq!(text, sanitize(&sql, dialect), "{dialect:?}");

        if let Some(summary) = &info.summary {
            assert!(
                summary.chars().count() <= MAX_SUMMARY_LEN,
                "{dialect:?}: summary of {} characters",
                summary.chars().count()
            );
            assert!(!summary.is_empty(), "{dialect:?}: empty summary");
        }

        let twice = sanitize(&text, dialect);
        assert_eq!(twice, text, "{dialect:?}: sanitize is not idempotent on {sql:?}");

        if secret_free {
            let text = sanitize(&with_secret, dialect);
            assert!(!text.contains("ZQX"), "{dialect:?}: the literal leaked: {text:?}");
        }
        if secret_free && dialect == SqlDialect::Sqlite {
            for with_secret in &with_double_quoted_secrets {
                let text = sanitize(with_secret, dialect);
                assert!(!text.contains("ZQX"), "the double-quoted literal leaked: {text:?}");
            }
        }
    }
});
