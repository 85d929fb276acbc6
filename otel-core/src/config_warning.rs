//! [`ConfigWarning`]: a configuration value that was set but unusable, and what was used
//! instead; what every kit crate that reads `OTEL_*` variables returns.

use std::fmt;

/// A configuration value that was set but unusable, and what was used instead.
///
/// Its `Display` is one line naming the variable, the value and what is used instead,
/// the form every kit crate logs its configuration problems in.
///
/// ```
/// use otel_kit_core::ConfigWarning;
///
/// let warning = ConfigWarning::new(
///     "OTEL_BSP_MAX_QUEUE_SIZE",
///     "lots",
///     "is not a non-negative integer; using the default 2048",
/// );
/// assert_eq!(warning.variable, "OTEL_BSP_MAX_QUEUE_SIZE");
/// assert_eq!(
///     warning.to_string(),
///     "OTEL_BSP_MAX_QUEUE_SIZE=\"lots\" is not a non-negative integer; using the default 2048"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    /// The variable, e.g. `OTEL_BSP_MAX_QUEUE_SIZE`, or the builder method for a value
    /// set in code.
    pub variable: String,
    /// The value as set (`<redacted>` for header variables).
    pub value: String,
    /// What was wrong and what is used instead.
    pub message: String,
}

impl ConfigWarning {
    /// The warning that `variable` was set to `value`, with `message` saying what was
    /// wrong and what is used instead (it follows the value in the `Display` line).
    pub fn new(variable: impl Into<String>, value: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigWarning {
            variable: variable.into(),
            value: value.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The value is quoted with its control characters escaped; the message may quote
        // input too.
        let message = crate::text::printable_text::escape_controls(&self.message);
        write!(f, "{}={:?} {message}", self.variable, self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::ConfigWarning;

    #[test]
    fn the_line_holds_no_control_character_of_the_input() {
        let warning = ConfigWarning::new("OTEL_X", "a\r\u{1b}[2J", "has `b\nc`; using the default");
        let line = warning.to_string();
        assert!(!line.chars().any(char::is_control), "{line:?}");
        assert_eq!(line, "OTEL_X=\"a\\r\\u{1b}[2J\" has `b\\nc`; using the default");
    }
}
