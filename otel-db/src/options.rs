//! What an instrumented pool records beyond the defaults, and the limits of what it
//! records (plain values: there with no driver feature too).

/// How `db.query.text` is recorded: otel-kit-core's, so that otel-kit-init's
/// `OTEL_KIT_DB_QUERY_TEXT` can name it.
pub use otel_kit_core::QueryText;

/// A wrapper's `db.query.text` mode: the builder's, else otel-kit-init's
/// `OTEL_KIT_DB_QUERY_TEXT` (through the global switches, read at the first operation,
/// after `init()` set them), else the default. Reading it after the first time is one
/// load.
#[cfg(feature = "__front-end")]
#[derive(Debug, Clone, Default)]
pub(crate) struct QueryTextSetting {
    in_code: Option<QueryText>,
    effective: std::sync::OnceLock<QueryText>,
}

#[cfg(feature = "__front-end")]
impl QueryTextSetting {
    /// The builder's mode, which wins over the setting.
    pub(crate) fn set(&mut self, mode: QueryText) {
        self.in_code = Some(mode);
        self.effective = std::sync::OnceLock::new();
    }

    /// The mode in effect.
    pub(crate) fn get(&self) -> QueryText {
        *self.effective.get_or_init(|| {
            self.in_code
                .or_else(|| {
                    otel_kit_core::instrumentation_switches::global_instrumentation_switches()?.db_query_text
                })
                .unwrap_or_default()
        })
    }
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
    pub(crate) query_text: QueryTextSetting,
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
