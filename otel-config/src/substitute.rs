//! Environment substitution as the declarative-configuration specification defines it:
//! `${VAR}`, `${env:VAR}`, `${VAR:-default}`, and `$$` for a literal `$`, applied to one
//! already-parsed scalar value (never a key, never a comment), so a substituted value
//! can never add YAML structure.

/// What went wrong in a reference: the text of the bad reference.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BadReference(pub(crate) String);

/// The value with every reference replaced; an unset variable without a default is
/// replaced by nothing.
pub(crate) fn substitute(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<String, BadReference> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body_start) = after.strip_prefix('{') {
            let Some(end) = body_start.find('}') else {
                return Err(BadReference(rest[at..].to_owned()));
            };
            let reference = Reference::parse(&body_start[..end])
                .ok_or_else(|| BadReference(format!("${{{}}}", &body_start[..end])))?;
            match lookup(reference.name) {
                Some(value) => out.push_str(&value),
                None => out.push_str(reference.default.unwrap_or("")),
            }
            rest = &body_start[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Whether the whole text is exactly one reference (its type is then re-read from the
/// substituted value when unquoted).
pub(crate) fn is_standalone_reference(text: &str) -> bool {
    text.strip_prefix("${")
        .and_then(|body| body.strip_suffix('}'))
        .is_some_and(|body| !body.contains('}') && Reference::parse(body).is_some())
}

/// Whether the text has anything substitution acts on.
pub(crate) fn has_dollar(text: &str) -> bool {
    text.contains('$')
}

struct Reference<'a> {
    name: &'a str,
    default: Option<&'a str>,
}

impl<'a> Reference<'a> {
    /// `[env:]NAME[:-default]`, NAME = `[a-zA-Z_][a-zA-Z0-9_]*`.
    fn parse(body: &'a str) -> Option<Self> {
        let body = match body.strip_prefix("env:") {
            Some(rest) if !rest.starts_with('-') => rest,
            _ => body,
        };
        let (name, default) = match body.find(':') {
            Some(at) => (&body[..at], Some(body[at + 1..].strip_prefix('-')?)),
            None => (body, None),
        };
        let mut chars = name.chars();
        let first = chars.next()?;
        let valid = (first.is_ascii_alphabetic() || first == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        valid.then_some(Reference { name, default })
    }
}

#[cfg(test)]
mod tests {
    use super::{BadReference, is_standalone_reference, substitute};

    fn env(name: &str) -> Option<String> {
        match name {
            "HOST" => Some("collector".into()),
            "PORT" => Some("4318".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn references_defaults_and_escapes() {
        let sub = |text: &str| substitute(text, &env);
        assert_eq!(
            sub("http://${HOST}:${PORT}/v1"),
            Ok("http://collector:4318/v1".into())
        );
        assert_eq!(sub("${env:HOST}"), Ok("collector".into()));
        assert_eq!(sub("${MISSING:-fallback value}"), Ok("fallback value".into()));
        assert_eq!(sub("${env:MISSING:-x}"), Ok("x".into()));
        assert_eq!(sub("${MISSING}"), Ok(String::new()));
        // Set but empty: the value (empty), not the default.
        assert_eq!(sub("${EMPTY:-d}"), Ok(String::new()));
        assert_eq!(sub("$$100"), Ok("$100".into()));
        assert_eq!(sub("$${HOST}"), Ok("${HOST}".into()));
        assert_eq!(sub("$$$${HOST}"), Ok("$${HOST}".into()));
        assert_eq!(sub("$$$${HOST}$"), Ok("$${HOST}$".into()));
        // A variable named `env` with a default, not the `env:` prefix.
        assert_eq!(sub("${env:-x}"), Ok("x".into()));
        assert_eq!(sub("cost: 5$ or $x"), Ok("cost: 5$ or $x".into()));
        // A substituted value is never read again.
        assert_eq!(
            substitute("${A}", &|_| Some("${HOST}".into())),
            Ok("${HOST}".into())
        );
    }

    #[test]
    fn invalid_references_are_errors() {
        let sub = |text: &str| substitute(text, &env);
        assert_eq!(sub("${VAR:?x}"), Err(BadReference("${VAR:?x}".into())));
        assert_eq!(sub("a ${1BAD} b"), Err(BadReference("${1BAD}".into())));
        assert_eq!(sub("${}"), Err(BadReference("${}".into())));
        assert_eq!(sub("${HOST"), Err(BadReference("${HOST".into())));
        assert_eq!(sub("${BAD-NAME}"), Err(BadReference("${BAD-NAME}".into())));
        assert_eq!(sub("${other:VAR}"), Err(BadReference("${other:VAR}".into())));
    }

    #[test]
    fn standalone_references() {
        assert!(is_standalone_reference("${PORT}"));
        assert!(is_standalone_reference("${env:PORT:-4318}"));
        assert!(!is_standalone_reference("x${PORT}"));
        assert!(!is_standalone_reference("${A}${B}"));
        assert!(!is_standalone_reference("$${PORT}"));
    }
}
