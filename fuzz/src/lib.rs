//! Helpers shared by the fuzz targets: turning the fuzzer's bytes into carriers.
//!
//! Inputs are text-like so the seed corpus stays readable: one header per line, or one
//! value per line.

/// The lines of `data` (split at `\n`, a trailing `\r` removed), empty lines included.
pub fn lines(data: &[u8]) -> Vec<&[u8]> {
    data.split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .collect()
}

/// `name: value` lines as message headers with byte values (not necessarily UTF-8, which
/// the carrier must cope with). A line without `:` is skipped. One space after the colon
/// is dropped, as HTTP writes it; other whitespace is kept for the propagators to handle.
pub fn header_lines(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    lines(data)
        .into_iter()
        .filter_map(|line| {
            let colon = line.iter().position(|&b| b == b':')?;
            let name = String::from_utf8_lossy(&line[..colon]).trim().to_owned();
            let value = &line[colon + 1..];
            let value = value.strip_prefix(b" ").unwrap_or(value);
            Some((name, value.to_vec()))
        })
        .collect()
}

/// The value of header `name` (ASCII case-insensitive) in `headers` written by an
/// injector, if exactly one is present.
pub fn single<'a>(headers: &'a [(String, Vec<u8>)], name: &str) -> Option<&'a str> {
    let mut found = headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name));
    let first = found.next()?;
    assert!(
        found.next().is_none(),
        "the injector wrote {name} twice: {headers:?}"
    );
    Some(std::str::from_utf8(&first.1).expect("injected header values are text"))
}

/// Whether `text` is lowercase hex digits only.
pub fn is_lower_hex(text: &str) -> bool {
    text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
