//! A small encoder of AWS's event-stream framing (`application/vnd.amazon.eventstream`)
//! for the Bedrock tests, with a CRC-32 of its own (bit by bit, apart from the crate's
//! table), both checked against known vectors: CRC-32's standard check value and the
//! messages of aws-c-event-stream's tests, which the encoder must write byte for byte.

#![allow(unreachable_pub)]

use serde_json::Value;

/// CRC-32 (IEEE, reflected `0xEDB88320`), one bit at a time.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// One message: string headers (value type 7), the payload, both checksums.
pub fn frame(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
    let mut encoded_headers = Vec::new();
    for (name, value) in headers {
        encoded_headers.push(u8::try_from(name.len()).expect("a short name"));
        encoded_headers.extend_from_slice(name.as_bytes());
        encoded_headers.push(7);
        encoded_headers.extend_from_slice(&u16::try_from(value.len()).expect("a short value").to_be_bytes());
        encoded_headers.extend_from_slice(value.as_bytes());
    }
    let total = 12 + encoded_headers.len() + payload.len() + 4;
    let mut message = Vec::with_capacity(total);
    message.extend_from_slice(&u32::try_from(total).expect("a frame under 4 GiB").to_be_bytes());
    message.extend_from_slice(
        &u32::try_from(encoded_headers.len())
            .expect("short headers")
            .to_be_bytes(),
    );
    message.extend_from_slice(&crc32(&message).to_be_bytes());
    message.extend_from_slice(&encoded_headers);
    message.extend_from_slice(payload);
    message.extend_from_slice(&crc32(&message).to_be_bytes());
    message
}

/// A ConverseStream event as Bedrock sends it.
pub fn event(event_type: &str, payload: &Value) -> Vec<u8> {
    frame(
        &[
            (":event-type", event_type),
            (":content-type", "application/json"),
            (":message-type", "event"),
        ],
        payload.to_string().as_bytes(),
    )
}

/// A ConverseStream exception (`throttlingException`...) as Bedrock sends it.
pub fn exception(exception_type: &str, message: &str) -> Vec<u8> {
    frame(
        &[
            (":exception-type", exception_type),
            (":content-type", "application/json"),
            (":message-type", "exception"),
        ],
        serde_json::json!({"message": message}).to_string().as_bytes(),
    )
}

/// `fixtures/bedrock_stream.jsonl` (the documented ConverseStream events: text, a tool
/// call, `messageStop`, `metadata`) as one body.
pub fn converse_stream() -> Vec<u8> {
    include_str!("fixtures/bedrock_stream.jsonl")
        .lines()
        .flat_map(|line| {
            let line: Value = serde_json::from_str(line).expect("a fixture line");
            event(
                line[":event-type"].as_str().expect("an event type"),
                &line["payload"],
            )
        })
        .collect()
}

/// aws-c-event-stream's test messages: an empty one, `{'foo':'bar'}` without headers,
/// the same with `content-type: application/json`.
const AWS_MESSAGES: [&[u8]; 3] = [
    &[
        0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x05, 0xc2, 0x48, 0xeb, 0x7d, 0x98, 0xc8, 0xff,
    ],
    &[
        0x00, 0x00, 0x00, 0x1D, 0x00, 0x00, 0x00, 0x00, 0xfd, 0x52, 0x8c, 0x5a, 0x7b, 0x27, 0x66, 0x6f, 0x6f,
        0x27, 0x3a, 0x27, 0x62, 0x61, 0x72, 0x27, 0x7d, 0xc3, 0x65, 0x39, 0x36,
    ],
    &[
        0x00, 0x00, 0x00, 0x3D, 0x00, 0x00, 0x00, 0x20, 0x07, 0xFD, 0x83, 0x96, 0x0C, b'c', b'o', b'n', b't',
        b'e', b'n', b't', b'-', b't', b'y', b'p', b'e', 0x07, 0x00, 0x10, b'a', b'p', b'p', b'l', b'i', b'c',
        b'a', b't', b'i', b'o', b'n', b'/', b'j', b's', b'o', b'n', 0x7b, 0x27, 0x66, 0x6f, 0x6f, 0x27, 0x3a,
        0x27, 0x62, 0x61, 0x72, 0x27, 0x7d, 0x8D, 0x9C, 0x08, 0xB1,
    ],
];

#[test]
fn the_encoder_matches_known_vectors() {
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926, "CRC-32's check value");
    assert_eq!(frame(&[], b""), AWS_MESSAGES[0]);
    assert_eq!(frame(&[], b"{'foo':'bar'}"), AWS_MESSAGES[1]);
    assert_eq!(
        frame(&[("content-type", "application/json")], b"{'foo':'bar'}"),
        AWS_MESSAGES[2]
    );
}

#[test]
fn the_crate_reads_aws_s_own_messages() {
    // Their checksums match, so the stream goes on; they carry no `:message-type`, so
    // they are skipped, not read as events.
    let mut stream = otel_kit_genai::bedrock::ChatStream::new();
    for message in AWS_MESSAGES {
        stream.push(message);
    }
    assert_eq!((stream.chunks(), stream.skipped()), (0, 3));
    assert_eq!(
        stream.finish(),
        Err(otel_kit_genai::StreamError::Truncated),
        "no messageStop"
    );
}
