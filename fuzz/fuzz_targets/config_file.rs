//! `otel_kit_config::parse_str` over arbitrary text, then what otel-kit-init makes of a
//! file it accepts: `env_variables` read back through `Config::from_lookup`.
//!
//! Input: the file's text (lossy UTF-8). References resolve against a fixed environment
//! (`A=1`, `T=true`, `NL` holding a newline and YAML syntax, `BIG` 10,000 bytes), so
//! substitution is exercised with hostile values.
//!
//! Invariants:
//! - parsing is deterministic (twice gives equal results), never panics;
//! - an error names a line within the text (or 0 for the document), and its `Display`
//!   names the path (control characters escaped) and the line, and prints no control
//!   character of the input raw;
//! - every warning names a line within the text;
//! - a substituted value never adds structure: `NL`'s text never becomes a key;
//! - an accepted file's normalized JSON view and its variables build; the variables read
//!   back through otel-kit-init's `Config` give a valid sampler, deterministically.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otel_kit_init::config::Config;

fn lookup(name: &str) -> Option<String> {
    match name {
        "A" => Some("1".to_owned()),
        "T" => Some("true".to_owned()),
        "NL" => Some("a\nnot_a_key: {b: [c]}\n- d".to_owned()),
        "BIG" => Some("x".repeat(10_000)),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // YAML's line breaks: `\n`, `\r\n`, and a lone `\r`; the end of the input after the
    // last break is a line too.
    let lines = text.replace("\r\n", "\n").chars().filter(|c| matches!(c, '\n' | '\r')).count() + 1;
    let parsed = otel_kit_config::parse_str(&text, lookup);
    assert_eq!(otel_kit_config::parse_str(&text, lookup), parsed, "not deterministic");
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            assert!(error.line() <= lines, "line {} of {lines}: {error}", error.line());
            let shown = error.to_string();
            // The path as printed: its control characters escaped, and none left raw.
            let hidden = |c: char| {
                c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
            };
            let escaped: String = error
                .path()
                .chars()
                .flat_map(|c| {
                    let shown: Vec<char> = if hidden(c) { c.escape_default().collect() } else { vec![c] };
                    shown
                })
                .collect();
            assert!(shown.contains(&escaped), "{shown}");
            assert!(!shown.chars().any(hidden), "a control character printed raw: {shown:?}");
            return;
        }
    };
    for warning in &parsed.warnings {
        assert!(warning.line() <= lines, "line {} of {lines}: {warning}", warning.line());
        let _ = warning.to_string();
    }
    let json = parsed.model.comparable().to_string();
    if !text.contains("not_a_key") {
        assert!(!json.contains("\"not_a_key\""), "a substituted value added structure: {json}");
    }
    let vars = otel_kit_config::env_variables(&parsed.model);
    let read = |name: &str| vars.get(name).map(str::to_owned);
    let (config, warnings) = Config::from_lookup(read);
    assert_eq!(Config::from_lookup(read), (config.clone(), warnings), "not deterministic");
    assert_eq!(config.sampling.validate(), Ok(()), "{:?}", config.sampling);
});
