//! Server-sent events as lines, in bounded memory: the OpenAI-compatible and the
//! Anthropic streams are both read line by line.

/// The longest SSE line kept; a longer one is skipped whole, never buffered.
///
/// ```
/// assert_eq!(otel_kit_genai::openai::MAX_LINE, 1024 * 1024);
/// assert_eq!(otel_kit_genai::anthropic::MAX_LINE, otel_kit_genai::openai::MAX_LINE);
/// ```
pub const MAX_LINE: usize = 1024 * 1024;

/// Splits bytes that arrive split anywhere into lines (without their `\n`), keeping at
/// most one partial line of [`MAX_LINE`] bytes.
#[derive(Debug, Default)]
pub(crate) struct Lines {
    line: Vec<u8>,
    /// Inside a line longer than `MAX_LINE`: dropped up to its end.
    skipping: bool,
    /// Lines longer than `MAX_LINE`.
    skipped: u64,
}

impl Lines {
    /// Feeds the next bytes; `on_line` sees every line they complete.
    pub(crate) fn push(&mut self, bytes: &[u8], mut on_line: impl FnMut(&[u8])) {
        let mut rest = bytes;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            let (head, tail) = rest.split_at(end);
            rest = &tail[1..];
            if self.skipping {
                self.skipping = false;
                self.line.clear();
                continue;
            }
            if self.line.len() + head.len() > MAX_LINE {
                self.skipped += 1;
                self.line.clear();
                continue;
            }
            if self.line.is_empty() {
                on_line(head);
            } else {
                self.line.extend_from_slice(head);
                on_line(&self.line);
                self.line.clear();
            }
        }
        if self.skipping {
            return;
        }
        if self.line.len() + rest.len() > MAX_LINE {
            self.skipped += 1;
            self.skipping = true;
            self.line.clear();
        } else {
            self.line.extend_from_slice(rest);
        }
    }

    /// How many lines were too long to keep.
    pub(crate) fn skipped(&self) -> u64 {
        self.skipped
    }
}

/// The data of a `data:` line, trimmed; `None` for any other line (comments, `event:`,
/// `id:`, `retry:`, blank lines).
pub(crate) fn data(line: &[u8]) -> Option<&[u8]> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Some(line.strip_prefix(b"data:")?.trim_ascii())
}

/// Feeds `bytes` to the [`Lines`] that `lines` finds in `state`, handing each `data:`
/// line's data to `on_data` with the state: a streamed format's `push`.
pub(crate) fn push_data<S>(
    state: &mut S,
    lines: fn(&mut S) -> &mut Lines,
    bytes: &[u8],
    mut on_data: impl FnMut(&mut S, &[u8]),
) {
    let mut taken = std::mem::take(lines(state));
    taken.push(bytes, |line| {
        // Comments (`:`), `event:`, `id:`, `retry:` and blank lines carry none.
        if let Some(data) = data(line) {
            on_data(state, data);
        }
    });
    *lines(state) = taken;
}

#[cfg(test)]
mod tests {
    use super::{Lines, MAX_LINE, data};

    fn lines(chunks: &[&[u8]]) -> (Vec<Vec<u8>>, u64) {
        let mut lines = Lines::default();
        let mut seen = Vec::new();
        for chunk in chunks {
            lines.push(chunk, |line| seen.push(line.to_vec()));
        }
        (seen, lines.skipped())
    }

    #[test]
    fn lines_split_anywhere_are_joined() {
        let (seen, skipped) = lines(&[b"da", b"ta: 1\n\nda", b"ta: 2\r\n"]);
        assert_eq!(seen, [&b"data: 1"[..], b"", b"data: 2\r"]);
        assert_eq!(skipped, 0);
        assert_eq!(data(&seen[2]), Some(&b"2"[..]));
        assert_eq!(data(b"event: ping"), None);
    }

    #[test]
    fn a_line_over_the_limit_is_skipped_whole() {
        let long = vec![b'x'; MAX_LINE];
        let (seen, skipped) = lines(&[b"data: ", &long, &long, b"\ndata: ok\n"]);
        assert_eq!(seen, [&b"data: ok"[..]]);
        assert_eq!(skipped, 1);
    }
}
