//! [`QueryText`]: how a database instrumentation records `db.query.text`, in code (each
//! otel-kit-db builder's `query_text`) or from otel-kit-init's `OTEL_KIT_DB_QUERY_TEXT`
//! (the global switches'
//! [`db_query_text`](crate::instrumentation_switches::InstrumentationSwitches::db_query_text)).

/// How `db.query.text` is recorded.
///
/// ```
/// use otel_kit_core::QueryText;
///
/// assert_eq!(QueryText::default(), QueryText::Sanitized);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueryText {
    /// The default. A query with bind values (`WHERE id = $1` plus `.bind(7)`) is
    /// recorded as written: its values travel apart from the text. A query without bind
    /// values has every literal replaced by `?` (otel-kit-db's `sql::sanitize`), since
    /// its values are in the text. Bind values themselves are never recorded.
    #[default]
    Sanitized,
    /// Every query has its literals replaced by `?`, whether or not it has bind values:
    /// for a service whose queries mix binds with inline literals
    /// (`WHERE id = $1 AND status = 'published'`). Bind values are never recorded.
    AlwaysSanitized,
    /// No `db.query.text` at all. The summary is still recorded.
    Off,
}

impl QueryText {
    /// The names `OTEL_KIT_DB_QUERY_TEXT` takes, in the order of the variants.
    pub const NAMES: [&'static str; 3] = ["sanitized", "always_sanitized", "off"];

    /// The mode `name` (one of [`NAMES`](Self::NAMES), any case) names.
    ///
    /// ```
    /// use otel_kit_core::QueryText;
    ///
    /// assert_eq!(QueryText::from_name("always_sanitized"), Some(QueryText::AlwaysSanitized));
    /// assert_eq!(QueryText::from_name("all"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Self> {
        let index = Self::NAMES
            .iter()
            .position(|n| n.eq_ignore_ascii_case(name.trim()))?;
        Some([Self::Sanitized, Self::AlwaysSanitized, Self::Off][index])
    }

    /// Whether the text of a query (with bind values or not, `has_binds`) is recorded
    /// with its literals replaced.
    ///
    /// ```
    /// use otel_kit_core::QueryText;
    ///
    /// assert!(QueryText::Sanitized.sanitizes(false) && !QueryText::Sanitized.sanitizes(true));
    /// assert!(QueryText::AlwaysSanitized.sanitizes(true));
    /// assert!(!QueryText::Off.sanitizes(false));
    /// ```
    pub fn sanitizes(self, has_binds: bool) -> bool {
        match self {
            Self::Sanitized => !has_binds,
            Self::AlwaysSanitized => true,
            Self::Off => false,
        }
    }
}
