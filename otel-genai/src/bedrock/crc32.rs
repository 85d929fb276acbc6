//! CRC-32 (IEEE 802.3, the polynomial `0xEDB88320` reflected: zlib's, and the one AWS's
//! event-stream framing uses), from a table built at compile time: 1 KiB of constants
//! rather than a dependency.

/// The remainder of every byte value.
const TABLE: [u32; 256] = table();

const fn table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut byte = 0;
    while byte < 256 {
        let mut crc = byte as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                0xEDB8_8320 ^ (crc >> 1)
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[byte] = crc;
        byte += 1;
    }
    table
}

/// A checksum computed over bytes given in pieces.
#[derive(Clone, Copy, Debug)]
pub(super) struct Crc32(u32);

impl Crc32 {
    pub(super) fn new() -> Self {
        Crc32(!0)
    }

    pub(super) fn update(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = TABLE[((self.0 ^ u32::from(byte)) & 0xFF) as usize] ^ (self.0 >> 8);
        }
    }

    pub(super) fn value(self) -> u32 {
        !self.0
    }
}

/// The checksum of `bytes`.
pub(super) fn checksum(bytes: &[u8]) -> u32 {
    let mut crc = Crc32::new();
    crc.update(bytes);
    crc.value()
}

#[cfg(test)]
mod tests {
    use super::{Crc32, checksum};

    #[test]
    fn the_check_value_and_pieces() {
        // The standard check value of CRC-32 (zlib's `crc32(b"123456789")`).
        assert_eq!(checksum(b"123456789"), 0xCBF4_3926);
        assert_eq!(checksum(b""), 0);
        let mut pieces = Crc32::new();
        pieces.update(b"1234");
        pieces.update(b"");
        pieces.update(b"56789");
        assert_eq!(pieces.value(), 0xCBF4_3926);
        // aws-c-event-stream's empty message: the prelude's checksum, then the message's.
        assert_eq!(checksum(&[0, 0, 0, 0x10, 0, 0, 0, 0]), 0x05C2_48EB);
        assert_eq!(
            checksum(&[0, 0, 0, 0x10, 0, 0, 0, 0, 0x05, 0xC2, 0x48, 0xEB]),
            0x7D98_C8FF
        );
    }
}
