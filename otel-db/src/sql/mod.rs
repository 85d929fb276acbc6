//! SQL text analysis: the query summary (`db.query.summary`) and the sanitised query
//! text (`db.query.text`), by a small tokenizer that knows the quoting rules of
//! PostgreSQL, MySQL/MariaDB and SQLite. Neither ever fails or panics: text it cannot
//! make sense of gives no summary, and an unterminated literal is replaced whole.
//!
//! The summary is where the parsed form of a query goes: the conventions ask that
//! `db.operation.name` and `db.collection.name` not be taken from the text, so the
//! summariser does not produce them (a caller gives them, `otel_kit_db::DbOperation`).
//!
//! ```
//! use otel_kit_db::sql::{SqlDialect, analyze, sanitize};
//!
//! let sql = "INSERT INTO orders (id, note) SELECT id, 'gift' FROM carts WHERE id IN (1, 2, 3)";
//! let info = analyze(sql, SqlDialect::PostgreSql);
//! assert_eq!(info.summary.as_deref(), Some("INSERT orders SELECT carts"));
//! assert_eq!(
//!     sanitize(sql, SqlDialect::PostgreSql),
//!     "INSERT INTO orders (id, note) SELECT id, ? FROM carts WHERE id IN (?)"
//! );
//! ```

mod double_quoted;
mod keywords;
mod lexer;
mod sanitize;
mod summary;

#[cfg(test)]
mod corpus_tests;

/// The most characters (not bytes) a `db.query.summary` has (the conventions' limit); a
/// longer summary loses its last words.
///
/// ```
/// assert_eq!(otel_kit_db::sql::MAX_SUMMARY_LEN, 255);
/// ```
pub const MAX_SUMMARY_LEN: usize = 255;

/// The SQL dialect whose lexical rules apply: which quotes delimit strings and
/// identifiers, whether `#` starts a comment, and which placeholders exist.
///
/// ```
/// use otel_kit_db::sql::{SqlDialect, sanitize};
///
/// // In MySQL a double-quoted text is a string; in PostgreSQL an identifier.
/// assert_eq!(sanitize(r#"SELECT "a""#, SqlDialect::MySql), "SELECT ?");
/// assert_eq!(sanitize(r#"SELECT "a""#, SqlDialect::PostgreSql), r#"SELECT "a""#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SqlDialect {
    /// ANSI quoting: `'string'`, `"identifier"`.
    #[default]
    Generic,
    /// PostgreSQL: also `E'...'`, `$tag$...$tag$`, nested block comments, `$1`.
    PostgreSql,
    /// MySQL and MariaDB: `"..."` is a string, backslash escapes, `` `ident` ``, `#` comments.
    MySql,
    /// SQLite: also `` `ident` ``, `[ident]`, `?1`, `:name`, `@name`, `$name`; a
    /// `"..."` where a value goes (after `=`, in `VALUES (...)`, `IN (...)`, ...) is a
    /// string, as SQLite reads one that names no column, and elsewhere an identifier.
    ///
    /// ```
    /// use otel_kit_db::sql::{SqlDialect, analyze, sanitize};
    ///
    /// let sql = r#"SELECT "id" FROM "users" WHERE "name" = "alice""#;
    /// assert_eq!(sanitize(sql, SqlDialect::Sqlite), r#"SELECT "id" FROM "users" WHERE "name" = ?"#);
    /// assert_eq!(analyze(sql, SqlDialect::Sqlite).summary.as_deref(), Some(r#"SELECT "users""#));
    /// ```
    Sqlite,
}

/// What the summariser learned about a query text.
///
/// ```
/// use otel_kit_db::sql::{SqlDialect, analyze};
///
/// let info = analyze("select * from Users where id = $1", SqlDialect::PostgreSql);
/// assert_eq!(info.summary.as_deref(), Some("select Users")); // as written
/// assert_eq!(info.batch_size, None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryInfo {
    /// `db.query.summary`: operations and tables in the order and case the text gives
    /// them, at most 255 characters; `BATCH ...` for several statements. `None` when no
    /// operation was recognised.
    pub summary: Option<String>,
    /// `db.stored_procedure.name`: the procedure of a `CALL`, as written (of a batch:
    /// the one every statement calls).
    pub stored_procedure_name: Option<String>,
    /// `db.operation.batch.size`: the number of statements, when there are two or more.
    pub batch_size: Option<usize>,
}

/// Summarises `sql`: see [`QueryInfo`].
///
/// ```
/// use otel_kit_db::sql::{SqlDialect, analyze};
///
/// let sql = "WITH recent AS (SELECT * FROM orders) SELECT * FROM recent r JOIN users u ON u.id = r.user_id";
/// let info = analyze(sql, SqlDialect::PostgreSql);
/// // The CTE `recent` is not a table: like a subquery's alias, it names no target.
/// assert_eq!(info.summary.as_deref(), Some("SELECT orders SELECT users"));
///
/// let info = analyze("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)", SqlDialect::Sqlite);
/// assert_eq!(info.summary.as_deref(), Some("BATCH INSERT t"));
/// assert_eq!(info.batch_size, Some(2));
/// ```
pub fn analyze(sql: &str, dialect: SqlDialect) -> QueryInfo {
    summary::analyze(sql, &lexer::tokens(sql, dialect))
}

/// `sql` with every literal (strings, numbers, hex, booleans, dollar-quoted bodies)
/// replaced by `?`, lists of literals after `IN` collapsed to `(?)`, and comments
/// removed. Placeholders (`$1`, `?`) and identifiers are kept.
///
/// ```
/// use otel_kit_db::sql::{SqlDialect, sanitize};
///
/// assert_eq!(
///     sanitize("UPDATE users SET name = 'Ada', active = true WHERE id = 42 -- by admin", SqlDialect::PostgreSql),
///     "UPDATE users SET name = ?, active = ? WHERE id = ? "
/// );
/// ```
pub fn sanitize(sql: &str, dialect: SqlDialect) -> String {
    returned(sanitize::sanitize(sql, &lexer::tokens(sql, dialect), dialect))
}

/// [`analyze`] and [`sanitize`] at once, over one tokenization of `sql`: what an
/// operation without bind values pays for a text it has not seen before.
///
/// ```
/// use otel_kit_db::sql::{SqlDialect, analyze_and_sanitize};
///
/// let (info, text) = analyze_and_sanitize("DELETE FROM carts WHERE id = 7", SqlDialect::MySql);
/// assert_eq!(info.summary.as_deref(), Some("DELETE carts"));
/// assert_eq!(text, "DELETE FROM carts WHERE id = ?");
/// ```
pub fn analyze_and_sanitize(sql: &str, dialect: SqlDialect) -> (QueryInfo, String) {
    let tokens = lexer::tokens(sql, dialect);
    (
        summary::analyze(sql, &tokens),
        returned(sanitize::sanitize(sql, &tokens, dialect)),
    )
}

/// The sanitised text as handed to a caller. It is built in a buffer of the input's
/// size, and a sanitised text is often far shorter (a 1 MB `IN` list becomes `(?)`):
/// without this a caller keeping the 36-byte result would keep the megabyte too
/// (tests/it/oversized_input.rs). The instrumentation itself copies it into an `Arc<str>`.
fn returned(mut text: String) -> String {
    if text.capacity() > 2 * text.len() + 64 {
        text.shrink_to_fit();
    }
    text
}

/// [`analyze`], and [`sanitize`] when `sanitized` is set, over one tokenization.
#[cfg(feature = "__sql-core")]
pub(crate) fn describe(sql: &str, dialect: SqlDialect, sanitized: bool) -> (QueryInfo, Option<String>) {
    let tokens = lexer::tokens(sql, dialect);
    let info = summary::analyze(sql, &tokens);
    (info, sanitized.then(|| sanitize::sanitize(sql, &tokens, dialect)))
}
