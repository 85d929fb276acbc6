//! The protobuf wire primitives the encoders share: fields that proto3 leaves out when
//! they hold their default, fields written always (oneof members, message fields set to
//! `Some`), and nested messages whose length is written after their body.
//!
//! Every field is written in tag order and every varint in its shortest form, as prost
//! writes them, so our bytes equal prost's for the same message. From
//! `prost::encoding` we take `WireType` and `encoded_len_varint`; its `encode_varint`
//! and `encode_key` write through `BufMut` a byte at a time, each byte checking the
//! capacity, which was an eighth of the encoding's instructions, so [`put_varint`]
//! writes a varint with one check.

use prost::encoding::{WireType, encoded_len_varint};

/// A varint, in its shortest form. Most are below 128 (keys, short lengths): one push,
/// inlined; the rest in one copy.
#[inline(always)]
pub(super) fn put_varint(buf: &mut Vec<u8>, value: u64) {
    if value < 0x80 {
        buf.push(value as u8);
    } else {
        put_long_varint(buf, value);
    }
}

fn put_long_varint(buf: &mut Vec<u8>, mut value: u64) {
    let mut bytes = [0u8; 10];
    let mut n = 0;
    while value >= 0x80 {
        bytes[n] = (value as u8) | 0x80;
        value >>= 7;
        n += 1;
    }
    bytes[n] = value as u8;
    buf.extend_from_slice(&bytes[..=n]);
}

/// A field's key; with a constant tag it folds to a push of one or two bytes.
#[inline(always)]
pub(super) fn put_key(buf: &mut Vec<u8>, tag: u32, wire_type: WireType) {
    put_varint(buf, u64::from((tag << 3) | wire_type as u32));
}

/// The length of a length-delimited field's key, length and body, for a tag below 16.
#[inline]
pub(super) fn field_len(body: usize) -> usize {
    1 + encoded_len_varint(body as u64) + body
}

/// A `uint32`/`uint64`/`int64`/`bool`/enum field, left out when 0.
#[inline]
pub(super) fn varint(buf: &mut Vec<u8>, tag: u32, value: u64) {
    if value != 0 {
        varint_always(buf, tag, value);
    }
}

/// A varint field written even when 0 (a oneof member).
#[inline]
pub(super) fn varint_always(buf: &mut Vec<u8>, tag: u32, value: u64) {
    put_key(buf, tag, WireType::Varint);
    put_varint(buf, value);
}

/// A `fixed64` field, left out when 0.
#[inline]
pub(super) fn fixed64(buf: &mut Vec<u8>, tag: u32, value: u64) {
    if value != 0 {
        fixed64_always(buf, tag, value);
    }
}

/// A `fixed64` or `double` field written even when 0 (a oneof member).
#[inline]
pub(super) fn fixed64_always(buf: &mut Vec<u8>, tag: u32, value: u64) {
    put_key(buf, tag, WireType::SixtyFourBit);
    buf.extend_from_slice(&value.to_le_bytes());
}

#[cfg(feature = "metrics")]
/// A `double` field, left out when 0 (or -0, as prost compares).
#[inline]
pub(super) fn double(buf: &mut Vec<u8>, tag: u32, value: f64) {
    if value != 0.0 {
        fixed64_always(buf, tag, value.to_bits());
    }
}

#[cfg(feature = "metrics")]
/// A `sint32` field (zigzag), left out when 0.
#[inline]
pub(super) fn sint32(buf: &mut Vec<u8>, tag: u32, value: i32) {
    varint(buf, tag, u64::from(((value << 1) ^ (value >> 31)) as u32));
}

#[cfg(feature = "metrics")]
/// A packed `repeated fixed64` or `repeated double` field, left out when empty.
/// `values` is called twice: once to count, once to write. The body is sized once and
/// each value stored in its slot: a capacity check per value (`extend_from_slice`) was
/// two thirds of the field's instructions (a histogram point's bucket counts and
/// bounds).
pub(super) fn packed_fixed64<I: Iterator<Item = u64>>(buf: &mut Vec<u8>, tag: u32, values: impl Fn() -> I) {
    let count = values().count();
    if count == 0 {
        return;
    }
    put_key(buf, tag, WireType::LengthDelimited);
    put_varint(buf, (count * 8) as u64);
    let start = buf.len();
    buf.resize(start + count * 8, 0);
    for (slot, v) in buf[start..].chunks_exact_mut(8).zip(values()) {
        slot.copy_from_slice(&v.to_le_bytes());
    }
}

#[cfg(feature = "metrics")]
/// A packed `repeated uint64` field, left out when empty. `values` is called twice:
/// once for the length, once to write.
pub(super) fn packed_varint<I: Iterator<Item = u64>>(buf: &mut Vec<u8>, tag: u32, values: impl Fn() -> I) {
    let len: usize = values().map(encoded_len_varint).sum();
    if len == 0 {
        return;
    }
    put_key(buf, tag, WireType::LengthDelimited);
    put_varint(buf, len as u64);
    for v in values() {
        put_varint(buf, v);
    }
}

/// A `fixed32` field, left out when 0.
#[inline]
pub(super) fn fixed32(buf: &mut Vec<u8>, tag: u32, value: u32) {
    if value != 0 {
        put_key(buf, tag, WireType::ThirtyTwoBit);
        buf.extend_from_slice(&value.to_le_bytes());
    }
}

/// A `string` or `bytes` field, left out when empty.
#[inline]
pub(super) fn bytes(buf: &mut Vec<u8>, tag: u32, value: &[u8]) {
    if !value.is_empty() {
        bytes_always(buf, tag, value);
    }
}

/// A `string` or `bytes` field written even when empty (a oneof member).
#[inline]
pub(super) fn bytes_always(buf: &mut Vec<u8>, tag: u32, value: &[u8]) {
    put_key(buf, tag, WireType::LengthDelimited);
    put_varint(buf, value.len() as u64);
    buf.extend_from_slice(value);
}

/// A nested message being written: where its length goes, and how many bytes were kept
/// for it.
#[must_use = "a nested message must be ended"]
pub(super) struct Nested {
    length_at: usize,
    kept: usize,
}

/// Starts a message field: its key, then `kept` bytes for the length, which [`end`]
/// writes once the body is known. Keeping as many bytes as the length will take (1
/// below 128 bytes, 2 below 16 KiB) spares moving the body.
#[inline]
pub(super) fn begin(buf: &mut Vec<u8>, tag: u32, kept: usize) -> Nested {
    put_key(buf, tag, WireType::LengthDelimited);
    let length_at = buf.len();
    buf.resize(length_at + kept, 0);
    Nested { length_at, kept }
}

/// Writes the length of the message `nested` started, moving its body when the length
/// takes more or fewer bytes than were kept.
#[inline]
pub(super) fn end(buf: &mut Vec<u8>, nested: Nested) {
    let Nested { length_at, kept } = nested;
    let body_at = length_at + kept;
    let body_len = buf.len() - body_at;
    let needed = encoded_len_varint(body_len as u64);
    if needed != kept {
        move_body(buf, body_at, length_at + needed);
    }
    let mut value = body_len;
    for byte in &mut buf[length_at..length_at + needed - 1] {
        *byte = (value as u8) | 0x80;
        value >>= 7;
    }
    buf[length_at + needed - 1] = value as u8;
}

/// Moves the bytes from `from` to the end so that they start at `to`.
#[cold]
fn move_body(buf: &mut Vec<u8>, from: usize, to: usize) {
    let len = buf.len();
    if to > from {
        buf.resize(len + (to - from), 0);
        buf.copy_within(from..len, to);
    } else {
        buf.copy_within(from..len, to);
        buf.truncate(len - (from - to));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message of `len` bytes, nested under tag 1, with `kept` bytes kept for its
    /// length.
    fn nested(len: usize, kept: usize) -> Vec<u8> {
        let mut buf = vec![0xAA];
        let n = begin(&mut buf, 1, kept);
        buf.extend((0..len).map(|i| i as u8));
        end(&mut buf, n);
        buf
    }

    fn expected(len: usize) -> Vec<u8> {
        let mut buf = vec![0xAA, 0x0A];
        prost::encoding::encode_varint(len as u64, &mut buf);
        buf.extend((0..len).map(|i| i as u8));
        buf
    }

    #[test]
    fn a_length_that_needs_more_or_fewer_bytes_than_kept_moves_the_body() {
        for len in [0, 1, 127, 128, 16_383, 16_384, 70_000] {
            for kept in [1, 2, 3] {
                assert_eq!(nested(len, kept), expected(len), "len {len}, kept {kept}");
            }
        }
    }

    #[test]
    fn varints_are_prosts() {
        for value in [0, 1, 127, 128, 300, 16_383, 16_384, u64::from(u32::MAX), u64::MAX] {
            let mut ours = Vec::new();
            put_varint(&mut ours, value);
            let mut prosts = Vec::new();
            prost::encoding::encode_varint(value, &mut prosts);
            assert_eq!(ours, prosts, "{value}");
            assert_eq!(ours.len(), encoded_len_varint(value));
        }
    }

    #[test]
    fn defaults_are_left_out_and_oneof_members_are_not() {
        let mut buf = Vec::new();
        varint(&mut buf, 1, 0);
        fixed64(&mut buf, 2, 0);
        fixed32(&mut buf, 3, 0);
        bytes(&mut buf, 4, b"");
        assert!(buf.is_empty());
        varint_always(&mut buf, 1, 0);
        bytes_always(&mut buf, 2, b"");
        fixed64_always(&mut buf, 3, 0);
        assert_eq!(buf, [0x08, 0, 0x12, 0, 0x19, 0, 0, 0, 0, 0, 0, 0, 0]);
    }
}
