//! `OTEL_KIT_BAGGAGE_ATTRIBUTES` and `OTEL_KIT_BAGGAGE_EMAILS`: unset, parsed, and one
//! warning per bad value naming the variable and what is used instead.

use crate::support::read_config as read;

fn names(c: &otel_kit_init::config::Config) -> Vec<&str> {
    c.baggage_attributes.names().collect()
}

#[test]
fn unset_or_empty_copies_nothing_and_scrubs_emails() {
    for pairs in [
        &[][..],
        &[("OTEL_KIT_BAGGAGE_ATTRIBUTES", "")],
        &[("OTEL_KIT_BAGGAGE_ATTRIBUTES", " , ,")],
    ] {
        let (c, warnings) = read(pairs);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(c.baggage_attributes.is_empty());
        assert!(c.baggage_attributes.scrubs_emails());
        assert!(!c.to_string().contains("baggage_attributes"), "{c}");
    }
}

#[test]
fn names_are_trimmed_deduplicated_and_shown_on_the_start_up_line() {
    let (c, warnings) = read(&[
        ("OTEL_KIT_BAGGAGE_ATTRIBUTES", " tenant.id ,user.tier,tenant.id"),
        ("OTEL_KIT_BAGGAGE_EMAILS", "KEEP"),
    ]);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(names(&c), ["tenant.id", "user.tier"]);
    assert!(!c.baggage_attributes.scrubs_emails());
    assert!(
        c.to_string()
            .ends_with(" baggage_attributes=tenant.id,user.tier (e-mails kept)"),
        "{c}"
    );
}

#[test]
fn garbage_gives_one_warning_naming_the_variable_and_the_default() {
    let (c, warnings) = read(&[
        ("OTEL_KIT_BAGGAGE_ATTRIBUTES", "user.*;x=1,\u{1F600}"),
        ("OTEL_KIT_BAGGAGE_EMAILS", "maybe"),
    ]);
    assert!(c.baggage_attributes.is_empty());
    assert!(c.baggage_attributes.scrubs_emails(), "the default: scrub");
    assert_eq!(
        warnings,
        [
            "OTEL_KIT_BAGGAGE_EMAILS=\"maybe\" is not one of scrub, keep; using scrub",
            "OTEL_KIT_BAGGAGE_ATTRIBUTES=\"user.*;x=1,\u{1F600}\" has `user.*;x=1`, a wildcard (name each member); \
             `\u{1F600}`, not a baggage member name (letters, digits and !#$%&'+-.^_`|~); \
             using the default: no member is copied",
        ]
    );
}

#[test]
fn more_names_than_baggage_holds_keeps_the_first_64() {
    let many: Vec<String> = (0..70).map(|i| format!("k{i}")).collect();
    let value = many.join(",");
    let (c, warnings) = read(&[("OTEL_KIT_BAGGAGE_ATTRIBUTES", &value)]);
    assert_eq!(names(&c).len(), 64);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("`k64`, one more than baggage holds members"),
        "{warnings:?}"
    );
}

#[test]
fn a_huge_value_is_refused_in_one_short_warning() {
    let huge = "a".repeat(400 * 1024);
    let (c, warnings) = read(&[("OTEL_KIT_BAGGAGE_ATTRIBUTES", &format!("tenant.id,{huge}"))]);
    assert_eq!(names(&c), ["tenant.id"]);
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].len() < 1024, "{}", warnings[0].len());
    assert!(
        warnings[0].ends_with(&format!(
            "… (409610 bytes)\" has `{}…`, 409600 bytes long (at most 255 bytes); skipped, copying tenant.id",
            "a".repeat(32)
        )),
        "{}",
        warnings[0]
    );
}
