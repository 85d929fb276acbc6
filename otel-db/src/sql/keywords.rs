//! The keywords the summariser reads statements with. A word is upper-cased once into
//! a small buffer on the stack and matched against each list in one `match`.

/// The longest keyword any list here holds, in bytes.
const MAX_KEYWORD_LEN: usize = 16;

/// A word in upper case (ASCII letters only), or nothing for a word longer than any
/// keyword.
#[derive(Clone, Copy)]
pub(super) struct Upper {
    buf: [u8; MAX_KEYWORD_LEN],
    len: usize,
}

impl Upper {
    pub(super) fn new(word: &str) -> Self {
        let mut buf = [0; MAX_KEYWORD_LEN];
        let bytes = word.as_bytes();
        let len = if bytes.len() <= MAX_KEYWORD_LEN {
            for (to, from) in buf.iter_mut().zip(bytes) {
                *to = from.to_ascii_uppercase();
            }
            bytes.len()
        } else {
            0
        };
        Self { buf, len }
    }

    /// The upper-case bytes; empty for a word too long to be a keyword.
    pub(super) fn bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

/// Words that end a table reference: never a table name nor an alias.
#[rustfmt::skip]
pub(super) fn is_reserved(word: &str) -> bool {
    matches!(
        Upper::new(word).bytes(),
        b"WHERE" | b"JOIN" | b"INNER" | b"LEFT" | b"RIGHT" | b"FULL" | b"CROSS" | b"NATURAL"
            | b"OUTER" | b"ON" | b"USING" | b"GROUP" | b"ORDER" | b"LIMIT" | b"OFFSET" | b"HAVING"
            | b"WINDOW" | b"UNION" | b"INTERSECT" | b"EXCEPT" | b"SET" | b"VALUES" | b"VALUE"
            | b"RETURNING" | b"FOR" | b"LOCK" | b"FETCH" | b"SELECT" | b"DEFAULT" | b"WHEN"
            | b"THEN" | b"TABLESAMPLE" | b"STRAIGHT_JOIN" | b"FORCE" | b"IGNORE" | b"USE"
            | b"PARTITION" | b"LATERAL" | b"INTO" | b"DO" | b"WITH" | b"AS" | b"FROM" | b"AND"
            | b"OR" | b"NOT" | b"QUALIFY" | b"OVERRIDING" | b"CONFLICT" | b"DUPLICATE" | b"INSERT"
            | b"UPDATE" | b"DELETE" | b"MERGE" | b"INDEXED" | b"ONLY" | b"IF" | b"EXISTS"
            | b"CASCADE" | b"RESTRICT" | b"ADD" | b"DROP" | b"ALTER" | b"RENAME" | b"OWNER"
            | b"COLUMN" | b"TO" | b"LIKE" | b"TABLE"
    )
}

/// Whether `word` leads a statement that is recorded as its operation alone, with no
/// target.
#[rustfmt::skip]
pub(super) fn is_plain_operation(word: &Upper) -> bool {
    matches!(
        word.bytes(),
        b"BEGIN" | b"COMMIT" | b"ROLLBACK" | b"SAVEPOINT" | b"RELEASE" | b"SET" | b"SHOW" | b"USE"
            | b"VACUUM" | b"ANALYZE" | b"ANALYSE" | b"GRANT" | b"REVOKE" | b"PRAGMA" | b"LISTEN"
            | b"NOTIFY" | b"UNLISTEN" | b"DO" | b"DESCRIBE" | b"DESC" | b"REINDEX" | b"CLUSTER"
            | b"REFRESH" | b"DECLARE" | b"FETCH" | b"CLOSE" | b"PREPARE" | b"DEALLOCATE"
            | b"DISCARD" | b"RESET" | b"CHECKPOINT" | b"ATTACH" | b"DETACH" | b"VALUES"
            | b"EXECUTE" | b"EXEC" | b"END" | b"ABORT" | b"KILL" | b"FLUSH" | b"OPTIMIZE"
            | b"HANDLER" | b"LOAD" | b"COMMENT" | b"SECURITY"
    )
}

/// An object kind after CREATE / DROP / ALTER, in upper case (the text keeps its own
/// case in the summary).
#[rustfmt::skip]
pub(super) fn object_kind(word: &str) -> Option<&'static str> {
    Some(match Upper::new(word).bytes() {
        b"TABLE" => "TABLE", b"INDEX" => "INDEX", b"VIEW" => "VIEW", b"SEQUENCE" => "SEQUENCE",
        b"SCHEMA" => "SCHEMA", b"DATABASE" => "DATABASE", b"FUNCTION" => "FUNCTION",
        b"PROCEDURE" => "PROCEDURE", b"TRIGGER" => "TRIGGER", b"TYPE" => "TYPE",
        b"EXTENSION" => "EXTENSION", b"ROLE" => "ROLE", b"USER" => "USER", b"DOMAIN" => "DOMAIN",
        b"POLICY" => "POLICY", b"RULE" => "RULE", b"EVENT" => "EVENT", b"COLLATION" => "COLLATION",
        b"SERVER" => "SERVER", b"PUBLICATION" => "PUBLICATION", b"SUBSCRIPTION" => "SUBSCRIPTION",
        b"TABLESPACE" => "TABLESPACE",
        _ => return None,
    })
}

/// Words that may sit between CREATE and the object kind.
#[rustfmt::skip]
pub(super) fn is_create_modifier(word: &str) -> bool {
    matches!(
        Upper::new(word).bytes(),
        b"OR" | b"REPLACE" | b"GLOBAL" | b"LOCAL" | b"TEMP" | b"TEMPORARY" | b"UNLOGGED" | b"UNIQUE"
            | b"MATERIALIZED" | b"VIRTUAL" | b"RECURSIVE" | b"OFFLINE" | b"ONLINE" | b"FULLTEXT"
            | b"SPATIAL" | b"CONSTRAINT" | b"ALGORITHM" | b"DEFINER" | b"SQL" | b"UNDEFINED"
            | b"MERGE" | b"TEMPTABLE" | b"AGGREGATE"
    )
}

/// Whether `word` is one of `list` (given in upper case), in any case.
pub(super) fn is_one_of(word: &str, list: &[&str]) -> bool {
    list.iter().any(|k| k.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_in_any_case_and_long_words_match_nothing() {
        assert!(is_reserved("where") && is_reserved("Straight_Join") && !is_reserved("users"));
        assert!(is_plain_operation(&Upper::new("commit")) && !is_plain_operation(&Upper::new("users")));
        assert_eq!(object_kind("Index"), Some("INDEX"));
        assert!(is_create_modifier("temporary") && !is_create_modifier("table"));
        assert!(!is_reserved("where_where_where_where"));
        assert_eq!(Upper::new("where_where_where_where").bytes(), b"");
    }
}
