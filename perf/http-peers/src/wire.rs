//! Just enough of the protobuf wire format to walk encoded OTLP messages without
//! decoding them into structs: the sink counts spans and metric points this way, for
//! tens of nanoseconds per item.

/// One field's value as it sits on the wire.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Field<'a> {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 1 (`fixed64`, `double`).
    Fixed64(u64),
    /// Wire type 2 (messages, strings, bytes, packed repeated fields).
    Len(&'a [u8]),
    /// Wire type 5 (`fixed32`, `float`).
    Fixed32(u32),
}

/// Calls `f` with the number and value of every field of `buf`, in order; `None` if the
/// bytes are not valid protobuf or `f` returns `None`.
pub(crate) fn for_each_field<'a>(
    mut buf: &'a [u8],
    mut f: impl FnMut(u64, Field<'a>) -> Option<()>,
) -> Option<()> {
    while !buf.is_empty() {
        let key = varint(&mut buf)?;
        let value = match key & 7 {
            0 => Field::Varint(varint(&mut buf)?),
            1 => {
                let (bytes, rest) = buf.split_first_chunk::<8>()?;
                buf = rest;
                Field::Fixed64(u64::from_le_bytes(*bytes))
            }
            2 => {
                let len = usize::try_from(varint(&mut buf)?).ok()?;
                let payload = buf.get(..len)?;
                buf = &buf[len..];
                Field::Len(payload)
            }
            5 => {
                let (bytes, rest) = buf.split_first_chunk::<4>()?;
                buf = rest;
                Field::Fixed32(u32::from_le_bytes(*bytes))
            }
            _ => return None,
        };
        f(key >> 3, value)?;
    }
    Some(())
}

/// Calls `f` with the payload of every length-delimited field numbered `wanted`, skipping
/// every other field.
pub(crate) fn for_each_len_field(
    buf: &[u8],
    wanted: u64,
    mut f: impl FnMut(&[u8]) -> Option<()>,
) -> Option<()> {
    for_each_field(buf, |number, value| match value {
        Field::Len(payload) if number == wanted => f(payload),
        _ => Some(()),
    })
}

fn varint(buf: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = buf.split_first()?;
        *buf = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_every_wire_type() {
        // field 1 varint 300, field 2 fixed64 7, field 3 "ab", field 4 fixed32 9
        let mut buf = vec![0x08, 0xac, 0x02, 0x11];
        buf.extend_from_slice(&7u64.to_le_bytes());
        buf.extend_from_slice(&[0x1a, 2, b'a', b'b', 0x25]);
        buf.extend_from_slice(&9u32.to_le_bytes());
        let mut seen = Vec::new();
        for_each_field(&buf, |n, v| {
            seen.push((n, v));
            Some(())
        })
        .unwrap();
        assert_eq!(
            seen,
            [
                (1, Field::Varint(300)),
                (2, Field::Fixed64(7)),
                (3, Field::Len(b"ab")),
                (4, Field::Fixed32(9))
            ]
        );
        assert_eq!(for_each_field(&buf[..buf.len() - 1], |_, _| Some(())), None);
        assert_eq!(for_each_field(&[0x0b], |_, _| Some(())), None, "group wire type");
    }
}
