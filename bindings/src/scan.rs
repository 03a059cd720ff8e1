//! QR scanning: a [`Scanner`] fed camera frames as luma byte arrays, and one-shot decoding of stills.
//!
//! Synchronous by design: apps call it from their camera thread, never the main thread.

use std::sync::Mutex;

use koban_core::scan as core;

use crate::KobanError;

/// A point in pixels of the upright (displayed) picture.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct ScanPoint {
    /// Column, from the left.
    pub x: f32,
    /// Row, from the top.
    pub y: f32,
}

/// One decoded QR code.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ScannedCode {
    /// The text, decoded from the symbol's bytes (UTF-8, or the charset it declares).
    pub text: String,
    /// The raw bytes of the symbol.
    pub bytes: Vec<u8>,
    /// Corners in the upright picture: top-left, top-right, bottom-right, bottom-left of the symbol.
    pub corners: Vec<ScanPoint>,
}

impl From<core::Code> for ScannedCode {
    fn from(c: core::Code) -> Self {
        ScannedCode {
            text: c.text,
            bytes: c.bytes,
            corners: c.corners.iter().map(|p| ScanPoint { x: p.x, y: p.y }).collect(),
        }
    }
}

/// How the stored frame must be turned to appear upright (the camera sensor's orientation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FrameRotation {
    /// Stored upright.
    Deg0,
    /// Display = stored turned 90° clockwise.
    Deg90,
    /// Display = stored turned 180°.
    Deg180,
    /// Display = stored turned 270° clockwise.
    Deg270,
}

impl From<FrameRotation> for core::Rotation {
    fn from(r: FrameRotation) -> Self {
        match r {
            FrameRotation::Deg0 => Self::Deg0,
            FrameRotation::Deg90 => Self::Deg90,
            FrameRotation::Deg180 => Self::Deg180,
            FrameRotation::Deg270 => Self::Deg270,
        }
    }
}

impl From<core::ScanError> for KobanError {
    fn from(e: core::ScanError) -> Self {
        // Frame geometry only (sizes, strides): nothing from the picture itself.
        KobanError::InvalidInput { reason: e.to_string() }
    }
}

/// Scans successive camera frames, keeping each one fast and spreading the harder passes over frames.
#[derive(uniffi::Object)]
pub struct Scanner(Mutex<core::Scanner>);

impl Default for Scanner {
    fn default() -> Self {
        Scanner::new()
    }
}

#[uniffi::export]
impl Scanner {
    /// A scanner for one camera session.
    #[uniffi::constructor]
    pub fn new() -> Self {
        Scanner(Mutex::new(core::Scanner::new()))
    }

    /// Scans one frame: `luma` is the Y plane, `stride` bytes per row (at least `width`).
    #[uniffi::method(name = "scan_frame")]
    fn scan_frame_ffi(
        &self,
        luma: LumaBuffer,
        width: u32,
        height: u32,
        stride: u32,
        rotation: FrameRotation,
    ) -> Result<Vec<ScannedCode>, KobanError> {
        self.scan(luma.bytes(), width, height, stride, rotation)
    }
}

impl Scanner {
    /// Scans one frame: `luma` is the Y plane, `stride` bytes per row (at least `width`).
    /// The Rust face of the exported `scan_frame`.
    pub fn scan_frame(
        &self,
        luma: Vec<u8>,
        width: u32,
        height: u32,
        stride: u32,
        rotation: FrameRotation,
    ) -> Result<Vec<ScannedCode>, KobanError> {
        self.scan(&luma, width, height, stride, rotation)
    }

    fn scan(
        &self,
        luma: &[u8],
        width: u32,
        height: u32,
        stride: u32,
        rotation: FrameRotation,
    ) -> Result<Vec<ScannedCode>, KobanError> {
        let frame = core::Frame::new(luma, width, height, stride)?.with_rotation(rotation.into());
        // A panic mid-scan poisons the lock; the scanner's state is only a retry counter, so go on.
        let mut scanner = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(scanner.scan_frame(&frame).into_iter().map(Into::into).collect())
    }
}

/// Decodes every QR code in a still picture with the full (slower) cascade.
pub fn scan_image(luma: Vec<u8>, width: u32, height: u32, stride: u32) -> Result<Vec<ScannedCode>, KobanError> {
    scan_still(&luma, width, height, stride)
}

/// Decodes every QR code in a still picture with the full (slower) cascade.
#[uniffi::export(name = "scan_image")]
fn scan_image_ffi(luma: LumaBuffer, width: u32, height: u32, stride: u32) -> Result<Vec<ScannedCode>, KobanError> {
    scan_still(luma.bytes(), width, height, stride)
}

fn scan_still(luma: &[u8], width: u32, height: u32, stride: u32) -> Result<Vec<ScannedCode>, KobanError> {
    Ok(core::scan_luma(luma, width, height, stride)?.into_iter().map(Into::into).collect())
}

/// A luma plane as it crosses the FFI, scanned in the buffer it arrives in.
///
/// The bindings see a plain `Vec<u8>` (Kotlin `ByteArray`, Swift `Data`): this type reports
/// `Vec<u8>`'s metadata and takes the same RustBuffer (a big-endian i32 length, then the bytes),
/// so the generated Kotlin and Swift are unchanged. UniFFI's own `Vec<u8>` lift copies that
/// buffer into a new `Vec` one byte at a time (uniffi-rs issue 1586): about 5 ms for a 1080p
/// frame in the shipped library, more than the scanner's first pass over the frame.
/// `scripts/bench-scanner.sh` measures it.
struct LumaBuffer(Vec<u8>);

impl LumaBuffer {
    /// The length prefix the bindings write before the bytes.
    const PREFIX: usize = 4;

    fn bytes(&self) -> &[u8] {
        &self.0[Self::PREFIX..]
    }
}

// SAFETY: the FFI type and the serialized form are `Vec<u8>`'s, whose metadata this type
// reports; `try_lift` takes ownership of the RustBuffer exactly as UniFFI's own lift does
// (`destroy_into_vec`), and it is the only owner afterwards.
unsafe impl uniffi::Lift<crate::UniFfiTag> for LumaBuffer {
    type FfiType = uniffi::RustBuffer;

    fn try_lift(buf: uniffi::RustBuffer) -> uniffi::Result<Self> {
        let vec = buf.destroy_into_vec();
        let Some(prefix) = vec.first_chunk::<{ Self::PREFIX }>() else {
            uniffi::deps::anyhow::bail!("luma buffer of {} bytes has no length", vec.len());
        };
        let len = usize::try_from(i32::from_be_bytes(*prefix))?;
        if vec.len() != Self::PREFIX + len {
            uniffi::deps::anyhow::bail!("luma buffer of {} bytes announces {len}", vec.len() - Self::PREFIX);
        }
        Ok(LumaBuffer(vec))
    }

    // Reading from inside a compound value (never done: this type is only ever an argument).
    fn try_read(buf: &mut &[u8]) -> uniffi::Result<Self> {
        let bytes = <Vec<u8> as uniffi::Lift<crate::UniFfiTag>>::try_read(buf)?;
        let mut vec = Vec::with_capacity(Self::PREFIX + bytes.len());
        vec.extend_from_slice(&i32::try_from(bytes.len())?.to_be_bytes());
        vec.extend_from_slice(&bytes);
        Ok(LumaBuffer(vec))
    }
}

impl uniffi::TypeId<crate::UniFfiTag> for LumaBuffer {
    const TYPE_ID_META: uniffi::MetadataBuffer = <Vec<u8> as uniffi::TypeId<crate::UniFfiTag>>::TYPE_ID_META;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_code_scans_back() {
        let text = "00020101021129370016A0000006770101110113006681222333353037645802TH63041DCF";
        let m = koban_core::cpm::QrMatrix::encode(text).unwrap();
        // 4 px per module, 4-module quiet zone, in a frame with row padding.
        let (scale, quiet) = (4u32, 4u32);
        let side = (m.size + 2 * quiet) * scale;
        let stride = side + 13;
        let mut luma = vec![255u8; (stride * side) as usize];
        for y in 0..side {
            for x in 0..side {
                let (mx, my) = ((x / scale).wrapping_sub(quiet), (y / scale).wrapping_sub(quiet));
                if m.is_dark(mx, my) {
                    luma[(y * stride + x) as usize] = 0;
                }
            }
        }
        let codes = scan_image(luma.clone(), side, side, stride).unwrap();
        assert_eq!(codes.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), [text]);
        assert_eq!(codes[0].corners.len(), 4);
        let scanner = Scanner::new();
        let found = (0..4).any(|_| {
            scanner
                .scan_frame(luma.clone(), side, side, stride, FrameRotation::Deg0)
                .unwrap()
                .iter()
                .any(|c| c.text == text)
        });
        assert!(found);
    }

    /// The RustBuffer the bindings send for a `Vec<u8>` argument: a big-endian i32 length, then the bytes.
    fn lowered(bytes: &[u8]) -> uniffi::RustBuffer {
        let mut v = (bytes.len() as i32).to_be_bytes().to_vec();
        v.extend_from_slice(bytes);
        uniffi::RustBuffer::from_vec(v)
    }

    #[test]
    fn luma_buffers_lift_in_place_like_byte_vectors() {
        use uniffi::Lift;
        let bytes: Vec<u8> = (0..=255).cycle().take(1000).collect();
        let luma = LumaBuffer::try_lift(lowered(&bytes)).unwrap();
        assert_eq!(luma.bytes(), &bytes[..]);
        assert_eq!(luma.bytes().len(), <Vec<u8> as Lift<crate::UniFfiTag>>::try_lift(lowered(&bytes)).unwrap().len());
        assert!(LumaBuffer::try_lift(lowered(&[])).unwrap().bytes().is_empty());
        // Inside a compound value it reads like a Vec<u8> and leaves the rest.
        let mut serialized = lowered(&bytes).destroy_into_vec();
        serialized.push(7);
        let mut rest = &serialized[..];
        assert_eq!(LumaBuffer::try_read(&mut rest).unwrap().bytes(), &bytes[..]);
        assert_eq!(rest, [7]);
        // A length that disagrees with the buffer, or no length at all, is refused.
        let mut wrong = lowered(&bytes).destroy_into_vec();
        wrong.pop();
        assert!(LumaBuffer::try_lift(uniffi::RustBuffer::from_vec(wrong)).is_err());
        assert!(LumaBuffer::try_lift(uniffi::RustBuffer::from_vec(vec![0, 0])).is_err());
        assert!(LumaBuffer::try_lift(uniffi::RustBuffer::from_vec(vec![255, 255, 255, 255])).is_err());
        // The bindings are generated from the metadata: they must see a plain Vec<u8>.
        assert_eq!(
            <LumaBuffer as uniffi::TypeId<crate::UniFfiTag>>::TYPE_ID_META.as_ref(),
            <Vec<u8> as uniffi::TypeId<crate::UniFfiTag>>::TYPE_ID_META.as_ref()
        );
    }

    #[test]
    fn the_exported_calls_scan_the_lifted_buffer() {
        use uniffi::Lift;
        let scanner = Scanner::new();
        let luma = LumaBuffer::try_lift(lowered(&[128; 64 * 64])).unwrap();
        assert!(scanner.scan_frame_ffi(luma, 64, 64, 64, FrameRotation::Deg90).unwrap().is_empty());
        let e = scan_image_ffi(LumaBuffer::try_lift(lowered(&[0; 10])).unwrap(), 4, 4, 4).unwrap_err();
        assert_eq!(e.to_string(), "invalid input: luma buffer has 10 bytes, 16 needed for 4x4 with stride 4");
    }

    #[test]
    fn bad_geometry_is_refused_with_a_reason() {
        let e = scan_image(vec![0; 10], 4, 4, 4).unwrap_err();
        assert_eq!(e.to_string(), "invalid input: luma buffer has 10 bytes, 16 needed for 4x4 with stride 4");
        let e = Scanner::new().scan_frame(vec![0; 16], 4, 4, 3, FrameRotation::Deg0).unwrap_err();
        assert_eq!(e.to_string(), "invalid input: row stride 3 is smaller than the width 4");
    }
}
