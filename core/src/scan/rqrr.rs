//! The rqrr engine: a port of quirc, the decoder the design names.

use super::charset::decode_text;
use super::engine::{Code, Engine};
use super::frame::{Plane, Point};

/// rqrr on the plane as given.
#[derive(Debug, Clone, Copy, Default)]
pub struct RqrrEngine;

impl Engine for RqrrEngine {
    fn name(&self) -> &'static str {
        "rqrr"
    }

    fn decode(&self, plane: &Plane) -> Vec<Code> {
        let (w, px) = (plane.width() as usize, plane.pixels());
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, plane.height() as usize, |x, y| px[y * w + x]);
        img.detect_grids()
            .into_iter()
            .filter_map(|grid| {
                let mut bytes = Vec::new();
                // rqrr drops ECI designators and hands Kanji mode back as Shift_JIS bytes: guess the charset.
                grid.decode_to(&mut bytes).ok()?;
                let c = grid.bounds.map(|p| Point { x: p.x as f32, y: p.y as f32 });
                Some(Code { text: decode_text(&bytes, None), bytes, corners: c, engine: "rqrr" })
            })
            .collect()
    }
}
