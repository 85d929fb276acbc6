//! `OTEL_KIT_REDACT*`: defaults, parsed values, one exact warning per bad value naming
//! the variable and what is used instead; invalid rules in code are typed errors.

use otel_kit_init::InitError;
use otel_kit_init::redaction::{DEFAULT_DROP_KEYS, Redaction, RedactionError, RedactionMode, Scrub};

use crate::support::{env, read_config as read};

const SECRET: &str = "0123456789abcdef0123";

#[test]
fn unset_means_the_default_set() {
    let (c, warnings) = read(&[]);
    assert!(warnings.is_empty());
    let r = &c.redaction;
    assert_eq!(r.mode, RedactionMode::Default);
    assert_eq!(r.drop_keys, DEFAULT_DROP_KEYS);
    assert!(r.hash_keys.is_empty());
    assert_eq!(r.scrub, [Scrub::Card, Scrub::Bearer, Scrub::Jwt]);
    assert_eq!(r.to_redaction(), Some(Redaction::default()));
    assert!(
        c.to_string()
            .ends_with("redaction=[drop=11 hash=0 scrub=card,bearer,jwt]"),
        "{c}"
    );
}

#[test]
fn values_are_parsed() {
    let (c, warnings) = read(&[
        ("OTEL_KIT_REDACT", "DEFAULT"),
        ("OTEL_KIT_REDACT_DROP_KEYS", " app.ssn , ,*.dob"),
        ("OTEL_KIT_REDACT_HASH_KEYS", "enduser.id"),
        ("OTEL_KIT_REDACT_HASH_SECRET", SECRET),
        ("OTEL_KIT_REDACT_SCRUB", "Email,jwt,email"),
    ]);
    assert!(warnings.is_empty(), "{warnings:?}");
    let r = &c.redaction;
    assert_eq!(&r.drop_keys[DEFAULT_DROP_KEYS.len()..], ["app.ssn", "*.dob"]);
    assert_eq!(r.hash_keys, ["enduser.id"]);
    assert_eq!(r.scrub, [Scrub::Email, Scrub::Jwt]);
    for text in [c.to_string(), format!("{c:?}"), format!("{:?}", r.to_redaction())] {
        assert!(!text.contains(SECRET), "secret printed: {text}");
    }
    let (c, _) = read(&[("OTEL_KIT_REDACT_SCRUB", "none")]);
    assert!(c.redaction.scrub.is_empty());
    let (c, _) = read(&[("OTEL_KIT_REDACT", "none")]);
    assert_eq!(c.redaction.to_redaction(), None);
    assert!(c.to_string().ends_with("redaction=none"));
}

#[test]
fn the_secret_can_come_from_a_file() {
    let path = std::env::temp_dir().join(format!("otel-kit-init-redact-secret-{}", std::process::id()));
    std::fs::write(&path, format!("{SECRET}\n")).expect("write");
    let file = path.to_string_lossy().into_owned();
    let (c, warnings) = read(&[
        ("OTEL_KIT_REDACT_HASH_KEYS", "enduser.id"),
        ("OTEL_KIT_REDACT_HASH_SECRET_FILE", &file),
    ]);
    assert!(warnings.is_empty(), "{warnings:?}");
    let from_file = c.redaction.to_redaction().expect("on").build().expect("rules");
    let direct = Redaction::none().hash_keys(["x"], SECRET).build().expect("rules");
    assert_eq!(
        from_file.hash("v"),
        direct.hash("v"),
        "the trailing newline is not part of it"
    );
    std::fs::remove_file(&path).ok();
}

#[test]
fn bad_values_warn_once_and_say_what_is_used() {
    let missing = "/nonexistent/otel-kit-secret";
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("OTEL_KIT_REDACT", "on")],
            "OTEL_KIT_REDACT=\"on\" is not one of default, none; using default",
        ),
        (
            &[("OTEL_KIT_REDACT_SCRUB", "card,ssn")],
            "OTEL_KIT_REDACT_SCRUB=\"card,ssn\" names the unknown kind `ssn`; it is skipped (known: email, card, bearer, jwt, none)",
        ),
        (
            &[("OTEL_KIT_REDACT_HASH_KEYS", "enduser.id")],
            "OTEL_KIT_REDACT_HASH_KEYS=\"enduser.id\" has no usable secret (OTEL_KIT_REDACT_HASH_SECRET or OTEL_KIT_REDACT_HASH_SECRET_FILE, at least 16 bytes); these keys are dropped instead of hashed",
        ),
        (
            &[("OTEL_KIT_REDACT_HASH_SECRET", "short")],
            "OTEL_KIT_REDACT_HASH_SECRET=\"<redacted>\" holds a secret of 5 bytes, fewer than 16; it is not used, hash keys are dropped instead of hashed",
        ),
        (
            &[("OTEL_KIT_REDACT", "none"), ("OTEL_KIT_REDACT_DROP_KEYS", "a")],
            "OTEL_KIT_REDACT_DROP_KEYS=\"a\" is ignored because OTEL_KIT_REDACT=none",
        ),
    ];
    for (pairs, want) in cases {
        let (_, warnings) = read(pairs);
        assert_eq!(warnings, [*want], "{pairs:?}");
    }
    let (c, warnings) = read(&[("OTEL_KIT_REDACT_SCRUB", "ssn,dob")]);
    assert_eq!(
        warnings,
        [
            "OTEL_KIT_REDACT_SCRUB=\"ssn,dob\" names the unknown kind `ssn`; names the unknown kind `dob`; using the default card,bearer,jwt (known: email, card, bearer, jwt, none)"
        ]
    );
    assert_eq!(c.redaction.scrub, [Scrub::Card, Scrub::Bearer, Scrub::Jwt]);

    let (c, warnings) = read(&[
        ("OTEL_KIT_REDACT_HASH_KEYS", "enduser.id"),
        ("OTEL_KIT_REDACT_HASH_SECRET_FILE", missing),
    ]);
    assert!(warnings[0].starts_with(&format!(
        "OTEL_KIT_REDACT_HASH_SECRET_FILE=\"{missing}\" cannot be read ("
    )));
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        c.redaction.drop_keys.iter().any(|k| k == "enduser.id"),
        "fails closed: dropped"
    );
    assert!(c.redaction.hash_keys.is_empty());
}

#[test]
fn invalid_rules_in_code_are_errors_that_say_what_to_fix() {
    let init = |r: Redaction| {
        otel_kit_init::builder()
            .without_globals()
            .exporter(otel_kit_init::Exporter::None)
            .environment(env(&[]))
            .redaction(r)
            .init()
    };
    let cases = [
        (
            Redaction::default().drop_keys(["app.ssn", ""]),
            RedactionError::EmptyPattern {
                list: "drop_keys",
                index: 12,
            },
            "invalid redaction: pattern 12 of drop_keys is empty; give a key or a glob such as \"app.ssn\" or \"*.password\"",
        ),
        (
            Redaction::none().hash_keys(["  "], SECRET),
            RedactionError::EmptyPattern {
                list: "hash_keys",
                index: 0,
            },
            "invalid redaction: pattern 0 of hash_keys is empty; give a key or a glob such as \"app.ssn\" or \"*.password\"",
        ),
        (
            Redaction::none().hash_keys(["enduser.id"], ""),
            RedactionError::EmptySecret,
            "invalid redaction: the hash_keys secret is empty; give at least 16 random bytes, e.g. from `openssl rand -hex 32`",
        ),
    ];
    for (rules, want, message) in cases {
        match init(rules) {
            Err(InitError::Redaction(e)) => {
                assert_eq!(e, want);
                assert_eq!(InitError::Redaction(e).to_string(), message);
            }
            other => panic!("expected a redaction error, got {other:?}"),
        }
    }
    let t = init(Redaction::none().hash_keys(["enduser.id"], SECRET)).expect("valid");
    assert_eq!(t.effective_config().redaction.hash_keys, ["enduser.id"]);
    assert!(!format!("{:?} {}", t.effective_config(), t.effective_config()).contains(SECRET));
}
