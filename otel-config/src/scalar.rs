//! A scalar's type by the YAML 1.2 core schema: null, bool, int, float, or string.

/// One resolved scalar value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

impl Scalar {
    /// The core schema's reading of a plain (unquoted) scalar.
    pub(crate) fn resolve_plain(text: &str) -> Scalar {
        match text {
            "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
            "true" | "True" | "TRUE" => return Scalar::Bool(true),
            "false" | "False" | "FALSE" => return Scalar::Bool(false),
            ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
                return Scalar::Float(f64::INFINITY);
            }
            "-.inf" | "-.Inf" | "-.INF" => return Scalar::Float(f64::NEG_INFINITY),
            ".nan" | ".NaN" | ".NAN" => return Scalar::Float(f64::NAN),
            _ => {}
        }
        if let Some(int) = parse_int(text) {
            return Scalar::Int(int);
        }
        if is_core_float(text)
            && let Ok(float) = text.parse::<f64>()
        {
            return Scalar::Float(float);
        }
        Scalar::Str(text.to_owned())
    }

    /// How an error names the value's type and text.
    pub(crate) fn describe(&self) -> String {
        match self {
            Scalar::Null => "null".to_owned(),
            Scalar::Bool(value) => format!("`{value}`"),
            Scalar::Int(value) => format!("`{value}`"),
            Scalar::Float(value) => format!("`{value}`"),
            Scalar::Str(text) => crate::error::quoted(text),
        }
    }
}

/// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`, within i64.
fn parse_int(text: &str) -> Option<i64> {
    if let Some(octal) = text.strip_prefix("0o") {
        return non_empty_digits(octal, |c| c.is_digit(8))
            .then(|| i64::from_str_radix(octal, 8).ok())
            .flatten();
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return non_empty_digits(hex, |c| c.is_ascii_hexdigit())
            .then(|| i64::from_str_radix(hex, 16).ok())
            .flatten();
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if non_empty_digits(digits, |c| c.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

fn non_empty_digits(text: &str, digit: impl Fn(char) -> bool) -> bool {
    !text.is_empty() && text.chars().all(digit)
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_core_float(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            whole.chars().all(|c| c.is_ascii_digit())
                && fraction.chars().all(|c| c.is_ascii_digit())
                && !(whole.is_empty() && fraction.is_empty())
        }
        None => non_empty_digits(mantissa, |c| c.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|exponent| {
        let digits = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        non_empty_digits(digits, |c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::Scalar;

    #[test]
    fn core_schema_types() {
        assert_eq!(Scalar::resolve_plain(""), Scalar::Null);
        assert_eq!(Scalar::resolve_plain("~"), Scalar::Null);
        assert_eq!(Scalar::resolve_plain("True"), Scalar::Bool(true));
        assert_eq!(Scalar::resolve_plain("42"), Scalar::Int(42));
        assert_eq!(Scalar::resolve_plain("-7"), Scalar::Int(-7));
        assert_eq!(Scalar::resolve_plain("0x1F"), Scalar::Int(31));
        assert_eq!(Scalar::resolve_plain("0o17"), Scalar::Int(15));
        assert_eq!(Scalar::resolve_plain("0.25"), Scalar::Float(0.25));
        assert_eq!(Scalar::resolve_plain("1e3"), Scalar::Float(1000.0));
        assert_eq!(Scalar::resolve_plain(".5"), Scalar::Float(0.5));
        // YAML 1.1 booleans and odd numbers stay strings in the core schema.
        assert_eq!(Scalar::resolve_plain("yes"), Scalar::Str("yes".into()));
        assert_eq!(Scalar::resolve_plain("1_000"), Scalar::Str("1_000".into()));
        assert_eq!(Scalar::resolve_plain("."), Scalar::Str(".".into()));
        assert_eq!(Scalar::resolve_plain("1e"), Scalar::Str("1e".into()));
        assert_eq!(Scalar::resolve_plain("0x"), Scalar::Str("0x".into()));
        // Beyond i64: a float, as the core schema's float pattern matches it.
        assert_eq!(Scalar::resolve_plain("99999999999999999999"), Scalar::Float(1e20));
    }
}
