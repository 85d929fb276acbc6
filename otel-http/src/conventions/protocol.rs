//! `network.protocol.version`.

use http::Version;

/// The value of `network.protocol.version` for an HTTP version: `1.1`, `2`, ...
///
/// ```
/// use otel_kit_http::conventions::protocol_version;
/// assert_eq!(protocol_version(http::Version::HTTP_11), Some("1.1"));
/// assert_eq!(protocol_version(http::Version::HTTP_2), Some("2"));
/// ```
pub fn protocol_version(version: Version) -> Option<&'static str> {
    Some(match version {
        Version::HTTP_09 => "0.9",
        Version::HTTP_10 => "1.0",
        Version::HTTP_11 => "1.1",
        Version::HTTP_2 => "2",
        Version::HTTP_3 => "3",
        _ => return None,
    })
}
