//! What an instrumented pool records beyond the defaults, and the limits of what it
//! records (plain values: there with no driver feature too).

/// How `db.query.text` is recorded.
///
/// ```
/// use otel_kit_db::QueryText;
///
/// assert_eq!(QueryText::default(), QueryText::Sanitized);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueryText {
    /// The default. A query with bind values (`WHERE id = $1` plus `.bind(7)`) is
    /// recorded as written: its values travel apart from the text. A query without bind
    /// values has every literal replaced by `?` (see [`crate::sql::sanitize`]), since
    /// its values are in the text. Bind values themselves are never recorded.
    #[default]
    Sanitized,
    /// No `db.query.text` at all. The summary is still recorded.
    Off,
}

/// The longest `db.query.text` recorded, in bytes: a longer text is cut to its first
/// `MAX_QUERY_TEXT` bytes (on a character boundary). A generated statement can be
/// megabytes long, and one attribute per query of that size is a cost to every span,
/// export and backend; the summary still names what the statement did.
pub const MAX_QUERY_TEXT: usize = 16 * 1024;

/// The boundaries of `db.client.operation.duration`, in seconds, as the database
/// conventions advise.
///
/// ```
/// assert_eq!(otel_kit_db::DB_DURATION_BUCKETS[0], 0.001);
/// assert_eq!(otel_kit_db::DB_DURATION_BUCKETS.len(), 9);
/// ```
pub const DB_DURATION_BUCKETS: [f64; 9] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0];

/// The settings of an instrumented pool; see [`crate::InstrumentBuilder`].
#[cfg(feature = "__sql-core")]
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    pub(crate) query_text: QueryText,
    pub(crate) returned_rows: bool,
    /// Only the sqlx pool writes the SQL commenter's comment.
    #[cfg_attr(
        not(any(feature = "postgres", feature = "mysql", feature = "sqlite")),
        allow(dead_code)
    )]
    pub(crate) sql_commenter: bool,
    pub(crate) pool_name: Option<String>,
    pub(crate) system_name: Option<&'static str>,
}
