//! AWS's binary event-stream framing (`application/vnd.amazon.eventstream`, the body of
//! `ConverseStream`), decoded as the bytes arrive, in bounded memory.
//!
//! A message is: its total length (4 bytes, big-endian), the length of its headers (4),
//! a CRC-32 of those 8 bytes (4), the headers, the payload, and a CRC-32 of everything
//! before it (4). A header is its name's length (1 byte), the name, a value type (1) and
//! the value: nothing for the booleans (types 0, 1), 1, 2, 4 or 8 bytes for the
//! integers (2 to 5), a 2-byte length and the bytes for byte arrays and strings (6, 7),
//! 8 bytes for a timestamp (8), 16 for a UUID (9).
//!
//! Memory: one message of at most [`MAX_MESSAGE`] bytes is buffered. A longer one (up to
//! the framing's own limit of 16 MiB) is skipped as it arrives, its checksum still
//! verified, and never buffered. A prelude whose checksum does not match, a length that
//! cannot be (below 16 bytes, above 16 MiB, headers over 128 KiB or past the payload),
//! a message whose checksum does not match or malformed headers end the stream: after
//! them, nothing tells where the next message starts.

use super::crc32::{Crc32, checksum};

/// The longest event-stream message kept (1 MiB, the longest SSE line an OpenAI or
/// Anthropic stream keeps); a longer one is skipped without being buffered. Bedrock's
/// events are a chunk of text or tool input each, far below it.
///
/// ```
/// assert_eq!(otel_kit_genai::bedrock::MAX_MESSAGE, 1024 * 1024);
/// ```
pub const MAX_MESSAGE: usize = 1024 * 1024;
/// The framing's limit on a message (AWS's SDKs refuse longer ones): a longer length is
/// taken for a lie.
const MAX_FRAME: usize = 16 * 1024 * 1024;
/// The framing's limit on a message's headers.
const MAX_HEADERS: usize = 128 * 1024;
/// Total length, headers length, prelude checksum.
const PRELUDE: usize = 12;
/// The prelude and the message checksum: the shortest message.
const MIN_MESSAGE: usize = PRELUDE + 4;

/// What the decoder gives for each message.
pub(super) enum Decoded<'a> {
    /// A message whose checksums match.
    Message(Message<'a>),
    /// A message longer than [`MAX_MESSAGE`] (its checksums match), not kept.
    Skipped,
}

/// One message: its headers (valid) and its payload.
pub(super) struct Message<'a> {
    headers: &'a [u8],
    pub(super) payload: &'a [u8],
}

impl<'a> Message<'a> {
    /// The string value of the header `name` (`:event-type`, `:message-type`...).
    pub(super) fn header(&self, name: &str) -> Option<&'a str> {
        let mut rest = self.headers;
        while let Some(Ok((header, kind, value, next))) = next_header(rest) {
            if header == name.as_bytes() && kind == STRING {
                return std::str::from_utf8(value).ok();
            }
            rest = next;
        }
        None
    }
}

/// The value type of strings.
const STRING: u8 = 7;

/// A header: its name, value type, value, and the headers after it.
type Header<'a> = (&'a [u8], u8, &'a [u8], &'a [u8]);

/// The first header of `headers`; `None` at the end, `Err` when it runs past the end or
/// has an unknown value type.
fn next_header(headers: &[u8]) -> Option<Result<Header<'_>, ()>> {
    let (&name_len, rest) = headers.split_first()?;
    Some(header(usize::from(name_len), rest))
}

/// A header whose name is `name_len` bytes, from the bytes after that length.
fn header(name_len: usize, bytes: &[u8]) -> Result<Header<'_>, ()> {
    let (name, rest) = bytes.split_at_checked(name_len).ok_or(())?;
    let (&kind, rest) = rest.split_first().ok_or(())?;
    let (len, rest) = match kind {
        0 | 1 => (0, rest),
        2 => (1, rest),
        3 => (2, rest),
        4 => (4, rest),
        5 | 8 => (8, rest),
        9 => (16, rest),
        6 | STRING => {
            let (len, rest) = rest.split_at_checked(2).ok_or(())?;
            (usize::from(u16::from_be_bytes([len[0], len[1]])), rest)
        }
        _ => return Err(()),
    };
    let (value, rest) = rest.split_at_checked(len).ok_or(())?;
    Ok((name, kind, value, rest))
}

/// Whether every header of `headers` is well formed.
fn valid_headers(mut headers: &[u8]) -> bool {
    while let Some(header) = next_header(headers) {
        match header {
            Ok((.., next)) => headers = next,
            Err(()) => return false,
        }
    }
    true
}

#[derive(Debug, Default)]
enum State {
    /// Reading a prelude (into `buf`).
    #[default]
    Prelude,
    /// Reading a message of `total` bytes (into `buf`, which holds its prelude).
    Message { total: usize },
    /// Passing over a message too long to keep: `left` bytes before its checksum, then
    /// the checksum's 4 bytes (into `buf`); `crc` is what came so far.
    Skipping { left: usize, crc: Crc32 },
    /// The framing broke: nothing more is read.
    Failed,
}

/// The incremental decoder.
#[derive(Debug, Default)]
pub(super) struct Decoder {
    buf: Vec<u8>,
    state: State,
}

impl Decoder {
    /// Feeds the next bytes, split anywhere; `on` sees each message they complete. An
    /// error (why the framing broke) is given once, and later bytes are ignored.
    pub(super) fn push(
        &mut self,
        mut input: &[u8],
        mut on: impl FnMut(Decoded<'_>),
    ) -> Result<(), &'static str> {
        while !input.is_empty() {
            match self.state {
                State::Failed => return Ok(()),
                State::Prelude => {
                    input = fill(&mut self.buf, input, PRELUDE);
                    if self.buf.len() == PRELUDE {
                        self.state = self.prelude().inspect_err(|_| self.fail())?;
                    }
                }
                State::Message { total } => {
                    input = fill(&mut self.buf, input, total);
                    if self.buf.len() == total {
                        match self.message() {
                            Ok(message) => on(Decoded::Message(message)),
                            Err(reason) => {
                                self.fail();
                                return Err(reason);
                            }
                        }
                        self.buf.clear();
                        self.state = State::Prelude;
                    }
                }
                State::Skipping {
                    ref mut left,
                    ref mut crc,
                } => {
                    let hashed = input.len().min(*left);
                    crc.update(&input[..hashed]);
                    *left -= hashed;
                    input = fill(&mut self.buf, &input[hashed..], 4);
                    if self.buf.len() == 4 {
                        let expected =
                            u32::from_be_bytes([self.buf[0], self.buf[1], self.buf[2], self.buf[3]]);
                        if crc.value() != expected {
                            self.fail();
                            return Err("message checksum mismatch");
                        }
                        on(Decoded::Skipped);
                        self.buf.clear();
                        self.state = State::Prelude;
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether a message was begun and not finished (the body ended inside it).
    pub(super) fn inside_message(&self) -> bool {
        match self.state {
            State::Prelude => !self.buf.is_empty(),
            State::Message { .. } | State::Skipping { .. } => true,
            State::Failed => false,
        }
    }

    fn fail(&mut self) {
        self.state = State::Failed;
        self.buf = Vec::new();
    }

    /// What follows the prelude in `buf`: the message, or passing over it.
    fn prelude(&mut self) -> Result<State, &'static str> {
        let word = |at: usize| {
            u32::from_be_bytes([self.buf[at], self.buf[at + 1], self.buf[at + 2], self.buf[at + 3]])
        };
        let (total, headers, crc) = (word(0) as usize, word(4) as usize, word(8));
        if checksum(&self.buf[..8]) != crc {
            return Err("prelude checksum mismatch");
        }
        if total < MIN_MESSAGE {
            return Err("total length shorter than a prelude and a checksum");
        }
        if total > MAX_FRAME {
            return Err("total length over the framing's 16 MiB");
        }
        if headers > MAX_HEADERS {
            return Err("headers length over the framing's 128 KiB");
        }
        if headers > total - MIN_MESSAGE {
            return Err("headers length past the end of the message");
        }
        if total <= MAX_MESSAGE {
            self.buf.reserve_exact(total - PRELUDE);
            return Ok(State::Message { total });
        }
        let mut crc = Crc32::new();
        crc.update(&self.buf);
        self.buf.clear();
        Ok(State::Skipping {
            left: total - MIN_MESSAGE,
            crc,
        })
    }

    /// The whole message in `buf`, checked.
    fn message(&self) -> Result<Message<'_>, &'static str> {
        let (body, crc) = self.buf.split_at(self.buf.len() - 4);
        if checksum(body) != u32::from_be_bytes([crc[0], crc[1], crc[2], crc[3]]) {
            return Err("message checksum mismatch");
        }
        let headers_len = u32::from_be_bytes([body[4], body[5], body[6], body[7]]) as usize;
        let (headers, payload) = body[PRELUDE..].split_at(headers_len);
        if !valid_headers(headers) {
            return Err("malformed headers");
        }
        Ok(Message { headers, payload })
    }
}

/// Moves bytes of `input` into `buf` until it holds `len`; returns the rest.
fn fill<'a>(buf: &mut Vec<u8>, input: &'a [u8], len: usize) -> &'a [u8] {
    let taken = input.len().min(len.saturating_sub(buf.len()));
    buf.extend_from_slice(&input[..taken]);
    &input[taken..]
}

#[cfg(test)]
mod tests {
    use super::{Decoded, Decoder};

    /// aws-c-event-stream's test messages (`test_channel_handler_multiple_valid_messages_parse`):
    /// an empty message, `{'foo':'bar'}` without headers, the same with a
    /// `content-type: application/json` header.
    const AWS_MESSAGES: &[u8] = &[
        0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x05, 0xc2, 0x48, 0xeb, 0x7d, 0x98, 0xc8,
        0xff, //
        0x00, 0x00, 0x00, 0x1D, 0x00, 0x00, 0x00, 0x00, 0xfd, 0x52, 0x8c, 0x5a, 0x7b, 0x27, 0x66,
        0x6f, //
        0x6f, 0x27, 0x3a, 0x27, 0x62, 0x61, 0x72, 0x27, 0x7d, 0xc3, 0x65, 0x39, 0x36, //
        0x00, 0x00, 0x00, 0x3D, 0x00, 0x00, 0x00, 0x20, 0x07, 0xFD, 0x83, 0x96, 0x0C, b'c', b'o',
        b'n', //
        b't', b'e', b'n', b't', b'-', b't', b'y', b'p', b'e', 0x07, 0x00, 0x10, b'a', b'p', b'p',
        b'l', //
        b'i', b'c', b'a', b't', b'i', b'o', b'n', b'/', b'j', b's', b'o', b'n', 0x7b, 0x27, 0x66,
        0x6f, //
        0x6f, 0x27, 0x3a, 0x27, 0x62, 0x61, 0x72, 0x27, 0x7d, 0x8D, 0x9C, 0x08, 0xB1,
    ];

    #[test]
    fn aws_s_own_messages_decode_in_pieces_of_any_size() {
        for piece in 1..=AWS_MESSAGES.len() {
            let mut decoder = Decoder::default();
            let mut seen = Vec::new();
            for chunk in AWS_MESSAGES.chunks(piece) {
                decoder
                    .push(chunk, |decoded| {
                        let Decoded::Message(message) = decoded else {
                            panic!("no message is skipped");
                        };
                        seen.push((
                            message.header("content-type").map(str::to_owned),
                            message.payload.to_vec(),
                        ));
                    })
                    .expect("valid framing");
            }
            assert!(!decoder.inside_message());
            assert_eq!(
                seen,
                [
                    (None, Vec::new()),
                    (None, b"{'foo':'bar'}".to_vec()),
                    (Some("application/json".to_owned()), b"{'foo':'bar'}".to_vec()),
                ],
                "pieces of {piece}"
            );
        }
    }

    #[test]
    fn a_flipped_bit_in_the_prelude_fails_once() {
        // aws-c-event-stream's `test_channel_handler_corrupted_crc_fails`.
        let mut corrupted = AWS_MESSAGES[..16].to_vec();
        corrupted[9] = 0xc3;
        let mut decoder = Decoder::default();
        assert_eq!(
            decoder.push(&corrupted, |_| panic!("nothing decoded")),
            Err("prelude checksum mismatch")
        );
        assert_eq!(decoder.push(AWS_MESSAGES, |_| panic!("nothing after")), Ok(()));
        assert!(!decoder.inside_message());
    }
}
