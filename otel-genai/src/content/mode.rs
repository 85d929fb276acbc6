//! The content-capture switch: [`CaptureMode`], read from
//! `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` once per process.

use std::sync::OnceLock;

/// The variable that turns content capture on or off for the whole process (the one the
/// Python GenAI instrumentations read).
///
/// ```
/// assert_eq!(
///     otel_kit_genai::content::CAPTURE_MESSAGE_CONTENT_ENV,
///     "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
/// );
/// ```
pub const CAPTURE_MESSAGE_CONTENT_ENV: &str = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

/// Where captured content (messages, tool arguments and results) is recorded.
///
/// ```
/// use otel_kit_genai::content::CaptureMode;
///
/// assert_eq!(CaptureMode::parse("span_only"), Some(CaptureMode::SpanOnly));
/// assert_eq!(CaptureMode::parse("true"), Some(CaptureMode::SpanOnly));
/// assert_eq!(CaptureMode::parse("false"), Some(CaptureMode::NoContent));
/// assert_eq!(CaptureMode::parse("loud"), None);
/// assert!(!CaptureMode::NoContent.on_span());
/// assert!(CaptureMode::SpanAndEvent.on_event());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptureMode {
    /// No content anywhere (`NO_CONTENT`).
    NoContent,
    /// Content as span attributes (`SPAN_ONLY`).
    SpanOnly,
    /// Content on the `gen_ai.client.inference.operation.details` event (`EVENT_ONLY`).
    EventOnly,
    /// Both (`SPAN_AND_EVENT`).
    SpanAndEvent,
}

impl CaptureMode {
    /// Parses a value of the variable, case-insensitively: the four mode names, and
    /// `true` (as `SPAN_ONLY`) / `false` (as `NO_CONTENT`) as older Python versions did.
    pub fn parse(value: &str) -> Option<CaptureMode> {
        let value = value.trim();
        [
            ("NO_CONTENT", CaptureMode::NoContent),
            ("SPAN_ONLY", CaptureMode::SpanOnly),
            ("EVENT_ONLY", CaptureMode::EventOnly),
            ("SPAN_AND_EVENT", CaptureMode::SpanAndEvent),
            ("true", CaptureMode::SpanOnly),
            ("false", CaptureMode::NoContent),
        ]
        .into_iter()
        .find_map(|(name, mode)| name.eq_ignore_ascii_case(value).then_some(mode))
    }

    /// Whether content goes on the span as attributes.
    pub fn on_span(self) -> bool {
        matches!(self, CaptureMode::SpanOnly | CaptureMode::SpanAndEvent)
    }

    /// Whether content goes on the details event.
    pub fn on_event(self) -> bool {
        matches!(self, CaptureMode::EventOnly | CaptureMode::SpanAndEvent)
    }

    /// Whether any content is recorded at all.
    pub fn captures(self) -> bool {
        self != CaptureMode::NoContent
    }
}

/// The process's mode from the environment: `None` when the variable is unset or empty
/// (a call may then opt in), the mode otherwise. A value that is not a mode counts as
/// `NO_CONTENT` and is warned about once, naming the variable and the default used.
pub(crate) fn from_env() -> Option<CaptureMode> {
    static MODE: OnceLock<Option<CaptureMode>> = OnceLock::new();
    *MODE.get_or_init(|| {
        let value = std::env::var(CAPTURE_MESSAGE_CONTENT_ENV).ok()?;
        let (mode, warning) = interpret(&value);
        if let Some(warning) = warning {
            tracing::warn!(target: "otel_kit_genai", "{warning}");
        }
        mode
    })
}

/// What a value of the variable means, and the warning it deserves, if any.
pub(crate) fn interpret(value: &str) -> (Option<CaptureMode>, Option<String>) {
    if value.trim().is_empty() {
        return (None, None);
    }
    match CaptureMode::parse(value) {
        Some(mode) => (Some(mode), None),
        None => (
            Some(CaptureMode::NoContent),
            Some(format!(
                "{CAPTURE_MESSAGE_CONTENT_ENV}={value:?} is not one of NO_CONTENT, SPAN_ONLY, \
                 EVENT_ONLY, SPAN_AND_EVENT; using NO_CONTENT"
            )),
        ),
    }
}

/// The mode of one call: a `NO_CONTENT` (from the variable or the
/// [`GenAi`](crate::GenAi)'s mode) always wins; a per-call choice comes next; then the
/// `GenAi`'s mode, then the variable's; off by default.
pub(crate) fn effective(
    env: Option<CaptureMode>,
    genai: Option<CaptureMode>,
    per_call: Option<bool>,
) -> CaptureMode {
    if env == Some(CaptureMode::NoContent) || genai == Some(CaptureMode::NoContent) {
        return CaptureMode::NoContent;
    }
    let global = genai.or(env);
    match per_call {
        Some(false) => CaptureMode::NoContent,
        Some(true) => global.unwrap_or(CaptureMode::SpanOnly),
        None => global.unwrap_or(CaptureMode::NoContent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaptureMode::*;

    #[test]
    fn global_off_wins_over_a_per_call_on() {
        assert_eq!(effective(Some(NoContent), None, Some(true)), NoContent);
        assert_eq!(effective(None, Some(NoContent), Some(true)), NoContent);
        assert_eq!(effective(Some(NoContent), Some(SpanOnly), Some(true)), NoContent);
    }

    #[test]
    fn off_by_default_and_a_call_may_opt_in_or_out() {
        assert_eq!(effective(None, None, None), NoContent);
        assert_eq!(effective(None, None, Some(true)), SpanOnly);
        assert_eq!(effective(Some(EventOnly), None, Some(true)), EventOnly);
        assert_eq!(effective(Some(SpanAndEvent), None, Some(false)), NoContent);
        assert_eq!(effective(Some(EventOnly), Some(SpanOnly), None), SpanOnly);
    }

    #[test]
    fn a_bad_value_is_off_with_one_warning_naming_the_variable_and_default() {
        let (mode, warning) = interpret("yes please");
        assert_eq!(mode, Some(NoContent));
        let warning = warning.expect("a warning");
        assert!(warning.contains(CAPTURE_MESSAGE_CONTENT_ENV), "{warning}");
        assert!(warning.contains("using NO_CONTENT"), "{warning}");
        assert_eq!(interpret("  "), (None, None));
        assert_eq!(interpret("span_and_event"), (Some(SpanAndEvent), None));
    }
}
