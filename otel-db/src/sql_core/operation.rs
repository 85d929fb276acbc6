//! [`DbOperation`]: the operation name, collection name and summary a caller gives for a
//! query. The SQL conventions set `db.operation.name` and `db.collection.name` only
//! when an API above the query text supplies them, never parsed from the text: this is
//! how the caller supplies them.

use std::borrow::Cow;

use opentelemetry::{KeyValue, StringValue};
use otel_kit_semconv::attribute::{
    DB_COLLECTION_NAME, DB_OPERATION_NAME, DB_QUERY_SUMMARY, DB_STORED_PROCEDURE_NAME,
};

use crate::sql_core::statement::{Statement, StatementAttributes, shared_name, span_name};

/// What the caller says about a query: `db.operation.name`, `db.collection.name` and,
/// if it wants, `db.query.summary`. Handed to
/// [`InstrumentedPool::with_operation`](crate::InstrumentedPool::with_operation) or
/// [`InstrumentedConnection::with_operation`](crate::InstrumentedConnection::with_operation),
/// whose executor puts them on the query's span and its `db.client.operation.duration`
/// measurement, as given (no case is changed; runs of spaces in the operation name
/// become one, as the conventions ask). An empty value is no value.
///
/// The summary, when not given: `{name} {collection}` (or `{name}`) when a name is
/// given, so that the summary and the span name say what the attributes say; else the
/// one parsed from the text.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sqlx::Error> {
/// use otel_kit_db::DbOperation;
///
/// let pool = otel_kit_db::instrument(sqlx::SqlitePool::connect("sqlite::memory:").await?);
/// sqlx::raw_sql("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)").execute(&pool).await?;
/// // Span `SELECT users`, with db.operation.name = SELECT and db.collection.name = users.
/// let emails: Vec<(String,)> = sqlx::query_as("SELECT email FROM users WHERE id > ?1")
///     .bind(10_i64)
///     .fetch_all(pool.with_operation(DbOperation::new().name("SELECT").collection("users")))
///     .await?;
/// assert!(emails.is_empty());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DbOperation {
    name: Option<StringValue>,
    collection: Option<StringValue>,
    summary: Option<StringValue>,
}

impl DbOperation {
    /// No values: the query is described by its text alone.
    ///
    /// ```
    /// assert_eq!(otel_kit_db::DbOperation::new(), otel_kit_db::DbOperation::default());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// `db.operation.name`: what the operation does (`SELECT`, `find_user`). Keep it low
    /// in cardinality: it names the span when there is no summary.
    ///
    /// ```
    /// use otel_kit_db::DbOperation;
    ///
    /// assert_eq!(DbOperation::new().name("BATCH  INSERT"), DbOperation::new().name("BATCH INSERT"));
    /// ```
    pub fn name(mut self, name: impl Into<StringValue>) -> Self {
        self.name = given(name.into()).map(single_spaced);
        self
    }

    /// `db.collection.name`: the one table the operation works on (`users`,
    /// `public.users`).
    ///
    /// ```
    /// use otel_kit_db::DbOperation;
    ///
    /// let op = DbOperation::new().name("UPDATE").collection("public.users");
    /// assert_eq!(DbOperation::new().collection(""), DbOperation::new()); // empty: no value
    /// # drop(op);
    /// ```
    pub fn collection(mut self, collection: impl Into<StringValue>) -> Self {
        self.collection = given(collection.into());
        self
    }

    /// `db.query.summary` and the span name, instead of the one made from the name
    /// and collection or parsed from the text. Low in cardinality, like a parsed one.
    ///
    /// ```
    /// let op = otel_kit_db::DbOperation::new().name("SELECT").summary("find user by email");
    /// # drop(op);
    /// ```
    pub fn summary(mut self, summary: impl Into<StringValue>) -> Self {
        self.summary = given(summary.into());
        self
    }

    /// The statement attributes and span name of `statement` run with these values:
    /// the given name and collection, the summary (given, made from them, or parsed),
    /// and the parsed procedure.
    pub(crate) fn describe(&self, statement: &Statement) -> (StatementAttributes, Option<Cow<'static, str>>) {
        let procedure = statement.procedure();
        let target = self.collection.as_ref().or(procedure);
        let summary = match (&self.summary, &self.name) {
            (Some(summary), _) => Some(summary.clone()),
            (None, Some(name)) => Some(match target {
                Some(target) => StringValue::from(format!("{} {}", name.as_str(), target.as_str())),
                None => name.clone(),
            }),
            (None, None) => statement.summary().cloned(),
        };
        let name = span_name(
            summary.as_ref().map(StringValue::as_str),
            self.name.as_ref().map(StringValue::as_str),
            target.map(StringValue::as_str),
        )
        .map(shared_name);
        let mut attributes = StatementAttributes::new();
        let mut push = |key: &'static str, value: Option<&StringValue>| {
            if let Some(value) = value {
                attributes.push(KeyValue::new(key, value.clone()));
            }
        };
        push(DB_OPERATION_NAME, self.name.as_ref());
        push(DB_COLLECTION_NAME, self.collection.as_ref());
        push(DB_QUERY_SUMMARY, summary.as_ref());
        push(DB_STORED_PROCEDURE_NAME, procedure);
        (attributes, name)
    }
}

fn given(value: StringValue) -> Option<StringValue> {
    (!value.as_str().is_empty()).then_some(value)
}

/// `name` with each run of spaces made one space (the conventions ask it of an
/// operation name), copied only when it has such a run.
fn single_spaced(name: StringValue) -> StringValue {
    if !name.as_str().contains("  ") {
        return name;
    }
    let mut out = String::with_capacity(name.as_str().len());
    for c in name.as_str().chars() {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    StringValue::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::SqlDialect;

    fn described(op: &DbOperation, sql: &str) -> (Vec<String>, Option<String>) {
        let statement = Statement::new(sql, SqlDialect::PostgreSql, false);
        let (attributes, name) = op.describe(&statement);
        let attributes = attributes
            .iter()
            .map(|kv| format!("{}={}", kv.key, kv.value))
            .collect();
        (attributes, name.map(String::from))
    }

    #[test]
    fn given_values_go_on_with_a_summary_that_agrees_with_them() {
        let sql = "SELECT * FROM users u JOIN roles r ON r.id = u.role_id";
        let op = DbOperation::new().name("select").collection("Users");
        assert_eq!(
            described(&op, sql),
            (
                vec![
                    "db.operation.name=select".to_owned(),
                    "db.collection.name=Users".to_owned(),
                    "db.query.summary=select Users".to_owned(),
                ],
                Some("select Users".to_owned())
            )
        );
        // A given summary wins over the made and the parsed one.
        let op = DbOperation::new().name("SELECT").summary("user with roles");
        let (attributes, name) = described(&op, sql);
        assert_eq!(attributes[1], "db.query.summary=user with roles");
        assert_eq!(name.as_deref(), Some("user with roles"));
    }

    #[test]
    fn a_collection_alone_keeps_the_parsed_summary_or_names_the_span() {
        let op = DbOperation::new().collection("users");
        let (attributes, name) = described(&op, "SELECT * FROM users");
        assert_eq!(
            attributes,
            ["db.collection.name=users", "db.query.summary=SELECT users"]
        );
        assert_eq!(name.as_deref(), Some("SELECT users"));
        // Nothing recognised in the text: the span is named after the target.
        let (attributes, name) = described(&op, "frobnicate");
        assert_eq!(attributes, ["db.collection.name=users"]);
        assert_eq!(name.as_deref(), Some("users"));
        // And with no values at all, the statement's own description.
        let (attributes, name) = described(&DbOperation::new(), "frobnicate");
        assert!(attributes.is_empty());
        assert_eq!(name, None);
    }

    #[test]
    fn a_procedure_from_the_text_is_the_target_without_a_collection() {
        let op = DbOperation::new().name("refresh");
        let (attributes, name) = described(&op, "CALL refresh_totals(1)");
        assert_eq!(
            attributes,
            [
                "db.operation.name=refresh",
                "db.query.summary=refresh refresh_totals",
                "db.stored_procedure.name=refresh_totals"
            ]
        );
        assert_eq!(name.as_deref(), Some("refresh refresh_totals"));
    }

    #[test]
    fn spaces_in_an_operation_name_are_made_single_and_empty_values_are_none() {
        let name = |op: DbOperation| op.name.map(String::from);
        assert_eq!(
            name(DbOperation::new().name("BATCH   INSERT  INTO")).as_deref(),
            Some("BATCH INSERT INTO")
        );
        assert_eq!(
            name(DbOperation::new().name(String::from("a b"))).as_deref(),
            Some("a b")
        );
        assert_eq!(DbOperation::new().name("").summary(""), DbOperation::new());
    }
}
