//! `OTEL_KIT_REDACT*`: defaults, parsed values, one exact warning per bad value naming
//! the variable and what is used instead; invalid rules in code are typed errors.

use otel_kit_init::InitError;
use otel_kit_init::redaction::{
    DEFAULT_DROP_KEYS, IpPrefixes, PII_KEYS, Redaction, RedactionError, RedactionMode, Scrub,
};

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
fn ssn_and_ip_truncation_are_selectable() {
    let (c, warnings) = read(&[
        ("OTEL_KIT_REDACT_SCRUB", "card,SSN"),
        ("OTEL_KIT_REDACT_TRUNCATE_IP", " /24 , 56 "),
    ]);
    assert!(warnings.is_empty(), "{warnings:?}");
    let r = &c.redaction;
    assert_eq!(r.scrub, [Scrub::Card, Scrub::Ssn]);
    assert_eq!(r.truncate_ip, Some(IpPrefixes::new(24, 56)));
    assert!(
        c.to_string()
            .ends_with("redaction=[drop=11 hash=0 scrub=card,ssn ip=/24,/56]"),
        "{c}"
    );
    for (value, want) in [
        ("default", Some(IpPrefixes::DEFAULT)),
        ("NONE", None),
        ("0,0", Some(IpPrefixes::new(0, 0))),
    ] {
        let (c, warnings) = read(&[("OTEL_KIT_REDACT_TRUNCATE_IP", value)]);
        assert!(warnings.is_empty(), "{value}: {warnings:?}");
        assert_eq!(c.redaction.truncate_ip, want, "{value}");
    }
}

#[test]
fn the_pii_preset_turns_the_guides_recommendations_on() {
    let (c, warnings) = read(&[("OTEL_KIT_REDACT", "pii")]);
    assert!(warnings.is_empty(), "{warnings:?}");
    let r = &c.redaction;
    assert_eq!(r.mode, RedactionMode::Pii);
    assert_eq!(r.scrub, Scrub::ALL);
    assert_eq!(r.truncate_ip, Some(IpPrefixes::DEFAULT));
    assert_eq!(
        &r.drop_keys[DEFAULT_DROP_KEYS.len()..],
        PII_KEYS,
        "no secret: dropped"
    );
    assert_eq!(r.to_redaction(), Some(Redaction::pii()));
    assert!(
        c.to_string()
            .ends_with("redaction=[drop=15 hash=0 scrub=email,card,ssn,bearer,jwt ip=/16,/48]"),
        "{c}"
    );

    // With a secret the e-mail and phone keys are hashed; the other variables still apply.
    let (c, warnings) = read(&[
        ("OTEL_KIT_REDACT", "PII"),
        ("OTEL_KIT_REDACT_HASH_SECRET", SECRET),
        ("OTEL_KIT_REDACT_HASH_KEYS", "enduser.id"),
        ("OTEL_KIT_REDACT_SCRUB", "card,ssn"),
        ("OTEL_KIT_REDACT_TRUNCATE_IP", "none"),
    ]);
    assert!(warnings.is_empty(), "{warnings:?}");
    let r = &c.redaction;
    assert_eq!(r.drop_keys, DEFAULT_DROP_KEYS);
    assert_eq!(r.hash_keys[0], "enduser.id");
    assert_eq!(&r.hash_keys[1..], PII_KEYS);
    assert_eq!(r.scrub, [Scrub::Card, Scrub::Ssn]);
    assert_eq!(r.truncate_ip, None);
    let want = Redaction::pii_hashed(SECRET)
        .scrub_only([Scrub::Card, Scrub::Ssn])
        .without_ip_truncation();
    let got = r.to_redaction().expect("on").build().expect("rules");
    assert_eq!(
        got.hash("ada@example.com"),
        want.build().expect("rules").hash("ada@example.com")
    );
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
            "OTEL_KIT_REDACT=\"on\" is not one of default, none, pii; using default",
        ),
        (
            &[("OTEL_KIT_REDACT_SCRUB", "card,dob")],
            "OTEL_KIT_REDACT_SCRUB=\"card,dob\" names the unknown kind `dob`; it is skipped (known: email, card, ssn, bearer, jwt, none)",
        ),
        (
            &[("OTEL_KIT_REDACT_TRUNCATE_IP", "24")],
            "OTEL_KIT_REDACT_TRUNCATE_IP=\"24\" is not none, default (16,48) or two prefix lengths <IPv4>,<IPv6> such as 24,48 (at most 32 and 128); using none",
        ),
        (
            &[
                ("OTEL_KIT_REDACT", "pii"),
                ("OTEL_KIT_REDACT_TRUNCATE_IP", "33,48"),
            ],
            "OTEL_KIT_REDACT_TRUNCATE_IP=\"33,48\" is not none, default (16,48) or two prefix lengths <IPv4>,<IPv6> such as 24,48 (at most 32 and 128); using 16,48",
        ),
        (
            &[
                ("OTEL_KIT_REDACT", "none"),
                ("OTEL_KIT_REDACT_TRUNCATE_IP", "default"),
            ],
            "OTEL_KIT_REDACT_TRUNCATE_IP=\"default\" is ignored because OTEL_KIT_REDACT=none",
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
    let (c, warnings) = read(&[("OTEL_KIT_REDACT_SCRUB", "sin,dob")]);
    assert_eq!(
        warnings,
        [
            "OTEL_KIT_REDACT_SCRUB=\"sin,dob\" names the unknown kind `sin`; names the unknown kind `dob`; using the default card,bearer,jwt (known: email, card, ssn, bearer, jwt, none)"
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
        (
            Redaction::pii().truncate_ip_addresses(IpPrefixes::new(24, 129)),
            RedactionError::IpPrefix(IpPrefixes::new(24, 129)),
            "invalid redaction: the IP prefixes /24,/129 are too long; give at most 32 bits for IPv4 and 128 for IPv6, e.g. IpPrefixes::new(16, 48)",
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
