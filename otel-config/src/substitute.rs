//! Environment substitution as the declarative-configuration specification defines it:
//! `${VAR}`, `${env:VAR}`, `${VAR:-default}`, and `$$` for a literal `$`, applied to one
//! already-parsed scalar value (never a key, never a comment), so a substituted value
//! can never add YAML structure.

/// Why a value could not be substituted.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum SubstituteError {
    /// The text of an invalid reference.
    BadReference(String),
    /// The value would grow past the bytes it may take: nothing past them was written.
    TooLarge,
}

/// The value with every reference replaced; an unset variable without a default is
/// replaced by nothing. The value is charged as it is built: a piece that would take it
/// past `max_bytes` is an error before it is copied, so one scalar of many references to
/// a large variable cannot allocate past the parse budget.
pub(crate) fn substitute(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    max_bytes: usize,
) -> Result<String, SubstituteError> {
    let mut out = String::with_capacity(text.len().min(max_bytes));
    let push = |out: &mut String, piece: &str| {
        if out.len().saturating_add(piece.len()) > max_bytes {
            return Err(SubstituteError::TooLarge);
        }
        out.push_str(piece);
        Ok(())
    };
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        push(&mut out, &rest[..at])?;
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            push(&mut out, "$")?;
            rest = tail;
        } else if let Some(body_start) = after.strip_prefix('{') {
            let Some(end) = body_start.find('}') else {
                return Err(SubstituteError::BadReference(rest[at..].to_owned()));
            };
            let reference = Reference::parse(&body_start[..end])
                .ok_or_else(|| SubstituteError::BadReference(format!("${{{}}}", &body_start[..end])))?;
            match lookup(reference.name) {
                Some(value) => push(&mut out, &value)?,
                None => push(&mut out, reference.default.unwrap_or(""))?,
            }
            rest = &body_start[end + 1..];
        } else {
            push(&mut out, "$")?;
            rest = after;
        }
    }
    push(&mut out, rest)?;
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
    use super::{SubstituteError, is_standalone_reference};

    /// No budget to speak of.
    fn substitute(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, SubstituteError> {
        super::substitute(text, lookup, usize::MAX)
    }

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
        assert_eq!(
            sub("${VAR:?x}"),
            Err(SubstituteError::BadReference("${VAR:?x}".into()))
        );
        assert_eq!(
            sub("a ${1BAD} b"),
            Err(SubstituteError::BadReference("${1BAD}".into()))
        );
        assert_eq!(sub("${}"), Err(SubstituteError::BadReference("${}".into())));
        assert_eq!(sub("${HOST"), Err(SubstituteError::BadReference("${HOST".into())));
        assert_eq!(
            sub("${BAD-NAME}"),
            Err(SubstituteError::BadReference("${BAD-NAME}".into()))
        );
        assert_eq!(
            sub("${other:VAR}"),
            Err(SubstituteError::BadReference("${other:VAR}".into()))
        );
    }

    /// 100,000 references to a 10 KiB variable in one value (1 GB) against a 1 MiB
    /// budget: refused after about a hundred lookups, the value never past the budget.
    #[test]
    fn one_value_of_many_references_stops_at_the_budget() {
        let big = "x".repeat(10 * 1024);
        let lookups = std::cell::Cell::new(0usize);
        let lookup = |_: &str| {
            lookups.set(lookups.get() + 1);
            Some(big.clone())
        };
        let text = "${A}".repeat(100_000);
        let result = super::substitute(&text, &lookup, 1024 * 1024);
        assert_eq!(result, Err(SubstituteError::TooLarge));
        assert_eq!(
            lookups.get(),
            1024 / 10 + 1,
            "stops at the first piece past the budget"
        );
        assert_eq!(
            super::substitute("${A}", &lookup, 10 * 1024).map(|v| v.len()),
            Ok(10 * 1024)
        );
        assert_eq!(
            super::substitute("a$$", &lookup, 1),
            Err(SubstituteError::TooLarge)
        );
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
