//! Where a diesel connection goes, from the URL (or libpq connection string) it was
//! established with: the system, the SQL dialect and the endpoint attributes, by the
//! same rules as the sqlx pool wrapper's (`crate::database`). Only the host, port,
//! database and socket are read: the user, the password and every other parameter are
//! skipped, so no credential can reach an attribute.
//!
//! - `postgres://` / `postgresql://` URLs and libpq `key=value` strings: PostgreSQL. A
//!   host that is a directory (`host=/run/postgresql`, or percent-encoded in the URL)
//!   is a Unix socket: `server.address` is the socket file, `{dir}/.s.PGSQL.{port}`.
//! - `mysql://`: MySQL (MariaDB too: diesel cannot tell, see
//!   `DieselBuilder::system_name`); a `unix_socket` parameter is the socket's path.
//! - Anything else: a SQLite file name (`file:` URIs lose their scheme and
//!   parameters), `db.namespace`.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

use crate::front_end::endpoint::Endpoint;
use crate::sql::SqlDialect;

/// A connection's system, dialect and endpoint.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) dialect: SqlDialect,
    pub(crate) endpoint: Endpoint,
}

/// Reads `url`; never fails: what cannot be read is left out.
pub(crate) fn target(url: &str) -> Target {
    let url = url.trim();
    let scheme = url
        .split_once("://")
        .map(|(scheme, _)| scheme.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("postgres" | "postgresql") => postgres(uri_parts(url, &["host", "port", "dbname"])),
        Some("mysql") => mysql(uri_parts(url, &["unix_socket"])),
        None if looks_like_conninfo(url) => postgres(conninfo(url)),
        _ => Target {
            dialect: SqlDialect::Sqlite,
            endpoint: Endpoint::file("sqlite", sqlite_file(url)),
        },
    }
}

/// What a URL or connection string names, decoded.
#[derive(Debug, Default)]
struct Parts {
    host: Option<String>,
    port: Option<String>,
    database: Option<String>,
    /// A socket given apart from the host (`?host=/dir` for PostgreSQL, `?unix_socket=`
    /// for MySQL).
    socket: Option<String>,
}

fn postgres(parts: Parts) -> Target {
    let port = parts
        .port
        .as_deref()
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or(5432);
    let database = parts.database.as_deref();
    let host = parts.socket.or(parts.host).unwrap_or_default();
    // Several hosts (`a,b`): the first is the one tried first.
    let host = host.split(',').next().unwrap_or_default();
    Target {
        dialect: SqlDialect::PostgreSql,
        endpoint: Endpoint::postgres(database, host, None, port),
    }
}

fn mysql(parts: Parts) -> Target {
    const SYSTEM: &str = "mysql";
    let database = parts.database.as_deref();
    let endpoint = match parts.socket.as_deref() {
        Some(socket) => Endpoint::socket(SYSTEM, database, socket),
        None => {
            let port = parts
                .port
                .as_deref()
                .and_then(|p| p.parse::<u16>().ok())
                .unwrap_or(3306);
            Endpoint::network(
                SYSTEM,
                database,
                parts.host.as_deref().unwrap_or_default(),
                port,
                3306,
            )
        }
    };
    Target {
        dialect: SqlDialect::MySql,
        endpoint,
    }
}

/// A URL's host, port, database (its path), and those of its query parameters named
/// in `keys`: MySQL's `unix_socket`; PostgreSQL's `host`, `port` and `dbname`, which
/// libpq lets the parameters override.
fn uri_parts(url: &str, keys: &[&str]) -> Parts {
    let mut parts = Parts::default();
    let Ok(parsed) = url::Url::parse(url) else {
        return parts;
    };
    parts.host = parsed
        .host_str()
        .map(|h| decode(h.trim_start_matches('[').trim_end_matches(']')));
    parts.port = parsed.port().map(|p| p.to_string());
    let path = parsed.path().trim_start_matches('/');
    parts.database = (!path.is_empty()).then(|| decode(path));
    for (key, value) in parsed.query_pairs() {
        if !keys.contains(&key.as_ref()) {
            continue;
        }
        match key.as_ref() {
            "unix_socket" | "host" => parts.socket = Some(value.into_owned()),
            "port" => parts.port = Some(value.into_owned()),
            "dbname" => parts.database = Some(value.into_owned()),
            _ => {}
        }
    }
    parts
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Whether `s` is a libpq `key=value` string (`host=db port=5432 dbname=app`).
fn looks_like_conninfo(s: &str) -> bool {
    let key: String = s
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    !key.is_empty() && s[key.len()..].trim_start().starts_with('=')
}

/// A libpq connection string's `host` (`hostaddr` when there is no host), `port` and
/// `dbname`. Values are bare words or single-quoted, with backslash escapes, as libpq
/// reads them; a malformed string gives what was read before the fault.
fn conninfo(s: &str) -> Parts {
    let mut parts = Parts::default();
    let mut hostaddr = None;
    let mut chars = s.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        if key.is_empty() {
            break;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next() != Some('=') {
            break;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        let quoted = chars.next_if_eq(&'\'').is_some();
        let mut closed = !quoted;
        while let Some(c) = chars.next() {
            match c {
                '\\' => value.extend(chars.next()),
                '\'' if quoted => {
                    closed = true;
                    break;
                }
                c if !quoted && c.is_whitespace() => break,
                c => value.push(c),
            }
        }
        if !closed {
            break;
        }
        match key.as_str() {
            "host" => parts.host = Some(value),
            "hostaddr" => hostaddr = Some(value),
            "port" => parts.port = Some(value),
            "dbname" => parts.database = Some(value),
            _ => {}
        }
    }
    if parts.host.is_none() {
        parts.host = hostaddr;
    }
    parts
}

/// A SQLite database's file name: the path, without a `file:` URI's scheme and
/// parameters (`sqlite://` too, which some tools write).
fn sqlite_file(url: &str) -> &str {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("file:"))
        .map_or(url, |rest| rest.split(['?', '#']).next().unwrap_or_default());
    path.strip_prefix("//").unwrap_or(path)
}

/// `target(url)`'s key for sharing one instrumentation between connections to the
/// same place: the endpoint's parts, never the URL (which may hold a password).
pub(crate) fn key(target: &Target) -> String {
    let e = &target.endpoint;
    let text = |v: &Option<opentelemetry::StringValue>| {
        v.as_ref()
            .map_or(Cow::Borrowed(""), |v| Cow::Owned(v.to_string()))
    };
    format!(
        "{}|{}|{}|{:?}",
        e.system,
        text(&e.namespace),
        text(&e.address),
        e.actual_port
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attributes(url: &str) -> Vec<String> {
        target(url)
            .endpoint
            .attributes(target(url).endpoint.system)
            .map(|kv| format!("{}={}", kv.key, kv.value))
            .collect()
    }

    #[test]
    fn postgres_urls_and_connection_strings() {
        assert_eq!(
            attributes("postgres://app:hunter2@db.internal:5433/shop?sslmode=require"),
            [
                "db.system.name=postgresql",
                "db.namespace=shop",
                "server.address=db.internal",
                "server.port=5433"
            ]
        );
        assert_eq!(
            attributes("postgresql://postgres@127.0.0.1/test"),
            [
                "db.system.name=postgresql",
                "db.namespace=test",
                "server.address=127.0.0.1",
                "network.peer.address=127.0.0.1",
                "network.peer.port=5432"
            ]
        );
        assert_eq!(
            attributes("postgres://%2Frun%2Fpostgresql/app"),
            [
                "db.system.name=postgresql",
                "db.namespace=app",
                "server.address=/run/postgresql/.s.PGSQL.5432",
                "network.peer.address=/run/postgresql/.s.PGSQL.5432"
            ]
        );
        assert_eq!(
            attributes("host=db1,db2 port = 6432 dbname='my \\'shop' password='a b' user=x"),
            [
                "db.system.name=postgresql",
                "db.namespace=my 'shop",
                "server.address=db1",
                "server.port=6432"
            ]
        );
        assert_eq!(target("dbname=x").dialect, SqlDialect::PostgreSql);
    }

    #[test]
    fn mysql_and_sqlite() {
        assert_eq!(
            attributes("mysql://root:secret@mariadb:3307/test"),
            [
                "db.system.name=mysql",
                "db.namespace=test",
                "server.address=mariadb",
                "server.port=3307"
            ]
        );
        assert_eq!(
            attributes("mysql://root@localhost/test?unix_socket=/run/mysqld/mysqld.sock"),
            [
                "db.system.name=mysql",
                "db.namespace=test",
                "server.address=/run/mysqld/mysqld.sock",
                "network.peer.address=/run/mysqld/mysqld.sock"
            ]
        );
        assert_eq!(
            attributes("/var/lib/app.db"),
            ["db.system.name=sqlite", "db.namespace=/var/lib/app.db"]
        );
        assert_eq!(
            attributes("file:app.db?mode=ro"),
            ["db.system.name=sqlite", "db.namespace=app.db"]
        );
        assert_eq!(
            attributes(":memory:"),
            ["db.system.name=sqlite", "db.namespace=:memory:"]
        );
    }

    #[test]
    fn nothing_secret_and_no_panic_on_bad_input() {
        for url in [
            "postgres://u:p@[::1",
            "host='unterminated",
            "=x",
            "postgres://",
            "mysql://:@/",
            "é=",
            "",
        ] {
            let all = attributes(url).join(" ");
            assert!(!all.contains("p@"), "{url}: {all}");
        }
        assert!(!key(&target("postgres://u:hunter2@h/db")).contains("hunter2"));
    }
}
