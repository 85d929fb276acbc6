//! The query handed to the driver in place of the caller's: the same text, arguments,
//! prepared statement and caching choice, taken apart once so the text can be read
//! for the span first (and, with the SQL commenter, carry the trace id).

use sqlx::error::BoxDynError;
use sqlx::{Arguments as _, AssertSqlSafe, Database, Execute, SqlSafeStr as _, SqlStr};

pub(crate) struct TracedQuery<DB: Database> {
    sql: SqlStr,
    arguments: Option<Result<Option<DB::Arguments>, BoxDynError>>,
    statement: Option<DB::Statement>,
    persistent: bool,
}

impl<DB: Database> TracedQuery<DB> {
    /// Takes `query` apart. Also returns whether it carries bind values.
    pub(crate) fn new<'q, E: Execute<'q, DB>>(mut query: E) -> (Self, bool) {
        let arguments = query.take_arguments();
        let has_binds = matches!(&arguments, Ok(Some(a)) if a.len() > 0);
        let statement = query.statement().cloned();
        let persistent = query.persistent();
        let sql = query.sql();
        let traced = Self {
            sql,
            arguments: Some(arguments),
            statement,
            persistent,
        };
        (traced, has_binds)
    }

    pub(crate) fn text(&self) -> &str {
        self.sql.as_str()
    }

    /// Replaces the text (the SQL commenter's), and keeps the one-off text out of the
    /// connection's statement cache.
    pub(crate) fn replace_sql(&mut self, sql: String) {
        self.sql = AssertSqlSafe(sql).into_sql_str();
        self.persistent = false;
    }
}

impl<DB: Database> Execute<'_, DB> for TracedQuery<DB> {
    fn sql(self) -> SqlStr {
        self.sql
    }

    fn statement(&self) -> Option<&DB::Statement> {
        self.statement.as_ref()
    }

    fn take_arguments(&mut self) -> Result<Option<DB::Arguments>, BoxDynError> {
        self.arguments.take().unwrap_or(Ok(None))
    }

    fn persistent(&self) -> bool {
        self.persistent
    }
}
