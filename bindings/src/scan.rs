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
    ///
    /// The bindings lend `luma` for the call, no copy (a direct `ByteBuffer` in Kotlin, `Data`
    /// in Swift); it is read only while the call lasts.
    pub fn scan_frame(
        &self,
        luma: &[u8],
        width: i32,
        height: i32,
        stride: i32,
        rotation: FrameRotation,
    ) -> Result<Vec<ScannedCode>, KobanError> {
        let (width, height, stride) = dimensions(width, height, stride)?;
        let frame = core::Frame::new(luma, width, height, stride)?.with_rotation(rotation.into());
        // A panic mid-scan poisons the lock; the scanner's state is only a retry counter, so go on.
        let mut scanner = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(scanner.scan_frame(&frame).into_iter().map(Into::into).collect())
    }
}

/// Decodes every QR code in a still picture with the full (slower) cascade; `luma` is lent as in
/// [`Scanner::scan_frame`].
#[uniffi::export]
pub fn scan_image(luma: &[u8], width: i32, height: i32, stride: i32) -> Result<Vec<ScannedCode>, KobanError> {
    let (width, height, stride) = dimensions(width, height, stride)?;
    Ok(core::scan_luma(luma, width, height, stride)?.into_iter().map(Into::into).collect())
}

/// Frame sizes from the foreign side's signed numbers; a negative one is refused.
fn dimensions(width: i32, height: i32, stride: i32) -> Result<(u32, u32, u32), KobanError> {
    let size = |name: &str, v: i32| {
        u32::try_from(v).map_err(|_| KobanError::InvalidInput { reason: format!("{name} {v} is negative") })
    };
    Ok((size("width", width)?, size("height", height)?, size("stride", stride)?))
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
        let (side, stride) = (i32::try_from(side).unwrap(), i32::try_from(stride).unwrap());
        let codes = scan_image(&luma, side, side, stride).unwrap();
        assert_eq!(codes.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), [text]);
        assert_eq!(codes[0].corners.len(), 4);
        let scanner = Scanner::new();
        let found = (0..4).any(|_| {
            scanner.scan_frame(&luma, side, side, stride, FrameRotation::Deg0).unwrap().iter().any(|c| c.text == text)
        });
        assert!(found);
    }

    #[test]
    fn bad_geometry_is_refused_with_a_reason() {
        let e = scan_image(&[0; 10], 4, 4, 4).unwrap_err();
        assert_eq!(e.to_string(), "invalid input: luma buffer has 10 bytes, 16 needed for 4x4 with stride 4");
        let e = Scanner::new().scan_frame(&[0; 16], 4, 4, 3, FrameRotation::Deg0).unwrap_err();
        assert_eq!(e.to_string(), "invalid input: row stride 3 is smaller than the width 4");
    }
}
