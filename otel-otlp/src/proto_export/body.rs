//! The request body's buffers, kept from one export to the next: the encoder writes
//! into one; it (or its compression, in the other) is lent to the transport as `Bytes`
//! and taken back once the transport has let go of it, so a steady exporter allocates
//! no body per batch. A buffer taken back keeps at most twice what its body needed, or
//! [`RETAINED`], whichever is more: one large batch does not hold its memory for the
//! life of the process. zstd's context is kept too: making one per batch costs 10 to 15
//! µs more (docs/performance.md, "OTLP compression"); it holds about 1 MB.

use otel_kit_core::otlp::Compression;
use prost::bytes::Bytes;

/// The capacity a buffer may always keep, whatever its last body needed: above the
/// body of a full default batch (512 spans of a few hundred bytes each).
pub(crate) const RETAINED: usize = 1024 * 1024;

#[derive(Default)]
pub(super) struct BodyBuffers {
    encoded: Vec<u8>,
    /// The compressed `encoded`, when the transport sends compressed bodies itself.
    #[cfg_attr(
        not(all(any(feature = "gzip", feature = "zstd"), feature = "http-proto")),
        allow(dead_code)
    )]
    compressed: Vec<u8>,
    /// zstd's compression context, made at the first zstd body.
    #[cfg(all(feature = "zstd", feature = "http-proto"))]
    zstd: Option<zstd::bulk::Compressor<'static>>,
}

impl std::fmt::Debug for BodyBuffers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyBuffers")
            .field("encoded", &self.encoded.capacity())
            .field("compressed", &self.compressed.capacity())
            .finish_non_exhaustive()
    }
}

/// Whether the exporter compresses bodies of this compression itself. Without the
/// compression's feature the configuration never asks for it (the exporter's build
/// refuses it, `ExportSettings` warns and sends uncompressed).
fn compresses(compression: Option<Compression>) -> bool {
    match compression {
        Some(Compression::Gzip) => cfg!(all(feature = "gzip", feature = "http-proto")),
        Some(Compression::Zstd) => cfg!(all(feature = "zstd", feature = "http-proto")),
        None => false,
    }
}

impl BodyBuffers {
    /// The buffer the encoder writes the request into.
    pub(super) fn encoded(&mut self) -> &mut Vec<u8> {
        &mut self.encoded
    }

    /// The body to send: the encoded request, or its compression. The buffer goes with
    /// it until [`take_back`](Self::take_back).
    pub(super) fn lend(&mut self, compression: Option<Compression>) -> std::io::Result<Bytes> {
        match compression {
            #[cfg(all(feature = "gzip", feature = "http-proto"))]
            Some(Compression::Gzip) => self.gzip(),
            #[cfg(all(feature = "zstd", feature = "http-proto"))]
            Some(Compression::Zstd) => self.zstd(),
            _ => Ok(Bytes::from(std::mem::take(&mut self.encoded))),
        }
    }

    #[cfg(all(feature = "gzip", feature = "http-proto"))]
    fn gzip(&mut self) -> std::io::Result<Bytes> {
        use std::io::Write as _;

        let mut out = std::mem::take(&mut self.compressed);
        out.clear();
        let mut encoder = flate2::write::GzEncoder::new(out, flate2::Compression::default());
        encoder.write_all(&self.encoded)?;
        Ok(Bytes::from(encoder.finish()?))
    }

    /// zstd at its default level (3, as tonic compresses gRPC messages), one frame.
    #[cfg(all(feature = "zstd", feature = "http-proto"))]
    fn zstd(&mut self) -> std::io::Result<Bytes> {
        let mut out = std::mem::take(&mut self.compressed);
        out.clear();
        // The capacity bounds what zstd writes: the worst case, reserved.
        out.reserve(zstd::zstd_safe::compress_bound(self.encoded.len()));
        let compressor = match &mut self.zstd {
            Some(compressor) => compressor,
            None => self
                .zstd
                .insert(zstd::bulk::Compressor::new(zstd::DEFAULT_COMPRESSION_LEVEL)?),
        };
        compressor.compress_to_buffer(&self.encoded, &mut out)?;
        Ok(Bytes::from(out))
    }

    /// Takes back a body [`lend`](Self::lend) gave: its buffer, emptied, its capacity
    /// kept up to twice the body or [`RETAINED`]. A body something still holds is left
    /// to be freed with it.
    pub(super) fn take_back(&mut self, body: Bytes, compression: Option<Compression>) {
        let needed = body.len();
        let Ok(bytes) = body.try_into_mut() else {
            return;
        };
        let mut buffer = Vec::from(bytes);
        buffer.clear();
        buffer.shrink_to(RETAINED.max(needed.saturating_mul(2)));
        let kept = if compresses(compression) {
            // The encoded request stayed here (the encoder clears it for the next one).
            let encoded = self.encoded.len();
            self.encoded.shrink_to(RETAINED.max(encoded.saturating_mul(2)));
            &mut self.compressed
        } else {
            &mut self.encoded
        };
        if buffer.capacity() > kept.capacity() {
            *kept = buffer;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_taken_back_is_the_same_buffer() {
        let mut buffers = BodyBuffers::default();
        for len in [1000, 700] {
            buffers.encoded().extend_from_slice(&vec![7; len]);
            let address = buffers.encoded().as_ptr();
            let body = buffers.lend(None).expect("lent");
            assert_eq!(body.len(), len);
            buffers.take_back(body, None);
            assert!(buffers.encoded().is_empty());
            assert_eq!(buffers.encoded().as_ptr(), address, "the same allocation");
        }
    }

    #[test]
    fn a_large_body_does_not_keep_its_memory() {
        let mut buffers = BodyBuffers::default();
        for compression in [None, Some(Compression::Gzip), Some(Compression::Zstd)] {
            // A steady large body keeps its buffer...
            for _ in 0..2 {
                buffers.encoded().clear();
                buffers.encoded().extend_from_slice(&vec![7; 3 * RETAINED]);
                let body = buffers.lend(compression).expect("lent");
                buffers.take_back(body, compression);
            }
            assert!(buffers.encoded().capacity() >= 3 * RETAINED);
            // ...and a small one after it gives the memory back.
            buffers.encoded().clear();
            buffers.encoded().extend_from_slice(&[7; 1000]);
            let body = buffers.lend(compression).expect("lent");
            buffers.take_back(body, compression);
            assert!(
                buffers.encoded.capacity() <= RETAINED && buffers.compressed.capacity() <= RETAINED,
                "{} {}",
                buffers.encoded.capacity(),
                buffers.compressed.capacity()
            );
        }
    }

    #[test]
    fn a_body_still_shared_is_not_taken_back() {
        let mut buffers = BodyBuffers::default();
        buffers.encoded().extend_from_slice(&[7; 1000]);
        let body = buffers.lend(None).expect("lent");
        let held = body.clone();
        buffers.take_back(body, None);
        assert_eq!(buffers.encoded().capacity(), 0);
        assert_eq!(held.len(), 1000, "the holder's bytes are untouched");
    }

    #[cfg(all(feature = "gzip", feature = "http-proto"))]
    #[test]
    fn a_gzipped_body_decompresses_to_the_encoded_one() {
        use std::io::Read as _;

        let mut buffers = BodyBuffers::default();
        buffers
            .encoded()
            .extend_from_slice(b"an export request, twice: an export request");
        for _ in 0..2 {
            let body = buffers.lend(Some(Compression::Gzip)).expect("gzipped");
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(body.as_ref())
                .read_to_end(&mut out)
                .expect("gunzip");
            assert_eq!(out, b"an export request, twice: an export request");
            buffers.take_back(body, Some(Compression::Gzip));
        }
        assert!(buffers.compressed.capacity() > 0, "the compressed buffer is kept");
    }

    #[cfg(all(feature = "zstd", feature = "http-proto"))]
    #[test]
    fn a_zstd_body_decompresses_to_the_encoded_one_in_a_kept_buffer() {
        let request: Vec<u8> = (0..20_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        let mut buffers = BodyBuffers::default();
        let mut addresses = Vec::new();
        for _ in 0..3 {
            buffers.encoded().clear();
            buffers.encoded().extend_from_slice(&request);
            let body = buffers.lend(Some(Compression::Zstd)).expect("compressed");
            assert!(
                body.len() < request.len() / 4,
                "{} of {}",
                body.len(),
                request.len()
            );
            assert_eq!(zstd::decode_all(body.as_ref()).expect("a zstd frame"), request);
            addresses.push(body.as_ptr());
            buffers.take_back(body, Some(Compression::Zstd));
        }
        assert_eq!(addresses[1], addresses[2], "the compressed buffer is reused");
        assert!(
            buffers.encoded().capacity() >= request.len(),
            "the encoded buffer stays"
        );
    }
}
