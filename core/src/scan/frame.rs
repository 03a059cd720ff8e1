//! Camera frames as the apps hand them over, and the contiguous luma planes the engines read.

use thiserror::Error;

/// Largest accepted width or height: far above any camera frame, low enough that a
/// corrupted size cannot make us allocate gigabytes.
pub const MAX_DIMENSION: u32 = 16_384;

/// Why a frame was refused or could not be scanned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScanError {
    /// Width or height is zero.
    #[error("frame is empty ({width}x{height})")]
    Empty {
        /// Declared width in pixels.
        width: u32,
        /// Declared height in pixels.
        height: u32,
    },
    /// Width or height is larger than [`MAX_DIMENSION`].
    #[error("frame {width}x{height} is larger than {max}x{max}", max = MAX_DIMENSION)]
    TooLarge {
        /// Declared width in pixels.
        width: u32,
        /// Declared height in pixels.
        height: u32,
    },
    /// The row stride is shorter than a row.
    #[error("row stride {stride} is smaller than the width {width}")]
    StrideTooSmall {
        /// Declared row stride in bytes.
        stride: u32,
        /// Declared width in pixels.
        width: u32,
    },
    /// The buffer ends before the last pixel of the last row.
    #[error("luma buffer has {actual} bytes, {needed} needed for {width}x{height} with stride {stride}")]
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
        /// Bytes given.
        actual: usize,
        /// Declared width in pixels.
        width: u32,
        /// Declared height in pixels.
        height: u32,
        /// Declared row stride in bytes.
        stride: u32,
    },
    /// The region of interest is empty or reaches outside the frame.
    #[error("region of interest {roi:?} is empty or outside the {width}x{height} frame")]
    BadRegion {
        /// The region asked for.
        roi: Rect,
        /// Frame width in pixels.
        width: u32,
        /// Frame height in pixels.
        height: u32,
    },
}

/// An axis-aligned rectangle in frame pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Clockwise rotation that turns the frame as stored into the picture as the user sees it.
///
/// Camera sensors deliver landscape frames whatever way the phone is held; the decoders do not
/// care, but the corner points we return are in the upright (displayed) picture's coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rotation {
    /// Stored upright.
    #[default]
    Deg0,
    /// Display = stored turned 90° clockwise.
    Deg90,
    /// Display = stored turned 180°.
    Deg180,
    /// Display = stored turned 270° clockwise.
    Deg270,
}

/// A point in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// Horizontal position.
    pub x: f32,
    /// Vertical position.
    pub y: f32,
}

/// A borrowed luma (Y) plane as the camera gives it, validated.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    data: &'a [u8],
    width: u32,
    height: u32,
    stride: u32,
    roi: Option<Rect>,
    rotation: Rotation,
}

impl<'a> Frame<'a> {
    /// Checks the geometry against the buffer; `stride` is bytes from one row's start to the next.
    pub fn new(data: &'a [u8], width: u32, height: u32, stride: u32) -> Result<Self, ScanError> {
        if width == 0 || height == 0 {
            return Err(ScanError::Empty { width, height });
        }
        if width > MAX_DIMENSION || height > MAX_DIMENSION {
            return Err(ScanError::TooLarge { width, height });
        }
        if stride < width {
            return Err(ScanError::StrideTooSmall { stride, width });
        }
        // The last row may omit its padding: camera HALs hand over such buffers.
        // All factors are ≤ 2^32, so the arithmetic fits a 64-bit usize; checked for 32-bit targets.
        let needed = (stride as usize).checked_mul(height as usize - 1).and_then(|n| n.checked_add(width as usize));
        match needed {
            Some(needed) if needed <= data.len() => {}
            _ => {
                return Err(ScanError::BufferTooSmall {
                    needed: needed.unwrap_or(usize::MAX),
                    actual: data.len(),
                    width,
                    height,
                    stride,
                })
            }
        }
        Ok(Frame { data, width, height, stride, roi: None, rotation: Rotation::Deg0 })
    }

    /// A tightly packed plane (`stride == width`).
    pub fn packed(data: &'a [u8], width: u32, height: u32) -> Result<Self, ScanError> {
        Self::new(data, width, height, width)
    }

    /// Restricts scanning to `roi`, in stored-frame pixels (e.g. the viewfinder box).
    pub fn with_roi(mut self, roi: Rect) -> Result<Self, ScanError> {
        let fits = roi.width > 0
            && roi.height > 0
            && roi.x.checked_add(roi.width).is_some_and(|r| r <= self.width)
            && roi.y.checked_add(roi.height).is_some_and(|b| b <= self.height);
        if !fits {
            return Err(ScanError::BadRegion { roi, width: self.width, height: self.height });
        }
        self.roi = Some(roi);
        Ok(self)
    }

    /// Sets how the stored frame is turned for display; corner points come back in display coordinates.
    pub fn with_rotation(mut self, rotation: Rotation) -> Self {
        self.rotation = rotation;
        self
    }

    /// Stored width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Stored height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The region scanned: the ROI, or the whole frame.
    pub fn region(&self) -> Rect {
        self.roi.unwrap_or(Rect { x: 0, y: 0, width: self.width, height: self.height })
    }

    /// The display rotation.
    pub fn rotation(&self) -> Rotation {
        self.rotation
    }

    /// Copies the region into a contiguous plane, shrunk `step` times per side by box averaging.
    pub fn to_plane(&self, step: u32) -> Plane {
        self.fill_plane(step, Vec::new())
    }

    /// As [`Frame::to_plane`], in `buf`'s allocation (its contents are discarded): a live scanner
    /// hands the same buffer back frame after frame instead of allocating a plane per frame.
    pub(crate) fn fill_plane(&self, step: u32, mut px: Vec<u8>) -> Plane {
        px.clear();
        let r = self.region();
        let step = step.max(1);
        let (w, h) = (r.width / step, r.height / step);
        if w < 21 || h < 21 || step == 1 {
            // Too small to shrink (a QR code needs 21 modules): copy as is.
            px.reserve(r.width as usize * r.height as usize);
            for y in r.y..r.y + r.height {
                let start = y as usize * self.stride as usize + r.x as usize;
                px.extend_from_slice(&self.data[start..start + r.width as usize]);
            }
            return Plane { width: r.width, height: r.height, px, map: Map::offset(r.x, r.y, 1.0) };
        }
        let offset = r.y as usize * self.stride as usize + r.x as usize;
        box_shrink_into(&self.data[offset..], self.stride as usize, w as usize, h as usize, step as usize, &mut px);
        Plane { width: w, height: h, px, map: Map::offset(r.x, r.y, step as f32) }
    }

    /// Maps a point in stored-frame pixels to display coordinates.
    pub(crate) fn to_display(self, p: Point) -> Point {
        let (w, h) = (self.width as f32, self.height as f32);
        match self.rotation {
            Rotation::Deg0 => p,
            Rotation::Deg90 => Point { x: h - p.y, y: p.x },
            Rotation::Deg180 => Point { x: w - p.x, y: h - p.y },
            Rotation::Deg270 => Point { x: p.y, y: w - p.x },
        }
    }
}

/// Averages `step`×`step` blocks of `src` (rows `stride` apart) into a `w`×`h` plane.
pub(crate) fn box_shrink(src: &[u8], stride: usize, w: usize, h: usize, step: usize) -> Vec<u8> {
    let mut out = Vec::new();
    box_shrink_into(src, stride, w, h, step, &mut out);
    out
}

/// [`box_shrink`], appending to `out`.
fn box_shrink_into(src: &[u8], stride: usize, w: usize, h: usize, step: usize, out: &mut Vec<u8>) {
    out.reserve(w * h);
    if step == 2 {
        // The live path halves every 1080p frame: a pairwise form the compiler vectorises.
        for by in 0..h {
            let r0 = &src[2 * by * stride..][..2 * w];
            let r1 = &src[(2 * by + 1) * stride..][..2 * w];
            out.extend(
                r0.chunks_exact(2)
                    .zip(r1.chunks_exact(2))
                    .map(|(a, b)| ((a[0] as u16 + a[1] as u16 + b[0] as u16 + b[1] as u16) >> 2) as u8),
            );
        }
        return;
    }
    let n = (step * step) as u32;
    let mut acc = vec![0u32; w];
    for by in 0..h {
        acc.fill(0);
        for dy in 0..step {
            let start = (by * step + dy) * stride;
            let row = &src[start..start + w * step];
            for (a, block) in acc.iter_mut().zip(row.chunks_exact(step)) {
                *a += block.iter().map(|&v| v as u32).sum::<u32>();
            }
        }
        out.extend(acc.iter().map(|&s| (s / n) as u8));
    }
}

/// How a plane's pixel coordinates map back to stored-frame pixels: `frame = plane * scale + offset`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Map {
    pub scale: f32,
    pub ox: f32,
    pub oy: f32,
}

impl Map {
    fn offset(x: u32, y: u32, scale: f32) -> Self {
        Map { scale, ox: x as f32, oy: y as f32 }
    }

    pub fn apply(&self, p: Point) -> Point {
        Point { x: p.x * self.scale + self.ox, y: p.y * self.scale + self.oy }
    }

    /// The map of a plane resized by `factor` (2.0 = twice as many pixels per side).
    pub fn resized(&self, factor: f32) -> Self {
        Map { scale: self.scale / factor, ..*self }
    }
}

/// A contiguous 8-bit luma plane that engines decode.
#[derive(Debug, Clone)]
pub struct Plane {
    width: u32,
    height: u32,
    px: Vec<u8>,
    pub(crate) map: Map,
}

impl Plane {
    /// Wraps packed pixels; fails when `pixels.len() != width * height` or a side is 0 or too large.
    pub fn new(width: u32, height: u32, pixels: Vec<u8>) -> Result<Self, ScanError> {
        Frame::packed(&pixels, width, height)?;
        Ok(Plane { width, height, px: pixels, map: Map::offset(0, 0, 1.0) })
    }

    /// Builds a plane with the same mapping back to the frame as `self`.
    pub(crate) fn derived(&self, width: u32, height: u32, px: Vec<u8>, map: Map) -> Plane {
        debug_assert_eq!(px.len(), width as usize * height as usize);
        Plane { width, height, px, map }
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Row-major pixels, `width * height` bytes.
    pub fn pixels(&self) -> &[u8] {
        &self.px
    }

    /// The pixel buffer, for [`Frame::fill_plane`] to fill again.
    pub(crate) fn into_pixels(self) -> Vec<u8> {
        self.px
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_geometry() {
        let buf = vec![0u8; 100];
        assert_eq!(Frame::new(&buf, 0, 10, 10).unwrap_err(), ScanError::Empty { width: 0, height: 10 });
        assert_eq!(Frame::new(&buf, 10, 10, 9).unwrap_err(), ScanError::StrideTooSmall { stride: 9, width: 10 });
        assert!(matches!(
            Frame::new(&buf, 10, 10, 11).unwrap_err(),
            ScanError::BufferTooSmall { needed: 109, actual: 100, .. }
        ));
        assert!(matches!(Frame::new(&buf, 20_000, 1, 20_000), Err(ScanError::TooLarge { .. })));
        // A stride so large the size overflows on any target must be an error, not a panic.
        assert!(Frame::new(&buf, 10, MAX_DIMENSION, u32::MAX).is_err());
        assert!(Plane::new(10, 10, vec![0; 99]).is_err());
    }

    #[test]
    fn last_row_may_omit_padding() {
        let buf = vec![0u8; 16 * 9 + 10];
        assert!(Frame::new(&buf, 10, 10, 16).is_ok());
    }

    #[test]
    fn error_messages_are_readable() {
        let e = Frame::new(&[0; 10], 4, 4, 3).unwrap_err();
        assert_eq!(e.to_string(), "row stride 3 is smaller than the width 4");
        let e = Frame::new(&[0; 10], 4, 4, 4).unwrap_err();
        assert_eq!(e.to_string(), "luma buffer has 10 bytes, 16 needed for 4x4 with stride 4");
    }

    #[test]
    fn roi_must_fit() {
        let buf = vec![0u8; 100];
        let f = Frame::packed(&buf, 10, 10).unwrap();
        assert!(f.with_roi(Rect { x: 5, y: 5, width: 5, height: 5 }).is_ok());
        assert!(f.with_roi(Rect { x: 5, y: 5, width: 6, height: 5 }).is_err());
        assert!(f.with_roi(Rect { x: 0, y: 0, width: 0, height: 5 }).is_err());
        assert!(f.with_roi(Rect { x: u32::MAX, y: 0, width: 2, height: 5 }).is_err());
    }

    #[test]
    fn plane_copies_region_and_maps_back() {
        let buf: Vec<u8> = (0..=255u8).cycle().take(64 * 64).collect();
        let f = Frame::new(&buf, 60, 64, 64).unwrap().with_roi(Rect { x: 2, y: 3, width: 50, height: 44 }).unwrap();
        let p = f.to_plane(1);
        assert_eq!((p.width(), p.height()), (50, 44));
        assert_eq!(p.pixels()[0], buf[3 * 64 + 2]);
        assert_eq!(p.map.apply(Point { x: 1.0, y: 1.0 }), Point { x: 3.0, y: 4.0 });
        let half = f.to_plane(2);
        assert_eq!((half.width(), half.height()), (25, 22));
        assert_eq!(half.map.apply(Point { x: 1.0, y: 1.0 }), Point { x: 4.0, y: 5.0 });
        let b = |x: usize, y: usize| buf[(3 + y) * 64 + 2 + x] as u16;
        assert_eq!(half.pixels()[0] as u16, (b(0, 0) + b(1, 0) + b(0, 1) + b(1, 1)) / 4);
        // Too small to halve into a decodable plane: copied as is.
        let tiny = f.with_roi(Rect { x: 0, y: 0, width: 40, height: 40 }).unwrap().to_plane(2);
        assert_eq!((tiny.width(), tiny.height()), (40, 40));
    }

    #[test]
    fn rotation_maps_to_display() {
        let buf = vec![0u8; 200];
        let f = Frame::packed(&buf, 20, 10).unwrap().with_rotation(Rotation::Deg90);
        // Stored top-left corner ends up at the display's top-right.
        assert_eq!(f.to_display(Point { x: 0.0, y: 0.0 }), Point { x: 10.0, y: 0.0 });
    }
}
