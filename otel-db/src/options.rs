//! What an instrumented pool records beyond the defaults.

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
    /// No `db.query.text` at all. The summary, operation and table are still recorded.
    Off,
}

/// The settings of an instrumented pool; see [`crate::InstrumentBuilder`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    pub(crate) query_text: QueryText,
    pub(crate) returned_rows: bool,
    pub(crate) sql_commenter: bool,
    pub(crate) pool_name: Option<String>,
    pub(crate) system_name: Option<&'static str>,
}
