//! [`ConfigFileError`]: why a configuration file was refused, naming the YAML path, the
//! line and what was expected there.

use std::fmt;

/// What kind of problem made a configuration file unusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigFileErrorKind {
    /// The file could not be read.
    Io,
    /// The text is not YAML (or JSON): the parser's message is in `found`.
    Syntax,
    /// The document is empty, or its top level is not a mapping.
    NotAMapping,
    /// `file_format` is missing, malformed, or of a major version other than 1.
    FileFormat,
    /// A value of the wrong type (a string where a number is expected, ...).
    Type,
    /// A value of the right type outside what the schema allows (a negative size, a
    /// ratio above 1, a name not in an enumeration, ...).
    Value,
    /// A key the schema requires is missing (`exporter` of a batch processor, ...).
    Missing,
    /// An invalid `${...}` environment reference (`${VAR:?x}`, `${1BAD}`, no `}`).
    Substitution,
    /// Nesting deeper than the parser allows (64 levels).
    TooDeep,
    /// Aliases that expand to more nodes than the parser allows (an alias bomb).
    TooLarge,
}

/// A configuration file the kit refuses: the YAML path (`tracer_provider.processors[0].batch.schedule_delay`),
/// the 1-based line, and what was expected against what was found.
///
/// ```
/// let error = otel_kit_config::parse_str("file_format: \"1.1\"\ndisabled: maybe\n", |_| None)
///     .unwrap_err();
/// assert_eq!(error.path(), "disabled");
/// assert_eq!(error.line(), 2);
/// assert_eq!(error.to_string(), "disabled (line 2): expected a boolean, found `maybe`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFileError {
    kind: ConfigFileErrorKind,
    path: String,
    line: usize,
    expected: String,
    found: String,
}

impl ConfigFileError {
    pub(crate) fn new(
        kind: ConfigFileErrorKind,
        path: impl Into<String>,
        line: usize,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            path: shortened_path(path.into()),
            line,
            expected: expected.into(),
            found: found.into(),
        }
    }

    /// What kind of problem it is.
    pub fn kind(&self) -> ConfigFileErrorKind {
        self.kind
    }

    /// The YAML path of the offending value, `` (empty) for the document itself.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The 1-based line of the offending value (0 when there is no line: a file that
    /// cannot be read).
    pub fn line(&self) -> usize {
        self.line
    }

    /// What the schema expects there.
    pub fn expected(&self) -> &str {
        &self.expected
    }

    /// What the file has there (a value is cut to 60 characters).
    pub fn found(&self) -> &str {
        &self.found
    }
}

impl fmt::Display for ConfigFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = shown_path(&self.path);
        let found = printable(&self.found);
        let expected = printable(&self.expected);
        if self.line > 0 {
            write!(
                f,
                "{path} (line {}): expected {expected}, found {found}",
                self.line
            )
        } else {
            write!(f, "{path}: expected {expected}, found {found}")
        }
    }
}

impl std::error::Error for ConfigFileError {}

/// The most characters of a YAML path an error or warning keeps: keys come from the
/// file, and a 1 MB key would make a 1 MB line.
pub(crate) const MAX_PATH_CHARS: usize = 256;

/// `path` within [`MAX_PATH_CHARS`]: its start and its end (where the offending key is),
/// `...` between them.
pub(crate) fn shortened_path(path: String) -> String {
    let chars = path.chars().count();
    if chars <= MAX_PATH_CHARS {
        return path;
    }
    let half = (MAX_PATH_CHARS - 3) / 2;
    let head: String = path.chars().take(half).collect();
    let tail: String = path.chars().skip(chars - half).collect();
    format!("{head}...{tail}")
}

/// A YAML path as an error or warning prints it: `(document)` for the document itself,
/// else escaped as values are (keys come from the file).
pub(crate) fn shown_path(path: &str) -> String {
    if path.is_empty() {
        "(document)".to_owned()
    } else {
        printable(path)
    }
}

/// A value as an error or warning quotes it: in backticks, cut to 60 characters, its
/// control characters escaped.
pub(crate) fn quoted(text: &str) -> String {
    let cut: String = text.chars().take(60).collect();
    let more = if cut.len() < text.len() { "..." } else { "" };
    format!("`{}{more}`", printable(&cut))
}

/// `text` with its control characters, line separators and bidirectional controls
/// escaped (`\r`, `\u{1b}`): what the file or the environment holds can neither write
/// lines into a log nor restyle a terminal. The same rule as otel-kit-core's
/// `printable_text`, which this crate does not depend on.
pub(crate) fn printable(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        let hidden = c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        if hidden {
            shown.extend(c.escape_default());
        } else {
            shown.push(c);
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_is_printed_with_its_control_characters_escaped() {
        assert_eq!(quoted("a\r\n\u{1b}[2Jb"), "`a\\r\\n\\u{1b}[2Jb`");
        let error = ConfigFileError::new(
            ConfigFileErrorKind::Type,
            "tracer_provider.\u{1b}[31mkey",
            3,
            "a number",
            quoted("x\u{202e}y"),
        );
        let shown = error.to_string();
        assert!(
            !shown.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{shown:?}"
        );
        assert_eq!(
            shown,
            "tracer_provider.\\u{1b}[31mkey (line 3): expected a number, found `x\\u{202e}y`"
        );
    }

    #[test]
    fn a_path_with_a_megabyte_key_prints_its_ends_within_the_bound() {
        let path = format!("tracer_provider.{}.schedule_delay", "k".repeat(1 << 20));
        let error = ConfigFileError::new(ConfigFileErrorKind::Type, path, 3, "a number", "`x`");
        assert_eq!(error.path().chars().count(), MAX_PATH_CHARS - 1);
        assert!(
            error.path().starts_with("tracer_provider.kkk"),
            "{}",
            error.path()
        );
        assert!(error.path().ends_with("kkk.schedule_delay"), "{}", error.path());
        assert!(error.to_string().len() < 400, "{}", error.to_string().len());
        let key = "é".repeat(1 << 20);
        let warning = crate::ConfigFileWarning::new(
            crate::ConfigFileWarningKind::UnknownKey { key: key.clone() },
            format!("{key}.x"),
            1,
        );
        assert!(
            warning.path().chars().count() < MAX_PATH_CHARS,
            "{}",
            warning.path().len()
        );
        assert!(
            warning.to_string().chars().count() < 400,
            "{}",
            warning.to_string().len()
        );
    }
}
