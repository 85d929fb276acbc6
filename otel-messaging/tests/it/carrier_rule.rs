//! The kit's one rule for reading propagation headers (`otel_kit_core::__private::carrier`), run as
//! one table of cases over every header source the kit reads: `http::HeaderMap` (HTTP,
//! and gRPC metadata, which tonic keeps in one), `(name, value)` pairs (otel-kit-init's
//! `MessageHeaders`), a string map (otel-kit-init's `extract`), NATS headers and an AMQP
//! field table. No broker is needed.
//!
//! A source takes part in each case it can hold: a map cannot repeat a name spelled the
//! same way, and a string map, NATS headers or an HTTP header map cannot hold every byte
//! sequence. Every case runs over at least two sources, and the sources that hold it
//! must answer alike.

use std::collections::HashMap;
use std::str::FromStr as _;

use lapin::types::{AMQPValue, ByteArray, FieldTable, LongString};
use opentelemetry::propagation::Extractor;
use otel_kit_core::__private::carrier::{BoundedExtractor, MAX_KEYS, MAX_TOTAL_BYTES};

const TP: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const TP2: &str = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

type Lines = Vec<(String, Vec<u8>)>;

/// One case: the header lines, in order, and what is asked of them.
struct Case {
    what: &'static str,
    lines: Lines,
    check: fn(&dyn Extractor, &str),
}

fn lines(list: &[(&str, &[u8])]) -> Lines {
    list.iter()
        .map(|(name, value)| ((*name).to_owned(), value.to_vec()))
        .collect()
}

/// `count` spellings of `baggage`: the exact one first, then the others in byte order
/// (so every source, whatever order it keeps, reads them in this order).
fn spellings(count: usize) -> Vec<String> {
    let mut names: Vec<String> = (0u32..128)
        .map(|mask| {
            "baggage"
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if mask & (1 << i) != 0 {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect()
        })
        .collect();
    let exact = names.remove(0);
    names.sort();
    names.insert(0, exact);
    names.truncate(count);
    names
}

fn cases() -> Vec<Case> {
    let long_baggage = "k=v,".repeat(25_000);
    let hundred_byte_values = spellings(100)
        .into_iter()
        .enumerate()
        .map(|(i, name)| (name, format!("k{i:02}={}", "x".repeat(96)).into_bytes()))
        .collect();
    vec![
        Case {
            what: "one value",
            lines: lines(&[("traceparent", TP.as_bytes())]),
            check: |e, what| {
                assert_eq!(e.get("traceparent"), Some(TP), "{what}");
                assert_eq!(e.get_all("traceparent"), Some(vec![TP]), "{what}");
                assert_eq!(e.get("missing"), None, "{what}");
                assert_eq!(e.get_all("missing"), None, "{what}");
            },
        },
        Case {
            what: "a name in another case",
            lines: lines(&[("Traceparent", TP.as_bytes())]),
            check: |e, what| {
                assert_eq!(e.get("traceparent"), Some(TP), "{what}");
                assert_eq!(e.get("TRACEPARENT"), Some(TP), "{what}");
                assert_eq!(e.get_all("traceparent"), Some(vec![TP]), "{what}");
            },
        },
        Case {
            what: "the same value twice",
            lines: lines(&[("traceparent", TP.as_bytes()), ("TRACEPARENT", TP.as_bytes())]),
            check: |e, what| {
                assert_eq!(e.get("traceparent"), Some(TP), "{what}: one value, sent twice");
                assert_eq!(
                    e.get_all("traceparent"),
                    Some(vec![TP, TP]),
                    "{what}: repeats included"
                );
            },
        },
        Case {
            what: "two different values",
            lines: lines(&[("traceparent", TP.as_bytes()), ("Traceparent", TP2.as_bytes())]),
            check: |e, what| {
                assert_eq!(e.get("traceparent"), None, "{what}: ambiguous");
                assert_eq!(
                    e.get_all("traceparent"),
                    Some(vec![TP, TP2]),
                    "{what}: exact first"
                );
            },
        },
        Case {
            what: "a list over two lines",
            lines: lines(&[("baggage", b"a=1"), ("Baggage", b"b=2")]),
            check: |e, what| {
                assert_eq!(e.get_all("baggage"), Some(vec!["a=1", "b=2"]), "{what}");
            },
        },
        Case {
            what: "a value that is not UTF-8 beside one that is",
            lines: lines(&[("traceparent", b"\xc3\x28"), ("TRACEPARENT", TP.as_bytes())]),
            check: |e, what| {
                assert_eq!(e.get("traceparent"), Some(TP), "{what}");
                assert_eq!(e.get_all("traceparent"), Some(vec![TP]), "{what}");
            },
        },
        Case {
            what: "only values that are not UTF-8",
            lines: lines(&[("traceparent", b"\xff\xfe"), ("Traceparent", b"\x80")]),
            check: |e, what| {
                assert_eq!(e.get("traceparent"), None, "{what}");
                assert_eq!(e.get_all("traceparent"), None, "{what}");
            },
        },
        Case {
            what: "a 100 KB value",
            lines: vec![("baggage".to_owned(), long_baggage.into_bytes())],
            check: |e, what| {
                let value = e.get("baggage").expect("read whole");
                assert_eq!(
                    value.len(),
                    100_000,
                    "{what}: borrowed whole, the propagator bounds it"
                );
                assert_eq!(e.get_all("baggage").map(|v| v.len()), Some(1), "{what}");
            },
        },
        Case {
            what: "100 values of 100 bytes",
            lines: hundred_byte_values,
            check: |e, what| {
                let read = e.get_all("baggage").expect("read");
                // 81 values and their separators (8180 bytes) are within the limit; the
                // 82nd crosses it and is read; no later one is. A Kafka record is read
                // up to its 64th header first (a name rdkafka cannot read costs a panic).
                let expected = if what.contains("Kafka") { 64 } else { 82 };
                assert_eq!(read.len(), expected, "{what}");
                assert!(read.iter().map(|v| v.len() + 1).sum::<usize>() <= MAX_TOTAL_BYTES + 101);
                assert_eq!(read[0], format!("k00={}", "x".repeat(96)), "{what}: exact first");
                let last = expected - 1;
                assert_eq!(
                    read[last],
                    format!("k{last:02}={}", "x".repeat(96)),
                    "{what}: in order"
                );
                assert_eq!(e.get("baggage"), None, "{what}: different values");
            },
        },
        Case {
            what: "100 names",
            lines: (0..100)
                .map(|i| (format!("x-junk-{i}"), b"junk".to_vec()))
                .collect(),
            check: |e, what| {
                assert_eq!(e.keys().len(), MAX_KEYS, "{what}");
                assert_eq!(e.get("x-junk-7"), Some("junk"), "{what}");
            },
        },
        Case {
            what: "odd names asked for",
            lines: lines(&[("traceparent", TP.as_bytes())]),
            check: |e, what| {
                for name in ["", "trace parent", "traceparent\n", "tracéparent", ":path"] {
                    assert_eq!(e.get(name), None, "{what}: {name:?}");
                    assert_eq!(e.get_all(name), None, "{what}: {name:?}");
                }
            },
        },
    ]
}

fn http_headers(lines: &Lines) -> Option<http::HeaderMap> {
    let mut headers = http::HeaderMap::new();
    for (name, value) in lines {
        let name = http::HeaderName::from_bytes(name.as_bytes()).ok()?;
        headers.append(name, http::HeaderValue::from_bytes(value).ok()?);
    }
    Some(headers)
}

fn string_map(lines: &Lines) -> Option<HashMap<String, String>> {
    let mut map = HashMap::new();
    for (name, value) in lines {
        let value = String::from_utf8(value.clone()).ok()?;
        if map.insert(name.clone(), value).is_some() {
            return None;
        }
    }
    Some(map)
}

fn nats_headers(lines: &Lines) -> Option<async_nats::HeaderMap> {
    let mut headers = async_nats::HeaderMap::new();
    for (name, value) in lines {
        let name = async_nats::HeaderName::from_str(name).ok()?;
        let value = async_nats::HeaderValue::from_str(std::str::from_utf8(value).ok()?).ok()?;
        headers.append(name, value);
    }
    Some(headers)
}

#[cfg(feature = "kafka")]
fn kafka_headers(lines: &Lines) -> Option<rdkafka::message::OwnedHeaders> {
    let mut headers = rdkafka::message::OwnedHeaders::new();
    for (name, value) in lines {
        if name.contains('\0') {
            return None;
        }
        headers = headers.insert(rdkafka::message::Header {
            key: name,
            value: Some(value.as_slice()),
        });
    }
    Some(headers)
}

fn field_table(lines: &Lines) -> Option<FieldTable> {
    let mut table = FieldTable::default();
    for (name, value) in lines {
        if table.inner().contains_key(name.as_str()) {
            return None;
        }
        let value = match std::str::from_utf8(value) {
            Ok(text) => AMQPValue::LongString(LongString::from(text)),
            Err(_) => AMQPValue::ByteArray(ByteArray::from(value.clone())),
        };
        table.insert(name.as_str().into(), value);
    }
    Some(table)
}

#[test]
fn every_source_reads_headers_by_the_one_rule() {
    for case in cases() {
        let mut sources = 0;
        let what = |source: &str| format!("{}, {source}", case.what);
        if let Some(headers) = http_headers(&case.lines) {
            (case.check)(&BoundedExtractor::new(&headers), &what("http::HeaderMap"));
            sources += 1;
        }
        (case.check)(&BoundedExtractor::new(&case.lines[..]), &what("pairs"));
        sources += 1;
        if let Some(map) = string_map(&case.lines) {
            (case.check)(&BoundedExtractor::new(&map), &what("string map"));
            sources += 1;
        }
        if let Some(headers) = nats_headers(&case.lines) {
            let extractor = otel_kit_messaging::nats::NatsHeaderExtractor(&headers);
            (case.check)(&extractor, &what("NATS headers"));
            sources += 1;
        }
        #[cfg(feature = "kafka")]
        if let Some(headers) = kafka_headers(&case.lines) {
            let extractor = otel_kit_messaging::kafka::KafkaHeaderExtractor::new(headers.as_borrowed());
            (case.check)(&extractor, &what("Kafka record headers"));
            sources += 1;
        }
        if let Some(table) = field_table(&case.lines) {
            let extractor = otel_kit_messaging::rabbitmq::RabbitMqHeaderExtractor(&table);
            (case.check)(&extractor, &what("AMQP field table"));
            sources += 1;
        }
        assert!(sources >= 2, "{}: only {sources} source holds it", case.what);
    }
}
