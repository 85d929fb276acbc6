//! Lowercase hex of trace and span ids written into a stack buffer: the form W3C Trace
//! Context, OTLP/JSON and the console use, without `core::fmt`'s padding machinery
//! (`{:032x}` of a `u128` walks the formatter for every digit run); and read back
//! ([`parse`]), as strictly as W3C Trace Context asks.

/// `bytes` as lowercase hex in the first `2 * bytes.len()` bytes of `out`, as a `&str`;
/// an `out` too short for all of it holds as many whole bytes as fit.
///
/// ```
/// use otel_kit_core::__private::lower_hex::write;
///
/// let mut buf = [0u8; 32];
/// let trace_id = 0x4bf92f3577b34da6a3ce929d0e0e4736u128.to_be_bytes();
/// assert_eq!(write(&trace_id, &mut buf), "4bf92f3577b34da6a3ce929d0e0e4736");
/// assert_eq!(write(&[0x0a, 0xff], &mut [0u8; 3]), "0a");
/// ```
#[inline]
pub fn write<'a>(bytes: &[u8], out: &'a mut [u8]) -> &'a str {
    let written = fill(bytes, out);
    // Only ASCII digits were written.
    std::str::from_utf8(&out[..written]).unwrap_or_default()
}

/// [`write`] without the `&str`: fills `out` and returns how many bytes it wrote, for a
/// caller that assembles a longer text and checks it once.
///
/// ```
/// let mut header = *b"span=????????????????;";
/// assert_eq!(otel_kit_core::__private::lower_hex::fill(&0x00f0_67aa_0ba9_02b7u64.to_be_bytes(), &mut header[5..21]), 16);
/// assert_eq!(&header, b"span=00f067aa0ba902b7;");
/// ```
#[inline]
pub fn fill(bytes: &[u8], out: &mut [u8]) -> usize {
    let whole = bytes.len().min(out.len() / 2);
    // Each byte's two digits from one table entry: inlined where the ids' lengths are
    // known, the loop unrolls to a load and a store per byte.
    for (pair, &byte) in out[..2 * whole].chunks_exact_mut(2).zip(&bytes[..whole]) {
        pair.copy_from_slice(&PAIRS[usize::from(byte)]);
    }
    2 * whole
}

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// The two lowercase digits of every byte.
static PAIRS: [[u8; 2]; 256] = {
    let mut pairs = [[0u8; 2]; 256];
    let mut byte = 0;
    while byte < 256 {
        pairs[byte] = [DIGITS[byte >> 4], DIGITS[byte & 0xf]];
        byte += 1;
    }
    pairs
};

/// The value of at most 16 lowercase hex digits; `None` for anything else (an upper-case
/// digit, a sign or prefix, more than 16 digits). No digits is 0: callers check lengths.
///
/// ```
/// use otel_kit_core::__private::lower_hex::parse;
///
/// assert_eq!(parse(b"00f067aa0ba902b7"), Some(0x00f0_67aa_0ba9_02b7));
/// assert_eq!(parse(b"0A"), None);
/// assert_eq!(parse(b"10000000000000000"), None);
/// ```
#[inline]
pub fn parse(digits: &[u8]) -> Option<u64> {
    if digits.len() > 16 {
        return None;
    }
    digits.iter().try_fold(0_u64, |value, &digit| {
        let nibble = match digit {
            b'0'..=b'9' => digit - b'0',
            b'a'..=b'f' => digit - b'a' + 10,
            _ => return None,
        };
        Some((value << 4) | u64::from(nibble))
    })
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
        // Whole words, a word and a tail, and a buffer that cuts a word short.
        for len in [8, 9, 16, 17, 25] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let expected: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(super::write(&bytes, &mut [0u8; 64]), expected);
            assert_eq!(
                super::write(&bytes, &mut [0u8; 21]),
                &expected[..expected.len().min(20)]
            );
        }
    }
}
