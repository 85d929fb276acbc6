//! Lowercase hex of trace and span ids written into a stack buffer: the form W3C Trace
//! Context, OTLP/JSON and the console use, without `core::fmt`'s padding machinery
//! (`{:032x}` of a `u128` walks the formatter for every digit run).

/// `bytes` as lowercase hex in the first `2 * bytes.len()` bytes of `out`, as a `&str`;
/// an `out` too short for all of it holds as many whole bytes as fit.
///
/// ```
/// use otel_kit_core::lower_hex::write;
///
/// let mut buf = [0u8; 32];
/// let trace_id = 0x4bf92f3577b34da6a3ce929d0e0e4736u128.to_be_bytes();
/// assert_eq!(write(&trace_id, &mut buf), "4bf92f3577b34da6a3ce929d0e0e4736");
/// assert_eq!(write(&[0x0a, 0xff], &mut [0u8; 3]), "0a");
/// ```
pub fn write<'a>(bytes: &[u8], out: &'a mut [u8]) -> &'a str {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut len = 0;
    for (&byte, pair) in bytes.iter().zip(out.chunks_exact_mut(2)) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0xf)];
        len += 2;
    }
    // Only ASCII digits were written.
    std::str::from_utf8(&out[..len]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_byte_as_core_fmt_writes_it_and_a_short_buffer_holds_whole_bytes() {
        let bytes: Vec<u8> = (0..=255).collect();
        let mut out = [0u8; 512];
        let expected: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(super::write(&bytes, &mut out), expected);
        assert_eq!(super::write(&[0xab, 0xcd], &mut [0u8; 3]), "ab");
        assert_eq!(super::write(&[0xab], &mut []), "");
        assert_eq!(super::write(&[], &mut [0u8; 4]), "");
    }
}
