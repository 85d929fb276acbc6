//! What a query text puts on its spans and measurements, worked out once per text and
//! dialect: the span name, the attributes that come from the summary, and the
//! sanitised text. Every string is shared (`Arc<str>`), so putting it on a span is a
//! reference count, not a copy.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use opentelemetry::{KeyValue, StringValue};
use otel_kit_core::__private::SharedNames;
use otel_kit_semconv::attribute::{DB_OPERATION_NAME, DB_QUERY_SUMMARY, DB_STORED_PROCEDURE_NAME};
use smallvec::SmallVec;

use crate::options::{MAX_QUERY_TEXT, QueryText};
use crate::sql::{self, QueryInfo, SqlDialect};
use crate::sql_core::instrumentation::{Frontend, Instrumentation};

/// The statement attributes of an operation: at most four (operation and collection,
/// which only a caller's [`crate::DbOperation`] or a step gives; summary, procedure).
pub(crate) type StatementAttributes = SmallVec<[KeyValue; 4]>;

/// One query text, described.
#[derive(Debug)]
pub(crate) struct Statement {
    dialect: SqlDialect,
    /// The text as written: the cache key, and `db.query.text` when it has bind values.
    text: StringValue,
    /// The span name (see [`span_name`]); `None` when nothing was recognised (the span
    /// is then named after the endpoint's target, else the system).
    name: Option<Cow<'static, str>>,
    /// `db.query.summary`, parsed from the text.
    summary: Option<StringValue>,
    /// `db.stored_procedure.name`, parsed from the text.
    procedure: Option<StringValue>,
    /// `db.query.summary` and `db.stored_procedure.name` (a step's
    /// `db.operation.name` and summary): on the span and the duration metric. Never an
    /// operation or collection name parsed from the text: the conventions say not to.
    attributes: StatementAttributes,
    /// `db.operation.batch.size`, for two statements or more.
    batch_size: Option<i64>,
    /// The text with its literals replaced, made on first use; at most
    /// [`MAX_QUERY_TEXT`] bytes.
    sanitized: OnceLock<StringValue>,
    /// The text as written, cut to [`MAX_QUERY_TEXT`] bytes, made on first use.
    recorded: OnceLock<StringValue>,
    /// The endpoint's attributes and then [`Self::attributes`], for the first pool
    /// (and system) that ran this text.
    operation_attributes: OnceLock<OperationAttributes>,
}

/// An operation's span and metric attributes, as far as they are fixed, for one pool.
#[derive(Debug)]
struct OperationAttributes {
    /// [`Instrumentation::id`].
    pool: u64,
    system: &'static str,
    attributes: Box<[KeyValue]>,
}

impl Statement {
    /// Describes `text`; with `sanitize`, the sanitised text is made now, over the same
    /// tokenization.
    pub(crate) fn new(text: &str, dialect: SqlDialect, sanitize: bool) -> Self {
        let (info, sanitized) = sql::describe(text, dialect, sanitize);
        let statement = Self::from_info(text, dialect, info);
        if let Some(sanitized) = sanitized {
            let _ = statement.sanitized.set(shared(capped(&sanitized)));
        }
        statement
    }

    /// A step with a fixed name and no text (`BEGIN`, `COMMIT`, `ROLLBACK`): an API
    /// above the text, which the conventions let name the operation.
    pub(crate) fn step(name: &'static str) -> Self {
        let mut attributes = StatementAttributes::new();
        attributes.push(KeyValue::new(DB_OPERATION_NAME, name));
        attributes.push(KeyValue::new(DB_QUERY_SUMMARY, name));
        Self {
            dialect: SqlDialect::Generic,
            text: StringValue::from(""),
            name: Some(Cow::Borrowed(name)),
            summary: Some(StringValue::from(name)),
            procedure: None,
            attributes,
            batch_size: None,
            sanitized: OnceLock::new(),
            recorded: OnceLock::new(),
            operation_attributes: OnceLock::new(),
        }
    }

    fn from_info(text: &str, dialect: SqlDialect, info: QueryInfo) -> Self {
        let QueryInfo {
            summary,
            stored_procedure_name,
            batch_size,
        } = info;
        let name = span_name(summary.as_deref(), None, stored_procedure_name.as_deref()).map(shared_name);
        let summary = summary.as_deref().map(shared);
        let procedure = stored_procedure_name.as_deref().map(shared);
        let mut attributes = StatementAttributes::new();
        let mut push = |key: &'static str, value: &Option<StringValue>| {
            if let Some(value) = value {
                attributes.push(KeyValue::new(key, value.clone()));
            }
        };
        push(DB_QUERY_SUMMARY, &summary);
        push(DB_STORED_PROCEDURE_NAME, &procedure);
        Self {
            dialect,
            text: shared(text),
            name,
            summary,
            procedure,
            attributes,
            batch_size: batch_size.map(|size| i64::try_from(size).unwrap_or(i64::MAX)),
            sanitized: OnceLock::new(),
            recorded: OnceLock::new(),
            operation_attributes: OnceLock::new(),
        }
    }

    /// Whether this describes `text` in `dialect`.
    pub(crate) fn is(&self, text: &str, dialect: SqlDialect) -> bool {
        self.dialect == dialect && self.text.as_str() == text
    }

    /// The span name; `None` means the system's name.
    pub(crate) fn name(&self) -> Option<&Cow<'static, str>> {
        self.name.as_ref()
    }

    pub(crate) fn attributes(&self) -> &[KeyValue] {
        &self.attributes
    }

    /// `db.query.summary` as parsed (or the step's name).
    pub(crate) fn summary(&self) -> Option<&StringValue> {
        self.summary.as_ref()
    }

    /// `db.stored_procedure.name` as parsed.
    pub(crate) fn procedure(&self) -> Option<&StringValue> {
        self.procedure.as_ref()
    }

    /// The endpoint's attributes (`system` as `db.system.name`) and then
    /// [`Self::attributes`]: what every operation of this text on `instrumentation`'s
    /// pool carries on its span and its measurement. Made once, for the first pool
    /// and system that ask (a text usually runs on one pool); `None` for any other,
    /// whose operations put the list together themselves.
    pub(crate) fn operation_attributes<F: Frontend>(
        &self,
        instrumentation: &Instrumentation<F>,
        system: &'static str,
    ) -> Option<&[KeyValue]> {
        let made = self.operation_attributes.get_or_init(|| OperationAttributes {
            pool: instrumentation.id(),
            system,
            attributes: instrumentation
                .endpoint
                .attributes(system)
                .chain(self.attributes.iter().cloned())
                .collect(),
        });
        (made.pool == instrumentation.id() && made.system == system).then_some(&*made.attributes)
    }

    pub(crate) fn batch_size(&self) -> Option<i64> {
        self.batch_size
    }

    /// `db.query.text` in `mode` for an operation that has bind values (`has_binds`)
    /// or not: sanitised where the mode says ([`QueryText::sanitizes`]), else as written
    /// (the values travel apart).
    pub(crate) fn query_text(&self, mode: QueryText, has_binds: bool) -> Option<StringValue> {
        match mode {
            QueryText::Off => None,
            mode if mode.sanitizes(has_binds) => Some(self.sanitized().clone()),
            _ => Some(self.recorded_text().clone()),
        }
    }

    /// The text as written, cut to [`MAX_QUERY_TEXT`] bytes: `db.query.text` of a
    /// query with bind values.
    pub(crate) fn recorded_text(&self) -> &StringValue {
        self.recorded.get_or_init(|| {
            let text = self.text.as_str();
            if text.len() <= MAX_QUERY_TEXT {
                self.text.clone()
            } else {
                shared(capped(text))
            }
        })
    }

    /// The text with its literals replaced by `?`, at most [`MAX_QUERY_TEXT`] bytes.
    pub(crate) fn sanitized(&self) -> &StringValue {
        self.sanitized
            .get_or_init(|| shared(capped(&sql::sanitize(self.text.as_str(), self.dialect))))
    }

    /// Roughly how many bytes this holds, for the cache's budget: the sanitised text
    /// is counted whether made yet or not (it is at most a little longer than the
    /// text: `IN(1)` becomes `IN (?)`), so the figure never changes.
    pub(crate) fn size(&self) -> usize {
        let strings: usize = self.attributes.iter().map(|kv| kv.value.as_str().len()).sum();
        let text = self.text.as_str().len();
        // At most four endpoint and four statement attributes, made for one pool.
        let operation_attributes = 8 * std::mem::size_of::<KeyValue>();
        std::mem::size_of::<Self>()
            + text * 3
            + self.name.as_ref().map_or(0, |n| n.len())
            + strings
            + operation_attributes
    }
}

/// `s`, or its first [`MAX_QUERY_TEXT`] bytes cut on a character boundary.
fn capped(s: &str) -> &str {
    &s[..s.floor_char_boundary(MAX_QUERY_TEXT)]
}

fn shared(s: &str) -> StringValue {
    StringValue::from(Arc::<str>::from(s))
}

/// Span names shared for the life of the process. Names come from query summaries,
/// which are few by design (operations and table names), so each distinct one is kept
/// once, up to 256 KiB for the process; after that, names are allocated per span.
/// Called once per statement a thread describes, and per operation a caller describes
/// with a [`crate::DbOperation`].
pub(crate) fn shared_name(name: String) -> Cow<'static, str> {
    static NAMES: SharedNames = SharedNames::new(256 * 1024);
    NAMES.share(&name).map_or(Cow::Owned(name), Cow::Borrowed)
}

/// The span name the conventions give: `{db.query.summary}`, else
/// `{db.operation.name} {target}`, else `{db.operation.name}`, else `{target}`; `None`
/// for `{db.system.name}`. The target is the collection, else the stored procedure.
pub(crate) fn span_name(
    summary: Option<&str>,
    operation: Option<&str>,
    target: Option<&str>,
) -> Option<String> {
    match (summary, operation, target) {
        (Some(summary), ..) => Some(summary.to_owned()),
        (None, Some(op), Some(target)) => Some(format!("{op} {target}")),
        (None, Some(op), None) => Some(op.to_owned()),
        (None, None, target) => target.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_text_is_recorded_cut_on_a_character_boundary() {
        // Multi-byte characters straddle the limit.
        let long = format!("SELECT '{}' FROM t WHERE id = $1", "é".repeat(MAX_QUERY_TEXT));
        let statement = Statement::new(&long, SqlDialect::PostgreSql, false);
        let recorded = statement.recorded_text().as_str();
        assert!(recorded.len() <= MAX_QUERY_TEXT && recorded.len() > MAX_QUERY_TEXT - 4);
        assert!(long.starts_with(recorded));
        // The cache key stays whole.
        assert!(statement.is(&long, SqlDialect::PostgreSql));
        let short = Statement::new("SELECT 1 WHERE 1 = $1", SqlDialect::PostgreSql, false);
        assert_eq!(short.recorded_text().as_str(), "SELECT 1 WHERE 1 = $1");

        let columns: Vec<String> = (0..5000).map(|i| format!("column_{i}")).collect();
        let wide = format!("SELECT {} FROM t", columns.join(", "));
        let sanitized = Statement::new(&wide, SqlDialect::PostgreSql, true);
        assert_eq!(sanitized.sanitized().as_str().len(), MAX_QUERY_TEXT);
        assert!(wide.starts_with(sanitized.sanitized().as_str()));
    }

    #[test]
    fn describes_once_and_sanitises_on_demand() {
        let statement = Statement::new("SELECT * FROM users WHERE id = 7", SqlDialect::PostgreSql, false);
        assert_eq!(statement.name().map(|n| n.as_ref()), Some("SELECT users"));
        // The summary only: operation and collection are not taken from the text.
        let keys: Vec<&str> = statement.attributes().iter().map(|kv| kv.key.as_str()).collect();
        assert_eq!(keys, [DB_QUERY_SUMMARY]);
        assert_eq!(statement.sanitized().as_str(), "SELECT * FROM users WHERE id = ?");
        assert!(statement.is("SELECT * FROM users WHERE id = 7", SqlDialect::PostgreSql));
        assert!(!statement.is("SELECT * FROM users WHERE id = 7", SqlDialect::MySql));

        let unknown = Statement::new("frobnicate", SqlDialect::Sqlite, true);
        assert_eq!(unknown.name(), None);
        assert!(unknown.attributes().is_empty());

        let pool = |file: &str| {
            crate::sql_core::instrumentation::Instrumentation::<crate::sqlx::frontend::Sqlx>::new(
                crate::front_end::endpoint::Endpoint::file("sqlite", file),
                crate::options::Options::default(),
                otel_kit_core::Providers::new(),
                false,
            )
        };
        let (a, b) = (pool("a.db"), pool("b.db"));
        let fixed = statement
            .operation_attributes(&a, "sqlite")
            .map(<[KeyValue]>::to_vec);
        let keys: Vec<String> = fixed
            .iter()
            .flatten()
            .map(|kv| format!("{}={}", kv.key, kv.value))
            .collect();
        assert_eq!(
            keys,
            [
                "db.system.name=sqlite",
                "db.namespace=a.db",
                "db.query.summary=SELECT users"
            ]
        );
        assert!(statement.operation_attributes(&a, "sqlite").is_some());
        assert!(
            statement.operation_attributes(&b, "sqlite").is_none(),
            "made for another pool"
        );
        assert!(
            statement.operation_attributes(&a, "other").is_none(),
            "made for another system"
        );

        let step = Statement::step("COMMIT");
        assert_eq!(step.name().map(|n| n.as_ref()), Some("COMMIT"));
        assert_eq!(step.attributes().len(), 2);
    }
}
