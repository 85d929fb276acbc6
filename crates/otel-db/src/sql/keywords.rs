//! The keyword lists the summariser reads statements with.

/// Words that end a table reference: never a table name nor an alias.
#[rustfmt::skip]
pub(super) const RESERVED: &[&str] = &[
    "WHERE", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL", "OUTER", "ON",
    "USING", "GROUP", "ORDER", "LIMIT", "OFFSET", "HAVING", "WINDOW", "UNION", "INTERSECT",
    "EXCEPT", "SET", "VALUES", "VALUE", "RETURNING", "FOR", "LOCK", "FETCH", "SELECT",
    "DEFAULT", "WHEN", "THEN", "TABLESAMPLE", "STRAIGHT_JOIN", "FORCE", "IGNORE", "USE",
    "PARTITION", "LATERAL", "INTO", "DO", "WITH", "AS", "FROM", "AND", "OR", "NOT", "ORDER",
    "QUALIFY", "OVERRIDING", "CONFLICT", "DUPLICATE", "SELECT", "INSERT", "UPDATE", "DELETE",
    "MERGE", "INDEXED", "PARTITION", "ONLY", "IF", "EXISTS", "CASCADE", "RESTRICT", "ADD",
    "DROP", "ALTER", "RENAME", "OWNER", "COLUMN", "TO", "LIKE", "TABLE",
];

/// Statement-leading keywords that are recorded as the operation with no target.
#[rustfmt::skip]
pub(super) const PLAIN_OPERATIONS: &[&str] = &[
    "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET", "SHOW", "USE", "VACUUM",
    "ANALYZE", "ANALYSE", "GRANT", "REVOKE", "PRAGMA", "LISTEN", "NOTIFY", "UNLISTEN", "DO",
    "DESCRIBE", "DESC", "REINDEX", "CLUSTER", "REFRESH", "DECLARE", "FETCH", "CLOSE", "PREPARE",
    "DEALLOCATE", "DISCARD", "RESET", "CHECKPOINT", "ATTACH", "DETACH", "VALUES", "EXECUTE",
    "EXEC", "END", "ABORT", "KILL", "FLUSH", "OPTIMIZE", "HANDLER", "LOAD", "COMMENT",
    "SECURITY",
];

/// Object kinds after CREATE / DROP / ALTER.
#[rustfmt::skip]
pub(super) const OBJECT_KINDS: &[&str] = &[
    "TABLE", "INDEX", "VIEW", "SEQUENCE", "SCHEMA", "DATABASE", "FUNCTION", "PROCEDURE",
    "TRIGGER", "TYPE", "EXTENSION", "ROLE", "USER", "DOMAIN", "POLICY", "RULE", "EVENT",
    "COLLATION", "SERVER", "PUBLICATION", "SUBSCRIPTION", "TABLESPACE",
];

/// Words that may sit between CREATE and the object kind.
#[rustfmt::skip]
pub(super) const CREATE_MODIFIERS: &[&str] = &[
    "OR", "REPLACE", "GLOBAL", "LOCAL", "TEMP", "TEMPORARY", "UNLOGGED", "UNIQUE",
    "MATERIALIZED", "VIRTUAL", "RECURSIVE", "OFFLINE", "ONLINE", "FULLTEXT", "SPATIAL",
    "CONSTRAINT", "ALGORITHM", "DEFINER", "SQL", "UNDEFINED", "MERGE", "TEMPTABLE", "AGGREGATE",
];

/// Whether `word` is one of `list` (given in upper case), in any case.
pub(super) fn is_one_of(word: &str, list: &[&str]) -> bool {
    list.iter().any(|k| k.eq_ignore_ascii_case(word))
}
