//! The summariser and the sanitiser over a table of real-world statements.

use super::{SqlDialect, analyze, analyze_and_sanitize, describe, sanitize};

use SqlDialect::{Generic as G, MySql as M, PostgreSql as P, Sqlite as S};

/// (dialect, statement, summary, sanitised text)
#[rustfmt::skip]
const CORPUS: &[(SqlDialect, &str, Option<&str>, &str)] = &[
    (P, "SELECT 1", Some("SELECT"), "SELECT ?"),
    (P, "select * from users where id = $1", Some("select users"), "select * from users where id = $1"),
    (P, "SELECT * FROM wuser_table where username = 'jdoe'", Some("SELECT wuser_table"), "SELECT * FROM wuser_table where username = ?"),
    (P, "INSERT INTO shipping_details (order_id, address) SELECT order_id, address FROM orders WHERE order_id = 42", Some("INSERT shipping_details SELECT orders"), "INSERT INTO shipping_details (order_id, address) SELECT order_id, address FROM orders WHERE order_id = ?"),
    (P, "SELECT * FROM songs s JOIN artists a ON s.artist_id = a.id", Some("SELECT songs artists"), "SELECT * FROM songs s JOIN artists a ON s.artist_id = a.id"),
    (P, "SELECT order_date FROM (SELECT * FROM orders o JOIN customers c ON o.customer_id = c.customer_id) AS sub", Some("SELECT SELECT orders customers"), "SELECT order_date FROM (SELECT * FROM orders o JOIN customers c ON o.customer_id = c.customer_id) AS sub"),
    (P, "UPDATE users SET name = 'Ada', active = TRUE WHERE id = 7", Some("UPDATE users"), "UPDATE users SET name = ?, active = ? WHERE id = ?"),
    (P, "DELETE FROM sessions WHERE expires_at < now() - interval '1 day'", Some("DELETE sessions"), "DELETE FROM sessions WHERE expires_at < now() - interval ?"),
    (P, "INSERT INTO users (email, name) VALUES ($1, $2) ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name RETURNING id", Some("INSERT users"), "INSERT INTO users (email, name) VALUES ($1, $2) ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name RETURNING id"),
    (P, "INSERT INTO events (kind, payload) VALUES ('login', '{\"ip\": \"10.0.0.1\"}') ON CONFLICT DO NOTHING", Some("INSERT events"), "INSERT INTO events (kind, payload) VALUES (?, ?) ON CONFLICT DO NOTHING"),
    (P, "UPDATE accounts SET balance = balance - 100.50 WHERE id = 3 RETURNING balance", Some("UPDATE accounts"), "UPDATE accounts SET balance = balance - ? WHERE id = ? RETURNING balance"),
    (P, "DELETE FROM carts WHERE id = $1 RETURNING *", Some("DELETE carts"), "DELETE FROM carts WHERE id = $1 RETURNING *"),
    (P, "WITH recent AS (SELECT * FROM orders WHERE created_at > now() - interval '7 days') SELECT u.name, count(*) FROM recent r JOIN users u ON u.id = r.user_id GROUP BY u.name", Some("SELECT orders SELECT users"), "WITH recent AS (SELECT * FROM orders WHERE created_at > now() - interval ?) SELECT u.name, count(*) FROM recent r JOIN users u ON u.id = r.user_id GROUP BY u.name"),
    (P, "WITH RECURSIVE tree(id, parent) AS (SELECT id, parent FROM nodes WHERE id = 1 UNION ALL SELECT n.id, n.parent FROM nodes n JOIN tree t ON n.parent = t.id) SELECT * FROM tree", Some("SELECT nodes SELECT nodes SELECT"), "WITH RECURSIVE tree(id, parent) AS (SELECT id, parent FROM nodes WHERE id = ? UNION ALL SELECT n.id, n.parent FROM nodes n JOIN tree t ON n.parent = t.id) SELECT * FROM tree"),
    (P, "WITH moved AS (DELETE FROM queue WHERE id = 9 RETURNING *) INSERT INTO archive SELECT * FROM moved", Some("DELETE queue INSERT archive SELECT"), "WITH moved AS (DELETE FROM queue WHERE id = ? RETURNING *) INSERT INTO archive SELECT * FROM moved"),
    (P, "SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 100)", Some("SELECT users SELECT orders"), "SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > ?)"),
    (P, "SELECT * FROM users WHERE EXISTS (SELECT 1 FROM bans b WHERE b.user_id = users.id)", Some("SELECT users SELECT bans"), "SELECT * FROM users WHERE EXISTS (SELECT ? FROM bans b WHERE b.user_id = users.id)"),
    (P, "SELECT id FROM users WHERE status IN ('active', 'pending', 'new')", Some("SELECT users"), "SELECT id FROM users WHERE status IN (?)"),
    (P, "SELECT id FROM users WHERE id IN (1, 2, 3, -4) AND flag IN (true, false)", Some("SELECT users"), "SELECT id FROM users WHERE id IN (?) AND flag IN (?)"),
    (P, "SELECT * FROM \"Order Items\" oi WHERE oi.\"Quantity\" > 5", Some("SELECT \"Order Items\""), "SELECT * FROM \"Order Items\" oi WHERE oi.\"Quantity\" > ?"),
    (P, "SELECT * FROM public.users u LEFT OUTER JOIN billing.invoices i ON i.user_id = u.id", Some("SELECT public.users billing.invoices"), "SELECT * FROM public.users u LEFT OUTER JOIN billing.invoices i ON i.user_id = u.id"),
    (P, "/* request 42 */ SELECT name FROM users -- trailing note\nWHERE id = 5", Some("SELECT users"), " SELECT name FROM users \nWHERE id = ?"),
    (P, "SELECT $body$ it's a 'quoted' body $body$ AS x, $$plain$$ FROM docs", Some("SELECT docs"), "SELECT ? AS x, ? FROM docs"),
    (P, "CREATE OR REPLACE FUNCTION add(a int, b int) RETURNS int AS $$ SELECT a + b FROM dual $$ LANGUAGE sql", Some("CREATE FUNCTION add"), "CREATE OR REPLACE FUNCTION add(a int, b int) RETURNS int AS ? LANGUAGE sql"),
    (P, "SELECT E'line\\nbreak\\'s', x'1F', B'0101', 0xFF FROM bits", Some("SELECT bits"), "SELECT ?, ?, ?, ? FROM bits"),
    (P, "SELECT extract(year FROM created_at), substring(name FROM 1 FOR 3), trim(both ' ' FROM code) FROM accounts", Some("SELECT accounts"), "SELECT extract(year FROM created_at), substring(name FROM ? FOR ?), trim(both ? FROM code) FROM accounts"),
    (P, "SELECT a IS DISTINCT FROM b FROM pairs", Some("SELECT pairs"), "SELECT a IS DISTINCT FROM b FROM pairs"),
    (P, "SELECT * FROM generate_series(1, 10) AS g(n)", Some("SELECT"), "SELECT * FROM generate_series(?, ?) AS g(n)"),
    (P, "SELECT * FROM users u, orders o WHERE o.user_id = u.id", Some("SELECT users orders"), "SELECT * FROM users u, orders o WHERE o.user_id = u.id"),
    (P, "SELECT name FROM a UNION ALL SELECT name FROM b", Some("SELECT a SELECT b"), "SELECT name FROM a UNION ALL SELECT name FROM b"),
    (P, "SELECT * FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 10 FOR UPDATE SKIP LOCKED", Some("SELECT jobs"), "SELECT * FROM jobs WHERE state = ? ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED"),
    (P, "UPDATE orders o SET status = 'shipped' FROM shipments s WHERE s.order_id = o.id", Some("UPDATE orders shipments"), "UPDATE orders o SET status = ? FROM shipments s WHERE s.order_id = o.id"),
    (P, "DELETE FROM orders o USING customers c WHERE o.customer_id = c.id AND c.deleted", Some("DELETE orders customers"), "DELETE FROM orders o USING customers c WHERE o.customer_id = c.id AND c.deleted"),
    (P, "MERGE INTO stock s USING deliveries d ON s.item = d.item WHEN MATCHED THEN UPDATE SET qty = s.qty + d.qty WHEN NOT MATCHED THEN INSERT VALUES (d.item, d.qty)", Some("MERGE stock deliveries"), "MERGE INTO stock s USING deliveries d ON s.item = d.item WHEN MATCHED THEN UPDATE SET qty = s.qty + d.qty WHEN NOT MATCHED THEN INSERT VALUES (d.item, d.qty)"),
    (P, "CREATE TABLE IF NOT EXISTS users (id bigserial PRIMARY KEY, email text UNIQUE NOT NULL DEFAULT '')", Some("CREATE TABLE users"), "CREATE TABLE IF NOT EXISTS users (id bigserial PRIMARY KEY, email text UNIQUE NOT NULL DEFAULT ?)"),
    (P, "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (lower(email))", Some("CREATE INDEX users_email_idx users"), "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (lower(email))"),
    (P, "DROP TABLE IF EXISTS a, b CASCADE", Some("DROP TABLE a b"), "DROP TABLE IF EXISTS a, b CASCADE"),
    (P, "ALTER TABLE users ADD COLUMN age int DEFAULT 0", Some("ALTER TABLE users"), "ALTER TABLE users ADD COLUMN age int DEFAULT ?"),
    (P, "CREATE TABLE archive AS SELECT * FROM orders WHERE year = 2020", Some("CREATE TABLE archive SELECT orders"), "CREATE TABLE archive AS SELECT * FROM orders WHERE year = ?"),
    (P, "CREATE MATERIALIZED VIEW totals AS SELECT sum(x) FROM facts", Some("CREATE VIEW totals SELECT facts"), "CREATE MATERIALIZED VIEW totals AS SELECT sum(x) FROM facts"),
    (P, "TRUNCATE TABLE logs, audit RESTART IDENTITY", Some("TRUNCATE logs audit"), "TRUNCATE TABLE logs, audit RESTART IDENTITY"),
    (P, "BEGIN", Some("BEGIN"), "BEGIN"),
    (P, "COMMIT", Some("COMMIT"), "COMMIT"),
    (P, "ROLLBACK TO SAVEPOINT _sqlx_savepoint_1", Some("ROLLBACK"), "ROLLBACK TO SAVEPOINT _sqlx_savepoint_1"),
    (P, "SET search_path TO tenant_42, public", Some("SET"), "SET search_path TO tenant_42, public"),
    (P, "SET statement_timeout = 5000", Some("SET"), "SET statement_timeout = ?"),
    (P, "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM users", Some("EXPLAIN SELECT users"), "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM users"),
    (P, "CALL refresh_stats(2024, 'eu')", Some("CALL refresh_stats"), "CALL refresh_stats(?, ?)"),
    (P, "COPY users (id, email) FROM STDIN WITH (FORMAT csv)", Some("COPY users"), "COPY users (id, email) FROM STDIN WITH (FORMAT csv)"),
    (P, "LISTEN orders_channel", Some("LISTEN"), "LISTEN orders_channel"),
    (P, "SELECT pg_advisory_lock(12345)", Some("SELECT"), "SELECT pg_advisory_lock(?)"),
    (P, "SELECT price::numeric(10, 2), '2024-01-01'::date FROM products", Some("SELECT products"), "SELECT price::numeric(?, ?), ?::date FROM products"),
    (P, "SELECT * FROM ONLY measurements TABLESAMPLE SYSTEM (10)", Some("SELECT measurements"), "SELECT * FROM ONLY measurements TABLESAMPLE SYSTEM (?)"),
    (P, "SELECT * FROM users u CROSS JOIN LATERAL (SELECT * FROM orders o WHERE o.user_id = u.id LIMIT 3) recent", Some("SELECT users SELECT orders"), "SELECT * FROM users u CROSS JOIN LATERAL (SELECT * FROM orders o WHERE o.user_id = u.id LIMIT ?) recent"),
    (P, "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2);", Some("BATCH INSERT t"), "INSERT INTO t VALUES (?); INSERT INTO t VALUES (?);"),
    (P, "CREATE TABLE a (id int); INSERT INTO a VALUES (1); SELECT * FROM a", Some("BATCH"), "CREATE TABLE a (id int); INSERT INTO a VALUES (?); SELECT * FROM a"),
    (P, "TABLE users", Some("TABLE users"), "TABLE users"),
    (P, "VALUES (1, 'one'), (2, 'two')", Some("VALUES"), "VALUES (?, ?), (?, ?)"),
    (P, "", None, ""),
    (P, "   -- only a comment", None, "   "),
    (P, "SELEC * FRM users", None, "SELEC * FRM users"),
    (P, "SELECT 'unterminated", Some("SELECT"), "SELECT ?"),
    (P, "SELECT 1.5e10, .5, 1e-3, 1_000 FROM nums", Some("SELECT nums"), "SELECT ?, ?, ?, ? FROM nums"),
    (P, "SELECT * FROM t1 WHERE col2 = 'x' AND t1.c3 = 3", Some("SELECT t1"), "SELECT * FROM t1 WHERE col2 = ? AND t1.c3 = ?"),
    (P, "SELECT count(*) FILTER (WHERE x > 0) OVER (PARTITION BY y ORDER BY z) FROM w", Some("SELECT w"), "SELECT count(*) FILTER (WHERE x > ?) OVER (PARTITION BY y ORDER BY z) FROM w"),
    (P, "SELECT COALESCE((SELECT max(id) FROM ids), 0)", Some("SELECT SELECT ids"), "SELECT COALESCE((SELECT max(id) FROM ids), ?)"),
    (P, "/* a /* nested */ comment */ DELETE FROM t", Some("DELETE t"), " DELETE FROM t"),
    (M, "SELECT * FROM `users` WHERE `email` = \"ada@example.com\"", Some("SELECT `users`"), "SELECT * FROM `users` WHERE `email` = ?"),
    (M, "INSERT INTO users (email, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name)", Some("INSERT users"), "INSERT INTO users (email, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name)"),
    (M, "INSERT IGNORE INTO tags SET name = 'rust'", Some("INSERT tags"), "INSERT IGNORE INTO tags SET name = ?"),
    (M, "REPLACE INTO kv (k, v) VALUES ('a', 'b\\'c')", Some("REPLACE kv"), "REPLACE INTO kv (k, v) VALUES (?, ?)"),
    (M, "SELECT REPLACE(name, 'a', 'b') FROM people # why not\n", Some("SELECT people"), "SELECT REPLACE(name, ?, ?) FROM people \n"),
    (M, "UPDATE LOW_PRIORITY orders o JOIN customers c ON c.id = o.customer_id SET o.vip = 1 WHERE c.total > 1000", Some("UPDATE orders customers"), "UPDATE LOW_PRIORITY orders o JOIN customers c ON c.id = o.customer_id SET o.vip = ? WHERE c.total > ?"),
    (M, "DELETE o FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.banned = 1", Some("DELETE orders customers"), "DELETE o FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.banned = ?"),
    (M, "SELECT _utf8mb4'text' COLLATE utf8mb4_bin, X'4D7953514C' FROM dual", Some("SELECT dual"), "SELECT ? COLLATE utf8mb4_bin, ? FROM dual"),
    (M, "SHOW TABLES", Some("SHOW"), "SHOW TABLES"),
    (M, "START TRANSACTION", Some("START TRANSACTION"), "START TRANSACTION"),
    (M, "LOCK TABLES accounts WRITE", Some("LOCK accounts"), "LOCK TABLES accounts WRITE"),
    (M, "SELECT * FROM shop.products p STRAIGHT_JOIN shop.stock s ON s.pid = p.id", Some("SELECT shop.products shop.stock"), "SELECT * FROM shop.products p STRAIGHT_JOIN shop.stock s ON s.pid = p.id"),
    (M, "SELECT VERSION()", Some("SELECT"), "SELECT VERSION()"),
    (M, "SELECT * FROM t WHERE a = 'it''s' AND b = 'x\\\\'", Some("SELECT t"), "SELECT * FROM t WHERE a = ? AND b = ?"),
    (S, "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)", Some("INSERT settings"), "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)"),
    (S, "SELECT * FROM [order details] WHERE id = :id AND x = @x AND y = $y", Some("SELECT [order details]"), "SELECT * FROM [order details] WHERE id = :id AND x = @x AND y = $y"),
    (S, "PRAGMA journal_mode = WAL", Some("PRAGMA"), "PRAGMA journal_mode = WAL"),
    (S, "UPDATE OR IGNORE counters SET n = n + 1 WHERE name = 'hits'", Some("UPDATE counters"), "UPDATE OR IGNORE counters SET n = n + ? WHERE name = ?"),
    (S, "CREATE TEMP TABLE scratch (x)", Some("CREATE TABLE scratch"), "CREATE TEMP TABLE scratch (x)"),
    (S, "SELECT * FROM `items` WHERE name LIKE '%café%'", Some("SELECT `items`"), "SELECT * FROM `items` WHERE name LIKE ?"),
    (G, "select id from Users where name = 'Zoë' and note = '日本語'", Some("select Users"), "select id from Users where name = ? and note = ?"),
    // The conventions' own cases (semantic-conventions 1.42,
    // docs/non-normative/database-test-cases): case kept, spaces between words made one.
    (G, "SELEcT order_date\nFROM ORders", Some("SELEcT ORders"), "SELEcT order_date\nFROM ORders"),
    (G, "SELEcT order_date\nFROM   (sELECT *\nFROM   orders o\nJOIN customers c\nON o.customer_id = c.customer_id)", Some("SELEcT sELECT orders customers"), "SELEcT order_date\nFROM   (sELECT *\nFROM   orders o\nJOIN customers c\nON o.customer_id = c.customer_id)"),
    (G, "CREATE  TABLE MyTable (\n    ID NOT NULL IDENTITY(1,1) PRIMARY KEY\n)", Some("CREATE TABLE MyTable"), "CREATE  TABLE MyTable (\n    ID NOT NULL IDENTITY(?,?) PRIMARY KEY\n)"),
    (G, "ALTER  TABLE MyTable ADD Name varchar(255)", Some("ALTER TABLE MyTable"), "ALTER  TABLE MyTable ADD Name varchar(?)"),
    (G, "DROP  TABLE MyTable", Some("DROP TABLE MyTable"), "DROP  TABLE MyTable"),
    (G, "SELECT * FROM Orders o CROSS JOIN OrderDetails od", Some("SELECT Orders OrderDetails"), "SELECT * FROM Orders o CROSS JOIN OrderDetails od"),
    (P, "create temp table Scratch (x int)", Some("create table Scratch"), "create temp table Scratch (x int)"),
    (M, "start   transaction", Some("start transaction"), "start   transaction"),
    (M, "Insert Into Tags Select * From Staged", Some("Insert Tags Select Staged"), "Insert Into Tags Select * From Staged"),
    // The checkout demo's report: three SELECTs, and `n` is the CTE's name, no table.
    (P, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400000) SELECT count(*) FROM n", Some("SELECT SELECT SELECT"), "WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + ? FROM n WHERE i < ?) SELECT count(*) FROM n"),
    (P, "with recursive n(i) as (select 1 union all select i + 1 from n where i < 3) select count(*) from n", Some("select select select"), "with recursive n(i) as (select ? union all select i + ? from n where i < ?) select count(*) from n"),
    (G, "DROP INDEX idx_users_email", Some("DROP INDEX idx_users_email"), "DROP INDEX idx_users_email"),
    // SQLite's double-quoted strings: a literal where a value goes, an identifier elsewhere.
    (S, "SELECT * FROM users WHERE name = \"alice\"", Some("SELECT users"), "SELECT * FROM users WHERE name = ?"),
    (S, "SELECT \"id\" FROM \"orders\" WHERE \"note\" LIKE \"%gift%\" AND \"id\" IN (\"a\", \"b\")", Some("SELECT \"orders\""), "SELECT \"id\" FROM \"orders\" WHERE \"note\" LIKE ? AND \"id\" IN (?)"),
    (S, "INSERT INTO \"orders\" (\"id\", \"note\") VALUES (1, \"secret\"), (2, \"other\")", Some("INSERT \"orders\""), "INSERT INTO \"orders\" (\"id\", \"note\") VALUES (?, ?), (?, ?)"),
    (S, "UPDATE \"orders\" SET \"note\" = \"x\" || \"y\" WHERE \"o\".\"id\" = \"p\".\"id\"", Some("UPDATE \"orders\""), "UPDATE \"orders\" SET \"note\" = ? || ? WHERE \"o\".\"id\" = \"p\".\"id\""),
    // A literal wherever it stands: left of an operator, aliased in a select list, in a CASE.
    (S, "SELECT * FROM u WHERE \"x@y.com\" = email", Some("SELECT u"), "SELECT * FROM u WHERE ? = email"),
    (S, "SELECT \"secret\" AS k", Some("SELECT"), "SELECT ? AS k"),
    (S, "SELECT CASE WHEN a > 1 THEN \"literal\" ELSE \"other\" END FROM t", Some("SELECT t"), "SELECT CASE WHEN a > ? THEN ? ELSE ? END FROM t"),
    (P, "SELECT * FROM u WHERE 'x@y.com' = email", Some("SELECT u"), "SELECT * FROM u WHERE ? = email"),
    (M, "SELECT 'secret' AS k, \"other\" AS j", Some("SELECT"), "SELECT ? AS k, ? AS j"),
    (G, "SELECT CASE WHEN a > 1 THEN 'literal' END FROM t", Some("SELECT t"), "SELECT CASE WHEN a > ? THEN ? END FROM t"),
    (P, "SELECT * FROM users WHERE name = \"alice\"", Some("SELECT users"), "SELECT * FROM users WHERE name = \"alice\""),
];

#[test]
fn corpus_has_enough_statements() {
    assert!(CORPUS.len() >= 60, "{} statements", CORPUS.len());
}

#[test]
fn summaries() {
    let mut failures = Vec::new();
    for (dialect, sql, summary, _) in CORPUS {
        let got = analyze(sql, *dialect).summary;
        if got.as_deref() != *summary {
            failures.push(format!("{sql:?}\n   expected {summary:?}\n   got      {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn sanitised_texts() {
    let mut failures = Vec::new();
    for (dialect, sql, _, sanitized) in CORPUS {
        let got = sanitize(sql, *dialect);
        if got != *sanitized {
            failures.push(format!("{sql:?}\n   expected {sanitized:?}\n   got      {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn procedures_and_batches() {
    let call = analyze("CALL Refresh_Stats(1)", P);
    assert_eq!(call.stored_procedure_name.as_deref(), Some("Refresh_Stats"));
    assert_eq!(call.summary.as_deref(), Some("CALL Refresh_Stats"));
    let batch = analyze("UPDATE t SET a = 1; UPDATE t SET a = 2; UPDATE t SET a = 3", P);
    assert_eq!(batch.batch_size, Some(3));
    assert_eq!(batch.summary.as_deref(), Some("BATCH UPDATE t"));
    let mixed = analyze("DELETE FROM a; INSERT INTO b VALUES (1)", P);
    assert_eq!(mixed.summary.as_deref(), Some("BATCH"));
    // Summaries compare as written: one statement in another case is another summary.
    let cases = analyze("insert into t values (1); INSERT INTO t VALUES (2)", P);
    assert_eq!(cases.summary.as_deref(), Some("BATCH"));
    // A batch has the procedure its statements share, and no other.
    let calls = analyze("CALL p(1); CALL p(2)", P);
    assert_eq!(
        (calls.summary.as_deref(), calls.stored_procedure_name.as_deref()),
        (Some("BATCH CALL p"), Some("p"))
    );
    assert_eq!(analyze("CALL p(1); CALL q(2)", P).stored_procedure_name, None);
    // A trailing `;` does not make a batch.
    assert_eq!(analyze("SELECT 1;", P).batch_size, None);
}

#[test]
fn summary_keeps_the_case_of_the_text() {
    // The conventions: "capture the values of operations and targets as provided by
    // the application without attempting to do any case normalization".
    assert_eq!(
        analyze("select * from Users", G).summary.as_deref(),
        Some("select Users")
    );
    assert_eq!(
        analyze("Update ACCOUNTS set x = 1; Update ACCOUNTS set x = 2", M)
            .summary
            .as_deref(),
        Some("BATCH Update ACCOUNTS")
    );
    assert_eq!(
        analyze("Drop Index If Exists Users_Email", P).summary.as_deref(),
        Some("Drop Index Users_Email")
    );
}

#[test]
fn recursive_cte_summary() {
    // Operations and targets in text order: the anchor SELECT, the recursive SELECT
    // and the outer SELECT. `n` is the CTE's name, as a subquery's alias is (the
    // conventions name `SELECT * FROM (SELECT * FROM table) t` after `SELECT` alone), so
    // it is no target; a real table in the CTE is one.
    let report = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400000) \
                  SELECT count(*) FROM n";
    assert_eq!(
        analyze(report, P).summary.as_deref(),
        Some("SELECT SELECT SELECT")
    );
    let tree = "with recursive Tree(id) as (select id from Nodes where id = 1 \
                union all select n.id from Nodes n join Tree t on n.parent = t.id) select * from Tree";
    assert_eq!(
        analyze(tree, P).summary.as_deref(),
        Some("select Nodes select Nodes select")
    );
}

#[test]
fn summary_length_is_counted_in_characters() {
    // Each name is 30 characters and 60 bytes: after `SELECT`, 8 fit in 255
    // characters (4 would in 255 bytes).
    let name = "é".repeat(30);
    let tables: Vec<String> = (0..20).map(|_| name.clone()).collect();
    let sql = format!("SELECT * FROM {}", tables.join(", "));
    let summary = analyze(&sql, P).summary.unwrap_or_default();
    assert_eq!(summary.matches(name.as_str()).count(), 8, "{summary}");
    assert!(summary.chars().count() <= super::MAX_SUMMARY_LEN);
    // A batch's `BATCH ` prefix is counted the same way: it costs the last name.
    let batch = format!("{sql}; {sql}");
    let summary = analyze(&batch, P).summary.unwrap_or_default();
    assert!(summary.starts_with("BATCH SELECT "), "{summary}");
    assert_eq!(summary.matches(name.as_str()).count(), 7, "{summary}");
}

#[test]
fn summary_is_cut_at_a_word_boundary_within_255_characters() {
    let tables: Vec<String> = (0..100).map(|i| format!("table_number_{i}")).collect();
    let sql = format!("SELECT * FROM {}", tables.join(", "));
    let summary = analyze(&sql, P).summary.unwrap_or_default();
    assert!(summary.len() <= super::MAX_SUMMARY_LEN, "{}", summary.len());
    assert!(summary.len() > 230, "{summary}");
    assert!(summary.starts_with("SELECT table_number_0 table_number_1 "));
    assert!(tables.iter().any(|t| summary.ends_with(t.as_str())), "{summary}");
}

#[test]
fn arbitrary_bytes_never_panic() {
    // Every prefix of every corpus statement (cut on character boundaries), plus
    // unbalanced punctuation.
    let extra = [
        "(((",
        ")))",
        "SELECT (",
        "WITH",
        "WITH x AS",
        "INSERT INTO",
        "$",
        "$a",
        "E'",
        "x'",
        "U&",
        "'\\",
        "CREATE",
        "DROP TABLE ,",
    ];
    for (dialect, sql, _, _) in CORPUS {
        for (i, _) in sql.char_indices() {
            let prefix = &sql[..i];
            let _ = analyze(prefix, *dialect);
            let _ = sanitize(prefix, *dialect);
        }
    }
    for sql in extra {
        for dialect in [G, P, M, S] {
            let _ = analyze(sql, dialect);
            let _ = sanitize(sql, dialect);
        }
    }
}

#[test]
fn one_tokenization_answers_as_two() {
    for (dialect, sql, ..) in CORPUS {
        let separate = (analyze(sql, *dialect), sanitize(sql, *dialect));
        assert_eq!(analyze_and_sanitize(sql, *dialect), separate, "{sql}");
        assert_eq!(
            describe(sql, *dialect, true),
            (separate.0.clone(), Some(separate.1)),
            "{sql}"
        );
        assert_eq!(describe(sql, *dialect, false), (separate.0, None), "{sql}");
    }
}

/// The fuzz target's leak invariants (fuzz/fuzz_targets/sql.rs), over every statement of
/// the corpus: with a secret put where it is surely a literal in front of it, the
/// sanitised text never holds the secret.
#[test]
fn secrets_in_front_of_every_statement_never_leak() {
    let prefixes: [(&str, &[SqlDialect]); 4] = [
        ("SELECT 'ZQXZQX' ", &[G, P, M, S]),
        ("SELECT 1 WHERE a = \"ZQXZQX\" AND ", &[S]),
        ("SELECT 1 WHERE \"ZQX@ZQX\" = a AND ", &[S]),
        ("SELECT \"ZQXZQX\" AS k, ", &[S]),
    ];
    for (_, sql, _, _) in CORPUS {
        for (prefix, dialects) in prefixes {
            for dialect in dialects {
                let text = sanitize(&format!("{prefix}{sql}"), *dialect);
                assert!(!text.contains("ZQX"), "{dialect:?}: {text:?}");
            }
        }
    }
}
