//! The wildcards of a view's `instrument_name` selector.

/// Whether `pattern`, with `*` (any run of characters) and `?` (one character), matches
/// all of `name`: the specification's wildcards of a view's `instrument_name`.
///
/// ```
/// assert!(otel_kit_config::wildcard_matches("http.server.*", "http.server.request.duration"));
/// assert!(!otel_kit_config::wildcard_matches("http.*", "db.http.calls"));
/// ```
pub fn wildcard_matches(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::wildcard_matches as wildcard;

    #[test]
    fn wildcards_match_the_whole_name() {
        assert!(wildcard("http.*", "http.server.request.duration"));
        assert!(wildcard("*", ""));
        assert!(wildcard("a?c", "abc"));
        assert!(!wildcard("a?c", "abbc"));
        assert!(!wildcard("http.*", "db.http.x"));
        assert!(wildcard("*.duration", "http.server.request.duration"));
        assert!(!wildcard("exact", "exactly"));
    }
}
