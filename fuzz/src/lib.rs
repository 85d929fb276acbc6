//! Helpers shared by the fuzz targets: turning the fuzzer's bytes into carriers, framing
//! event-stream messages, and the streamed answers' split invariant and bounds.
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

/// A streamed answer's accumulator (`ChatStream` of each provider), for
/// [`same_however_split`].
pub trait Accumulator: Sized {
    /// An empty one.
    fn new() -> Self;
    /// The next bytes of the body.
    fn push(&mut self, bytes: &[u8]);
    /// Everything observable after the body: `finish()`, `is_done()`, `chunks()`,
    /// `skipped()`; a finished answer's held bytes are checked on the way
    /// ([`assert_held_within_bounds`]) where the stream promises a bound.
    fn outcome(self) -> String;
}

/// What every stream says of itself, before its finished answer.
fn summary(done: bool, chunks: u64, skipped: u64) -> String {
    format!("done={done} chunks={chunks} skipped={skipped}")
}

/// `summary` and a finished answer whose held bytes are within their bound.
fn bounded(
    summary: String,
    finished: Result<otel_kit_genai::Response, otel_kit_genai::StreamError>,
) -> String {
    if let Ok(response) = &finished {
        assert_held_within_bounds(response);
    }
    format!("{summary} {finished:?}")
}

impl Accumulator for otel_kit_genai::openai::ChatStream {
    fn new() -> Self {
        Self::new()
    }
    fn push(&mut self, bytes: &[u8]) {
        Self::push(self, bytes);
    }
    fn outcome(self) -> String {
        let summary = summary(self.is_done(), self.chunks(), self.skipped());
        format!("{summary} {:?}", self.finish())
    }
}

impl Accumulator for otel_kit_genai::anthropic::ChatStream {
    fn new() -> Self {
        Self::new()
    }
    fn push(&mut self, bytes: &[u8]) {
        Self::push(self, bytes);
    }
    fn outcome(self) -> String {
        let summary = summary(self.is_done(), self.chunks(), self.skipped());
        bounded(summary, self.finish())
    }
}

impl Accumulator for otel_kit_genai::bedrock::ChatStream {
    fn new() -> Self {
        Self::new()
    }
    fn push(&mut self, bytes: &[u8]) {
        Self::push(self, bytes);
    }
    fn outcome(self) -> String {
        let summary = summary(self.is_done(), self.chunks(), self.skipped());
        bounded(summary, self.finish())
    }
}

/// The outcome of `pieces` pushed in order into a new `A`.
fn outcome_of<A: Accumulator>(pieces: impl IntoIterator<Item = impl AsRef<[u8]>>) -> String {
    let mut stream = A::new();
    for piece in pieces {
        stream.push(piece.as_ref());
    }
    stream.outcome()
}

/// A small xorshift generator: the split points follow from a seed alone.
struct Rng(u32);

impl Rng {
    fn next_u32(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
}

/// Asserts that `body` pushed whole, pushed in pieces chosen by `seed` (empty pieces
/// included, up to `scale` bytes), and (when `byte_by_byte`) pushed a byte at a time,
/// gives one outcome: where the transport splits the bytes does not matter.
pub fn same_however_split<A: Accumulator>(seed: u32, body: &[u8], scale: usize, byte_by_byte: bool) {
    let whole = outcome_of::<A>([body]);
    let mut rng = Rng(seed | 1);
    let mut pieces = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let n = (rng.next_u32() as usize % scale).min(rest.len());
        let (piece, tail) = rest.split_at(n);
        pieces.push(piece);
        rest = tail;
    }
    assert_eq!(outcome_of::<A>(pieces), whole, "split at random points");
    if byte_by_byte {
        assert_eq!(outcome_of::<A>(body.chunks(1)), whole, "byte by byte");
    }
}

/// An SSE stream's input: 4 header bytes, then the body. When the top four bits of the
/// first byte are set, a run of `max_line - 64 + n` bytes (n the second byte) of
/// JSON-string text is spliced in where the third and fourth bytes say, so that lines
/// just under and over the line limit are tried. Returns the header as a seed, the
/// body, and whether it is long.
pub fn sse_input(data: &[u8], max_line: usize) -> Option<(u32, Vec<u8>, bool)> {
    let (header, body) = data.split_first_chunk::<4>()?;
    let mut body = body.to_vec();
    let long = header[0] & 0xf0 == 0xf0;
    if long {
        let len = max_line - 64 + usize::from(header[1]);
        let at = usize::from(u16::from_le_bytes([header[2], header[3]])) % (body.len() + 1);
        body.splice(at..at, std::iter::repeat_n(b'a', len));
    }
    Some((u32::from_le_bytes(*header), body, long))
}

/// The split invariant for an SSE stream of `A`, from [`sse_input`]'s input: short pieces
/// (and byte by byte) for a short body, pieces of up to 64 KiB for a long one.
pub fn sse_same_however_split<A: Accumulator>(data: &[u8], max_line: usize) {
    let Some((seed, body, long)) = sse_input(data, max_line) else {
        return;
    };
    let scale = if long { 64 * 1024 } else { 16 };
    same_however_split::<A>(seed, &body, scale, !long);
}

/// Asserts that a streamed answer keeps what its readers promise: at most `MAX_TEXT`
/// bytes of text and block-start JSON in all, plus a tool id and name of at most 1 KiB
/// each for each of at most 64 blocks; counted here at their encoded size, with room
/// for JSON that re-encodes longer than it arrived (numbers).
pub fn assert_held_within_bounds(response: &otel_kit_genai::Response) {
    use otel_kit_genai::content::Part;
    let json = |value: &serde_json::Value| value.to_string().len();
    let held: usize = response
        .output_messages
        .iter()
        .flat_map(|message| &message.parts)
        .map(|part| match part {
            Part::Text(text) | Part::Reasoning(text) => text.len(),
            Part::ToolCall { id, name, arguments } => {
                id.as_ref().map_or(0, String::len) + name.len() + json(arguments)
            }
            Part::ToolCallResponse { id, response } => id.as_ref().map_or(0, String::len) + json(response),
            Part::Other(value) => json(value),
        })
        .sum();
    let bound = 2 * otel_kit_genai::openai::MAX_TEXT + 2 * 64 * 1024;
    assert!(held <= bound, "{held} bytes held, over {bound}");
}

/// One message of AWS's binary event stream (`application/vnd.amazon.eventstream`), with
/// its checksums: string headers `:message-type`, `:event-type` and `:content-type`, then
/// `payload`.
pub fn event_stream_message(message_type: &[u8], event_type: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut headers = Vec::new();
    for (name, value) in [
        (&b":message-type"[..], message_type),
        (b":event-type", event_type),
        (b":content-type", b"application/json"),
    ] {
        let value = &value[..value.len().min(usize::from(u16::MAX))];
        headers.push(name.len() as u8);
        headers.extend_from_slice(name);
        headers.push(7); // a string
        headers.extend_from_slice(&(value.len() as u16).to_be_bytes());
        headers.extend_from_slice(value);
    }
    let total = 12 + headers.len() + payload.len() + 4;
    let mut message = Vec::with_capacity(total);
    message.extend_from_slice(&(total as u32).to_be_bytes());
    message.extend_from_slice(&(headers.len() as u32).to_be_bytes());
    let prelude_crc = crc32(&message);
    message.extend_from_slice(&prelude_crc.to_be_bytes());
    message.extend_from_slice(&headers);
    message.extend_from_slice(payload);
    let message_crc = crc32(&message);
    message.extend_from_slice(&message_crc.to_be_bytes());
    message
}

/// CRC-32 (IEEE), as the event stream's checksums are.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}
