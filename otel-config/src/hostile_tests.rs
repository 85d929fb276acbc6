//! Hostile input never panics: every truncation of the example files, pseudo-random
//! garbage, a 400 KiB value, deep nesting, and an alias bomb.

use crate::{ConfigFileErrorKind, parse_str};

const VECTORS: [&str; 4] = [
    include_str!("../tests/vectors/own-multiple-processors.yaml"),
    include_str!("../tests/vectors/own-views.yaml"),
    include_str!("../tests/vectors/own-substitution.yaml"),
    include_str!("../tests/vectors/own-resource.yaml"),
];

fn env(name: &str) -> Option<String> {
    (name == "BATCH_SIZE").then(|| "256".to_owned())
}

#[test]
fn every_truncation_of_a_real_file_is_an_answer_not_a_panic() {
    for text in VECTORS {
        let mut accepted = 0;
        for (cut, _) in text.char_indices() {
            if parse_str(&text[..cut], env).is_ok() {
                accepted += 1;
            }
        }
        // Cut at a line end a file is often still valid; never every cut (the start has no file_format).
        assert!(accepted > 0 && accepted < text.len(), "{accepted}");
    }
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    const ALPHABET: &[u8] = b"file_format: \"1.1\"\n -[]{}&*!|>'%@`#,?:$\\\t\r\x00\xc3\xa9abc0.5e9";
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..3000 {
        let len = (round % 200) + 1;
        let mut bytes = Vec::with_capacity(len);
        for _ in 0..len {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            bytes.push(ALPHABET[(state >> 33) as usize % ALPHABET.len()]);
        }
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_str(&text, env);
        let prefixed = format!("file_format: \"1.1\"\ntracer_provider:\n  {text}");
        let _ = parse_str(&prefixed, env);
    }
}

#[test]
fn a_400_kib_value_is_one_scalar() {
    let big = "v".repeat(400 * 1024);
    let yaml = format!("file_format: \"1.1\"\nresource:\n  schema_url: {big}\n");
    let parsed = parse_str(&yaml, env).expect("a long value is fine");
    assert_eq!(
        parsed.model.resource.schema_url.map(|url| url.len()),
        Some(400 * 1024)
    );
}

#[test]
fn deep_nesting_is_refused_with_its_line() {
    for deep in [
        format!(
            "file_format: \"1.1\"\ndistribution:\n  x: {}",
            "[".repeat(100_000)
        ),
        format!(
            "file_format: \"1.1\"\ndistribution:\n  x: {}",
            "{a: ".repeat(100_000)
        ),
        {
            let mut block = String::from("file_format: \"1.1\"\ndistribution:\n");
            for depth in 1..200 {
                block.push_str(&format!("{}k{depth}:\n", " ".repeat(depth * 2)));
            }
            block
        },
    ] {
        let error = parse_str(&deep, env).expect_err("too deep");
        assert_eq!(error.kind(), ConfigFileErrorKind::TooDeep, "{error}");
        assert!(error.line() >= 3, "{error}");
    }
    // 60 levels are fine.
    let fine = format!(
        "file_format: \"1.1\"\ndistribution:\n  x: {}{}",
        "[".repeat(60),
        "]".repeat(60)
    );
    assert!(parse_str(&fine, env).is_ok());
}

#[test]
fn an_alias_bomb_is_refused_before_it_takes_the_memory() {
    let mut yaml = String::from(
        "file_format: \"1.1\"\ndistribution:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        let items = [previous.as_str(); 9].join(", ");
        yaml.push_str(&format!("  a{level}: &a{level} [{items}]\n"));
    }
    let started = std::time::Instant::now();
    let error = parse_str(&yaml, env).expect_err("a billion laughs");
    assert_eq!(error.kind(), ConfigFileErrorKind::TooLarge, "{error}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    // A few aliases are fine, and expand to copies.
    let small = "file_format: \"1.1\"\nresource:\n  attributes:\n    - &svc {name: service.name, value: a}\n  schema_url: &u x\ndistribution:\n  x: *u\n";
    assert!(parse_str(small, env).is_ok());
}

#[test]
fn many_keys_and_items_take_linear_time() {
    let mut yaml = String::from("file_format: \"1.1\"\ndistribution:\n  other:\n");
    for key in 0..200_000 {
        yaml.push_str(&format!("    k{key}: v\n"));
    }
    yaml.push_str("resource:\n  attributes:\n");
    for item in 0..50_000 {
        yaml.push_str(&format!("    - {{name: a{item}, value: {item}}}\n"));
    }
    let started = std::time::Instant::now();
    let parsed = parse_str(&yaml, env).expect("large but valid");
    assert_eq!(parsed.model.resource.attributes.len(), 50_000);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    let duplicate = format!("{yaml}  attributes_list: x\n  schema_url: y\n  attributes_list: z\n");
    let error = parse_str(&duplicate, env).expect_err("a duplicate key");
    assert_eq!(error.path(), "resource.attributes_list");
}

#[test]
fn odd_documents_are_errors() {
    for (yaml, kind) in [
        ("", ConfigFileErrorKind::NotAMapping),
        ("# only a comment\n", ConfigFileErrorKind::NotAMapping),
        ("- a\n- b\n", ConfigFileErrorKind::NotAMapping),
        ("just text", ConfigFileErrorKind::NotAMapping),
        ("file_format: \"1.1\"\n? [a, b]\n: c\n", ConfigFileErrorKind::Type),
        ("file_format: \"1.1\"\nx: *nowhere\n", ConfigFileErrorKind::Syntax),
        ("file_format: \"1.1\"\nresource: [\n", ConfigFileErrorKind::Syntax),
        (
            "file_format: \"1.1\"\ntracer_provider: 5\n",
            ConfigFileErrorKind::Type,
        ),
    ] {
        let error = parse_str(yaml, env).expect_err(yaml);
        assert_eq!(error.kind(), kind, "{yaml:?}: {error}");
    }
}

/// What substitution writes is charged like the file's own text: 250,000 references to
/// a 100 KB variable (about 25 GB) fail at the budget, at once, not after the memory.
#[test]
fn substituted_text_counts_against_the_budget() {
    let big = "x".repeat(100 * 1024);
    let lookup = |name: &str| (name == "BIG").then(|| big.clone());
    let mut yaml = String::from("file_format: \"1.1\"\ndistribution:\n  refs:\n");
    for _ in 0..250_000 {
        yaml.push_str("    - ${BIG}\n");
    }
    let started = std::time::Instant::now();
    let error = parse_str(&yaml, lookup).expect_err("over budget");
    assert_eq!(error.kind(), ConfigFileErrorKind::TooLarge, "{error}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    // A few references are fine.
    let few = "file_format: \"1.1\"\nresource:\n  schema_url: ${BIG}\n";
    assert!(parse_str(few, lookup).is_ok());
}

/// One scalar of 100,000 references to a 10 KiB variable (a 390 KiB file, 1 GB once
/// substituted): refused at the budget as the value is built, never holding more than
/// the budget (it peaked at 1.5 GiB when the value was charged after it was built).
#[test]
fn one_scalar_of_many_references_is_refused_as_it_is_built() {
    let big = "x".repeat(10 * 1024);
    let lookup = |name: &str| (name == "A").then(|| big.clone());
    let yaml = format!(
        "file_format: \"1.1\"\nresource:\n  schema_url: \"{}\"\n",
        "${A}".repeat(100_000)
    );
    let started = std::time::Instant::now();
    let error = parse_str(&yaml, lookup).expect_err("over budget");
    assert_eq!(error.kind(), ConfigFileErrorKind::TooLarge, "{error}");
    assert!(error.to_string().contains("schema_url"), "{error}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

/// Anchors nested in anchors each keep a copy of everything below them, with no alias
/// in sight; the copies are charged too, so a 15 MB scalar under 60 nested anchors fails
/// at the budget instead of taking 60 times its size.
#[test]
fn nested_anchor_copies_count_against_the_budget() {
    let scalar = "y".repeat(15 * 1024 * 1024);
    let levels = 60;
    let mut yaml = String::from("file_format: \"1.1\"\ndistribution:\n  x: ");
    for level in 0..levels {
        yaml.push_str(&format!("&a{level} ["));
    }
    yaml.push_str(&scalar);
    yaml.push_str(&"]".repeat(levels));
    yaml.push('\n');
    let error = parse_str(&yaml, env).expect_err("over budget");
    assert_eq!(error.kind(), ConfigFileErrorKind::TooLarge, "{error}");
}

/// A substituted value is its text where a string goes, whatever it looks like (an
/// all-digit token stays a string, with its leading zero), and an error about it never
/// prints it.
#[test]
fn a_substituted_value_stays_a_string_and_is_never_printed() {
    let lookup = |name: &str| match name {
        "TOKEN" => Some("0012345678901234".to_owned()),
        "SECRET" => Some("hunter2-secret".to_owned()),
        _ => None,
    };
    let yaml = "file_format: \"1.0\"\ntracer_provider:\n  processors:\n    - batch:\n        exporter:\n          otlp_http:\n            endpoint: http://collector:4318/v1/traces\n            headers:\n              - name: api-key\n                value: ${TOKEN}\n";
    let parsed = parse_str(yaml, lookup).expect("an all-digit header value is a string");
    let vars = crate::env_variables(&parsed.model);
    assert_eq!(
        vars.get("OTEL_EXPORTER_OTLP_TRACES_HEADERS"),
        Some("api-key=0012345678901234")
    );
    for yaml in [
        "file_format: \"1.0\"\ntracer_provider:\n  processors:\n    - batch:\n        schedule_delay: ${SECRET}\n        exporter:\n          console:\n",
        "file_format: \"1.0\"\nattribute_limits:\n  attribute_count_limit: ${TOKEN}x\n",
    ] {
        let error = parse_str(yaml, lookup).expect_err("not a number");
        let text = error.to_string();
        assert!(!text.contains("hunter2") && !text.contains("12345678"), "{text}");
        assert!(text.contains("a substituted value (not shown)"), "{text}");
    }
}
