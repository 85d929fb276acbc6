//! The deadline a request carries in its `grpc-timeout` metadata.

use std::time::{Duration, Instant};

use http::HeaderMap;

/// The `grpc-timeout` of `headers` as a duration: at most 8 digits and a unit
/// (`H`, `M`, `S`, `m`, `u`, `n`), as the gRPC HTTP/2 protocol defines it.
pub(crate) fn grpc_timeout(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get("grpc-timeout")?.as_bytes();
    let (unit, digits) = value.split_last()?;
    if digits.is_empty() || digits.len() > 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let amount: u64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some(match unit {
        b'H' => Duration::from_secs(amount * 3600),
        b'M' => Duration::from_secs(amount * 60),
        b'S' => Duration::from_secs(amount),
        b'm' => Duration::from_millis(amount),
        b'u' => Duration::from_micros(amount),
        b'n' => Duration::from_nanos(amount),
        _ => return None,
    })
}

/// When the request's deadline passes, counted from `started`.
pub(crate) fn deadline(headers: &HeaderMap, started: Instant) -> Option<Instant> {
    started.checked_add(grpc_timeout(headers)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_protocol_units() {
        let mut headers = HeaderMap::new();
        for (value, expected) in [
            ("250m", Some(Duration::from_millis(250))),
            ("3S", Some(Duration::from_secs(3))),
            ("1H", Some(Duration::from_secs(3600))),
            ("5n", Some(Duration::from_nanos(5))),
            ("m", None),
            ("123456789m", None),
            ("12x", None),
            ("-1S", None),
        ] {
            headers.insert("grpc-timeout", value.parse().expect("value"));
            assert_eq!(grpc_timeout(&headers), expected, "{value}");
        }
    }
}
