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
#[derive(Debug)]
pub struct Scanner {
    first: Step,
    retries: Vec<(Area, Step)>,
    next: usize,
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
        Scanner { first, retries, next: 0 }
    }

    /// Scans one frame: the fast pass, then, if that found nothing, the next retry in the rotation.
    pub fn scan_frame(&mut self, frame: &Frame) -> Vec<Code> {
        let region = frame.region();
        let shrink = if region.width.min(region.height) >= HALVE_FROM { 2 } else { 1 };
        let shrunk = frame.to_plane(shrink);
        let codes = self.first.run(&shrunk);
        if !codes.is_empty() {
            return finish(frame, codes);
        }
        let (area, step) = self.retries[self.next % self.retries.len()];
        self.next = self.next.wrapping_add(1);
        let codes = match area {
            Area::Shrunk => step.run(&shrunk),
            Area::Full if shrink == 1 => step.run(&shrunk),
            Area::Full => step.run(&frame.to_plane(1)),
            Area::Centre => step.run(&centre(frame).to_plane(1)),
        };
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
