//! The live scanner: a cheap pass on every frame, the expensive retries spread over frames.

use super::cascade::{finish, Step};
use super::engine::Code;
use super::frame::{Frame, Rect};
use super::preprocess::Transform;

/// Frames whose short side is at least this are halved for the first pass. Halving averages
/// sensor noise away (which otherwise floods the finder search with false candidates) and
/// quarters the work; the benchmark's 720p codes at 5 px/module still decode at half size.
const HALVE_FROM: u32 = 480;

/// Where a retry looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Area {
    /// The whole frame at the first pass's scale.
    Shrunk,
    /// The whole frame at full resolution.
    Full,
    /// The central quarter of the frame at full resolution (the user aims at the code).
    Centre,
}

/// Scans a camera stream; remembers which retry is due on the next frame.
///
/// Every frame gets the cheap first pass; a frame where it finds nothing also gets one retry,
/// taken in turn from a short rotation, so any retry is reached within four frames and no
/// single frame pays for the whole cascade.
pub struct Scanner {
    first: Step,
    retries: Vec<(Area, Step)>,
    next: usize,
    /// The first pass's plane buffer, kept from frame to frame: a camera sends frames of one
    /// size, and allocating a fresh half-frame every time had allocators with a trim threshold
    /// (glibc's) hand the pages back after each frame and fault them in again on the next.
    plane: Vec<u8>,
}

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("first", &self.first)
            .field("retries", &self.retries)
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

impl Default for Scanner {
    fn default() -> Self {
        Self::new()
    }
}

impl Scanner {
    /// A scanner with the default first pass and retry rotation.
    pub fn new() -> Self {
        use Transform::*;
        #[cfg(feature = "rxing")]
        let (first, retries) = {
            use super::cascade::{RXING_FAST, RXING_GLOBAL_FAST};
            (
                Step { transform: Identity, engine: &RXING_FAST },
                vec![
                    // Fine modules that halving blurs away; a global threshold is cheap at full size.
                    (Area::Full, Step { transform: Identity, engine: &RXING_GLOBAL_FAST }),
                    (Area::Shrunk, Step { transform: Invert, engine: &RXING_FAST }),
                    // Small codes under uneven light, where the user aims.
                    (Area::Centre, Step { transform: Identity, engine: &RXING_FAST }),
                    (Area::Shrunk, Step { transform: LocalMean, engine: &RXING_FAST }),
                ],
            )
        };
        #[cfg(not(feature = "rxing"))]
        let (first, retries) = {
            use super::cascade::RQRR;
            (
                Step { transform: Identity, engine: &RQRR },
                vec![
                    (Area::Centre, Step { transform: Identity, engine: &RQRR }),
                    (Area::Shrunk, Step { transform: Invert, engine: &RQRR }),
                    (Area::Shrunk, Step { transform: LocalMean, engine: &RQRR }),
                ],
            )
        };
        Scanner { first, retries, next: 0, plane: Vec::new() }
    }

    /// Scans one frame: the fast pass, then, if that found nothing, the next retry in the rotation.
    pub fn scan_frame(&mut self, frame: &Frame) -> Vec<Code> {
        let region = frame.region();
        let shrink = if region.width.min(region.height) >= HALVE_FROM { 2 } else { 1 };
        let shrunk = frame.fill_plane(shrink, std::mem::take(&mut self.plane));
        let mut codes = self.first.run(&shrunk);
        if codes.is_empty() {
            let (area, step) = self.retries[self.next % self.retries.len()];
            self.next = self.next.wrapping_add(1);
            codes = match area {
                Area::Shrunk => step.run(&shrunk),
                Area::Full if shrink == 1 => step.run(&shrunk),
                Area::Full => step.run(&frame.to_plane(1)),
                Area::Centre => step.run(&centre(frame).to_plane(1)),
            };
        }
        self.plane = shrunk.into_pixels();
        finish(frame, codes)
    }
}

/// The central half (per side) of the scanned region.
fn centre<'a>(frame: &Frame<'a>) -> Frame<'a> {
    let r = frame.region();
    let (w, h) = (r.width / 2, r.height / 2);
    if w < 21 || h < 21 {
        return *frame;
    }
    let roi = Rect { x: r.x + (r.width - w) / 2, y: r.y + (r.height - h) / 2, width: w, height: h };
    frame.with_roi(roi).unwrap_or(*frame)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpm::QrMatrix;

    /// `text` as a QR code, `scale` px per module with a 4-module quiet zone, on a white `w`×`h` frame.
    fn frame_with(text: &str, scale: u32, w: u32, h: u32) -> Vec<u8> {
        let m = QrMatrix::encode(text).unwrap();
        let mut luma = vec![255u8; (w * h) as usize];
        for y in 0..(m.size + 8) * scale {
            for x in 0..(m.size + 8) * scale {
                let (mx, my) = ((x / scale).wrapping_sub(4), (y / scale).wrapping_sub(4));
                if m.is_dark(mx, my) {
                    luma[((y + 10) * w + x + 20) as usize] = 0;
                }
            }
        }
        luma
    }

    fn read(scanner: &mut Scanner, luma: &[u8], w: u32, h: u32) -> Vec<String> {
        scanner.scan_frame(&Frame::new(luma, w, h, w).unwrap()).into_iter().map(|c| c.text).collect()
    }

    #[test]
    fn frames_reuse_one_plane_buffer_and_read_alike() {
        let text = "KOBAN-SCANNER-PLANE";
        let (big, small) = (frame_with(text, 6, 640, 480), frame_with(text, 4, 300, 240));
        let mut scanner = Scanner::new();
        assert_eq!(read(&mut scanner, &big, 640, 480), [text]);
        // 640×480 is halved for the first pass: a 320×240 plane, kept for the next frame.
        let buffer = scanner.plane.as_ptr();
        assert!(scanner.plane.capacity() >= 320 * 240);
        assert_eq!(read(&mut scanner, &big, 640, 480), [text]);
        assert_eq!(scanner.plane.as_ptr(), buffer, "a frame of the same size allocated a new plane");
        // A smaller frame (not halved, 300×240 fits) in the same allocation, with none of the last frame's pixels.
        assert_eq!(read(&mut scanner, &small, 300, 240), [text]);
        assert_eq!(scanner.plane.as_ptr(), buffer);
        assert!(read(&mut scanner, &vec![255; 640 * 480], 640, 480).is_empty());
        assert!(read(&mut scanner, &vec![255; 300 * 240], 300, 240).is_empty());
    }
}
