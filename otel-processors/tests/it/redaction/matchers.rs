//! The value matchers and the keyed hash, through the public `Redactor`: what matches,
//! what must not, edge positions, adjacency, unicode, and linear time on 1 MB inputs.

use std::time::{Duration, Instant};

use otel_kit_processors::redaction::{DEFAULT_DROP_KEYS, Redaction, Redactor, Scrub};

fn only(kind: Scrub) -> Redactor {
    Redaction::none().scrub([kind]).build().expect("rules")
}

fn all() -> Redactor {
    Redaction::none().scrub(Scrub::ALL).build().expect("rules")
}

fn scrubbed(r: &Redactor, input: &str) -> String {
    r.scrub(input).unwrap_or_else(|| input.to_owned())
}

#[test]
fn emails() {
    let r = only(Scrub::Email);
    for (input, want) in [
        ("ada@example.com", "[REDACTED:email]"),
        ("to ada@example.com", "to [REDACTED:email]"),
        ("ada@example.com is here", "[REDACTED:email] is here"),
        ("(ada.lovelace+tag@mail.example.co.uk).", "([REDACTED:email])."),
        ("a@b.io,c@d.io", "[REDACTED:email],[REDACTED:email]"),
        ("a@b.io c@d.io", "[REDACTED:email] [REDACTED:email]"),
        ("<.ada@example.com>", "<.[REDACTED:email]>"),
        ("mailto:ada@example.com", "mailto:[REDACTED:email]"),
        ("naïve ada@example.com ü", "naïve [REDACTED:email] ü"),
        ("ü@example.com", "ü@example.com"),
    ] {
        assert_eq!(scrubbed(&r, input), want, "{input}");
    }
    for kept in [
        "@example.com",
        "ada@",
        "ada@localhost",
        "ada@example",
        "ada@example.c",
        "ada@example.123",
        "pkg@1.2.3",
        "a@@b.com",
        "@@@@",
        "x@-.",
    ] {
        assert_eq!(r.scrub(kept), None, "{kept}");
    }
    let long_local = format!("{}@example.com", "a".repeat(65));
    assert_eq!(r.scrub(&long_local), None, "a local part is at most 64 bytes");
}

#[test]
fn cards_pass_luhn_and_order_numbers_do_not() {
    let r = only(Scrub::Card);
    for (input, want) in [
        ("4111111111111111", "[REDACTED:card]"),
        ("4111 1111 1111 1111", "[REDACTED:card]"),
        ("4111-1111-1111-1111", "[REDACTED:card]"),
        (
            "card: 5500 0000 0000 0004, exp 12/30",
            "card: [REDACTED:card], exp 12/30",
        ),
        ("amex 378282246310005.", "amex [REDACTED:card]."),
        ("4222222222222", "[REDACTED:card]"), // 13 digits
        ("4111111111111111 12", "[REDACTED:card] 12"),
        ("1 4111 1111 1111 1111", "1 [REDACTED:card]"),
        (
            "4111111111111111,5500000000000004",
            "[REDACTED:card],[REDACTED:card]",
        ),
    ] {
        assert_eq!(scrubbed(&r, input), want, "{input}");
    }
    for kept in [
        "4111111111111112",          // a 16-digit order number: fails the Luhn check
        "order 4111111111111112 ok", // same, inside text
        "1234567812345670",          // Luhn-valid, but no network starts with 1
        "41111111111111111111111",   // too long
        "411111111111",              // too short
        "id-a4111111111111111",      // inside a token
        "4111111111111111abc",       // inside a token
        "4111  1111 1111 1111",      // double space: not one number
        "1700000000000",             // a millisecond timestamp
        "41111111-1111-1111",        // 16 Luhn-valid digits, grouped as no card is
        // A UUID whose head is 16 Luhn-valid digits (a service.instance.id once made so).
        "41111111-1111-4111-8f30-b6767f2be375",
    ] {
        assert_eq!(r.scrub(kept), None, "{kept}");
    }
}

#[test]
fn no_uuid_holds_a_card() {
    // UUIDs of digits alone where they can be: every window of the card matcher sees
    // groups of 8, 4, 4, 4 and 12 digits, and a million of them (a seeded walk) match none.
    let r = all();
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut digit = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        char::from(b'0' + (state % 10) as u8)
    };
    for _ in 0..1_000_000 {
        let mut uuid = String::with_capacity(36);
        for (k, len) in [8, 4, 4, 4, 12].into_iter().enumerate() {
            if k > 0 {
                uuid.push('-');
            }
            (0..len).for_each(|_| uuid.push(digit()));
        }
        assert_eq!(r.scrub(&uuid), None, "{uuid}");
    }
}

#[test]
fn ssns_follow_the_ssa_rules_and_stand_alone() {
    let r = only(Scrub::Ssn);
    for (input, want) in [
        ("078-05-1120", "[REDACTED:ssn]"),
        ("ssn 123 45 6789.", "ssn [REDACTED:ssn]."),
        ("ssn=123-45-6789;", "ssn=[REDACTED:ssn];"),
        ("(899-99-9999)", "([REDACTED:ssn])"),
        ("001-01-0001,665-01-0001", "[REDACTED:ssn],[REDACTED:ssn]"),
        ("12 123-45-6789", "12 [REDACTED:ssn]"), // another separator: another number
        ("123-45-6789 0123", "[REDACTED:ssn] 0123"),
        ("naïve 123-45-6789 ü", "naïve [REDACTED:ssn] ü"),
    ] {
        assert_eq!(scrubbed(&r, input), want, "{input}");
    }
    for kept in [
        "000-12-3456",      // area 000
        "666-12-3456",      // area 666
        "900-12-3456",      // area 9xx
        "123-00-4567",      // group 00
        "123-45-0000",      // serial 0000
        "123-45-67890",     // a longer number
        "1123-45-6789",     // a longer number
        "123-45-6789-1",    // a further group
        "1-123-45-6789",    // a further group
        "1 123 45 6789",    // a further group
        "a123-45-6789",     // inside a token
        "123-45-6789x",     // inside a token
        "123-45 6789",      // two separators
        "123456789",        // no separators: not matched
        "123.45.6789",      // dots: not matched
        "202-555-0143",     // a phone number
        "+1 202 555 0143",  // a phone number
        "2024-05-01",       // a date
        "2024-05-01 12:00", // a date and time
        "12-34-5678",       // too short
    ] {
        assert_eq!(r.scrub(kept), None, "{kept}");
    }
}

#[test]
fn ssns_and_cards_in_one_run() {
    let r = Redaction::none()
        .scrub([Scrub::Card, Scrub::Ssn])
        .build()
        .expect("rules");
    assert_eq!(
        scrubbed(&r, "ssn 123-45-6789 card 4111 1111 1111 1111"),
        "ssn [REDACTED:ssn] card [REDACTED:card]"
    );
    assert_eq!(
        scrubbed(&r, "123-45-6789 4111 1111 1111 1111"),
        "[REDACTED:ssn] [REDACTED:card]",
        "the leftmost first, then the rest of the run"
    );
    assert_eq!(only(Scrub::Card).scrub("123-45-6789"), None);
}

/// 400 KiB of digits and dashes, in the shapes that make a naive matcher look back or
/// ahead from every byte: each costs about what plain text does.
#[test]
fn ssn_hostile_runs_take_linear_time() {
    let r = all();
    let kib = 400 << 10;
    let fill = |piece: &str| piece.repeat(kib / piece.len());
    let cases = [
        ("plain text", fill("lorem ipsum dolor ")),
        ("digits", "1".repeat(kib)),
        ("dashes", "-".repeat(kib)),
        ("digits and dashes", fill("1-")),
        ("near-miss SSNs", fill("000-12-3456-")),
        ("SSN shapes joined", fill("123-45-6789-")),
        ("SSN shapes spaced", fill("123 45 6789 ")),
        ("SSNs", fill("123-45-6789, ")),
        ("dates", fill("2024-05-01 ")),
    ];
    let time = |s: &str| {
        let start = Instant::now();
        std::hint::black_box(r.scrub(s));
        start.elapsed()
    };
    let baseline = time(&cases[0].1).max(Duration::from_micros(100));
    for (name, input) in &cases {
        let took = time(input);
        eprintln!(
            "{name}: {took:?} for {} bytes (plain text {baseline:?})",
            input.len()
        );
        assert!(
            took < baseline * 200 && took < Duration::from_secs(2),
            "{name}: {took:?} vs {baseline:?}"
        );
    }
    let scrubbed = r.scrub(&cases[7].1).expect("SSNs");
    assert_eq!(scrubbed.matches("[REDACTED:ssn]").count(), kib / 13);
}

#[test]
fn bearer_tokens() {
    let r = only(Scrub::Bearer);
    for (input, want) in [
        ("Bearer abc123", "[REDACTED:bearer]"),
        (
            "authorization: bearer  abc.DEF-ghi_~+/==",
            "authorization: [REDACTED:bearer]",
        ),
        ("BEARER s3cr3t, next", "[REDACTED:bearer], next"),
        ("Bearer abcdefghijklmnopqrstuvwxyz", "[REDACTED:bearer]"),
    ] {
        assert_eq!(scrubbed(&r, input), want, "{input}");
    }
    for kept in [
        "missing Bearer token",
        "Bearer",
        "Bearer ",
        "unbearer abc123",
        "Bearerabc123",
    ] {
        assert_eq!(r.scrub(kept), None, "{kept}");
    }
}

#[test]
fn jwts() {
    let r = only(Scrub::Jwt);
    let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    assert_eq!(scrubbed(&r, jwt), "[REDACTED:jwt]");
    assert_eq!(scrubbed(&r, &format!("token={jwt};")), "token=[REDACTED:jwt];");
    assert_eq!(
        scrubbed(&r, "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."),
        "[REDACTED:jwt]",
        "unsecured"
    );
    assert_eq!(
        scrubbed(&r, &format!("{jwt} {jwt}")),
        "[REDACTED:jwt] [REDACTED:jwt]"
    );
    for kept in [
        "eyJhbGci.only-two",
        "xeyJa.b.c",
        "eyJa..c",
        "version 1.2.3",
        "eyJ",
    ] {
        assert_eq!(r.scrub(kept), None, "{kept}");
    }
}

#[test]
fn kinds_combine_and_adjacent_matches_all_go() {
    let r = all();
    let input = "ada@example.com,4111111111111111,Bearer abc123,eyJa.eyJb.c";
    assert_eq!(
        scrubbed(&r, input),
        "[REDACTED:email],[REDACTED:card],[REDACTED:bearer],[REDACTED:jwt]"
    );
    assert_eq!(
        scrubbed(&r, "ada@example.com4111111111111111"),
        "ada@example.com4111111111111111",
        "a top-level domain with digits is no domain, and the digits are inside a token"
    );
    assert_eq!(
        scrubbed(&r, "ada@example.com 4111111111111111"),
        "[REDACTED:email] [REDACTED:card]"
    );
    assert_eq!(
        Redaction::none().build().expect("rules").scrub("ada@example.com"),
        None
    );
}

#[test]
fn never_panics_on_odd_input() {
    let r = all();
    let samples = [
        "",
        "@",
        "e",
        "b",
        "eyJ",
        "eyJ.",
        "eyJ..",
        "Bearer\t",
        "4",
        "4-",
        "4 -1",
        "é@é.é",
        "\u{0}@\u{0}",
        "🦀@🦀.🦀",
        "a@b.",
        ".@.",
        "----",
        "    ",
    ];
    for s in samples {
        let _ = r.scrub(s);
    }
    // Every prefix of a mixed string, so each matcher sees its input cut anywhere.
    let mixed = "x ada@example.com 4111-1111-1111-1111 Bearer abc123 eyJa.eyJb.c ü";
    for end in (0..=mixed.len()).filter(|i| mixed.is_char_boundary(*i)) {
        let _ = r.scrub(&mixed[..end]);
    }
}

/// Each case costs about what the benign one does (linear), not the square of it.
#[test]
fn one_megabyte_inputs_take_linear_time() {
    let r = all();
    let mb = 1 << 20;
    let cases: Vec<(&str, String)> = vec![
        ("plain text", "lorem ipsum dolor ".repeat(mb / 18)),
        ("all @", "@".repeat(mb)),
        ("a@a@a@", "a@".repeat(mb / 2)),
        ("local parts", format!("{}@", "a".repeat(mb))),
        ("domain labels", format!("a@{}", "b.".repeat(mb / 2))),
        ("digits", "4".repeat(mb)),
        ("digit groups", "4 ".repeat(mb / 2)),
        ("card-like groups", "4111 1111 1111 111 ".repeat(mb / 19)),
        ("ssn-like groups", "123-45-6789-".repeat(mb / 12)),
        ("eyJ segments", "eyJ.".repeat(mb / 4)),
        ("eyJ no dot", format!("eyJ{}", "a".repeat(mb))),
        ("bearer", "bearer ".repeat(mb / 7)),
        ("bearer spaces", format!("Bearer{}", " ".repeat(mb))),
        ("unicode", "ü".repeat(mb / 2)),
        ("emails", "ada@example.com ".repeat(mb / 16)),
    ];
    let time = |s: &str| {
        let start = Instant::now();
        std::hint::black_box(r.scrub(s));
        start.elapsed()
    };
    let baseline = time(&cases[0].1).max(Duration::from_micros(200));
    for (name, input) in &cases {
        let took = time(input);
        // Generous for debug builds and noisy machines; quadratic would be ~10^5 times.
        assert!(
            took < baseline * 200 && took < Duration::from_secs(2),
            "{name}: {took:?} vs {baseline:?}"
        );
    }
}

#[test]
fn hmac_is_deterministic_keyed_and_hides_the_input() {
    let a = Redaction::none()
        .hash_keys(["enduser.id"], "first-secret-0123456789")
        .build()
        .expect("a");
    let a2 = Redaction::none()
        .hash_keys(["other"], "first-secret-0123456789")
        .build()
        .expect("a2");
    let b = Redaction::none()
        .hash_keys(["enduser.id"], "second-secret-012345678")
        .build()
        .expect("b");
    let input = "ada@example.com";
    let h = a.hash(input).expect("hash");
    assert_eq!(a.hash(input), Some(h.clone()));
    assert_eq!(
        a2.hash(input),
        Some(h.clone()),
        "the same secret gives the same output"
    );
    assert_ne!(
        b.hash(input),
        Some(h.clone()),
        "another secret gives another output"
    );
    assert_ne!(a.hash("ada@example.org"), Some(h.clone()));
    assert!(!h.contains(input));
    assert_eq!(h.len(), "hmac-sha256:".len() + 32);
    assert!(h["hmac-sha256:".len()..].bytes().all(|c| c.is_ascii_hexdigit()));
    // RFC 4231 test case 1: key 0x0b × 20, data "Hi There".
    let rfc = Redaction::none()
        .hash_keys(["k"], [0x0b_u8; 20])
        .build()
        .expect("rfc");
    assert_eq!(
        rfc.hash("Hi There").as_deref(),
        Some("hmac-sha256:b0344c61d8db38535ca8afceaf0bf12b")
    );
    assert_eq!(Redaction::default().build().expect("no hash").hash(input), None);
}

#[test]
fn the_default_drop_set_keeps_legitimate_token_counters() {
    let r = Redaction::default().build().expect("defaults");
    let keep = [
        "gen_ai.usage.input_tokens",
        "gen_ai.usage.output_tokens",
        "gen_ai.request.max_tokens",
        "gen_ai.token.type",
        "gen_ai.usage.cache_read.input_tokens",
        "llm.token_count.prompt",
        "http.request.header.content-type",
        "session.id",
        "k8s.secret.name",
        "user.id",
    ];
    let drop = [
        "password",
        "db.password",
        "user_password",
        "client_secret",
        "aws.secret",
        "access_token",
        "id_token",
        "x-auth-token",
        "api_key",
        "http.request.header.x-api-key",
        "http.request.header.authorization",
        "http.response.header.set-cookie",
        "HTTP.REQUEST.HEADER.COOKIE",
        "tls.private_key",
    ];
    let mut attributes: Vec<opentelemetry::KeyValue> = keep
        .iter()
        .chain(drop.iter())
        .map(|k| opentelemetry::KeyValue::new(*k, "v"))
        .collect();
    r.redact_attributes(&mut attributes);
    let kept: Vec<&str> = attributes.iter().map(|kv| kv.key.as_str()).collect();
    assert_eq!(kept, keep, "default patterns: {DEFAULT_DROP_KEYS:?}");
}
