//! `service.instance.id`: a random UUID v4, generated once per process.

use std::sync::OnceLock;

use opentelemetry_sdk::trace::{IdGenerator as _, RandomIdGenerator};

/// The id of this process: every provider, and every resource built in the process,
/// reports the same instance.
pub(super) fn process_instance_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(random_uuid_v4)
}

/// 128 random bits from the SDK's trace-id generator (no extra dependency), with the
/// RFC 9562 version and variant bits set so it is a well-formed UUID v4.
fn random_uuid_v4() -> String {
    let mut bytes = RandomIdGenerator::default().new_trace_id().to_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_generation_differs_and_is_v4() {
        let (a, b) = (random_uuid_v4(), random_uuid_v4());
        assert_ne!(a, b);
        for id in [a, b] {
            assert_eq!(id.len(), 36, "{id}");
            assert_eq!(&id[14..15], "4", "{id}");
            assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
        }
    }

    #[test]
    fn the_process_id_is_stable() {
        assert_eq!(process_instance_id(), process_instance_id());
    }
}
