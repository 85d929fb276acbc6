//! [`escape_controls`]: text from outside (a file, the environment, a peer's message, a
//! span name) as it may be printed to a terminal or a log line.

use std::borrow::Cow;

/// `text` with its control characters (newlines, carriage returns, ANSI escapes, ...),
/// line and paragraph separators and bidirectional controls escaped (`\r`, `\u{1b}`,
/// `\u{202e}`), so that printed input can neither write lines of its own into a log,
/// restyle a terminal nor reorder what follows it. Borrowed when there is nothing to
/// escape.
///
/// ```
/// use otel_kit_core::__private::printable_text::escape_controls;
///
/// assert_eq!(escape_controls("plain é"), "plain é");
/// assert_eq!(escape_controls("a\r\n\u{1b}[31mred"), "a\\r\\n\\u{1b}[31mred");
/// assert_eq!(escape_controls("x\u{202e}y"), "x\\u{202e}y");
/// ```
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hidden(c) {
            shown.extend(c.escape_default());
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

/// Whether `c` must not be printed as it is.
fn hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
