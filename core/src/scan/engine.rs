//! The decoder engines behind one trait, and the wrapper that keeps their panics out of the API.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::frame::{Plane, Point};

/// One QR code found in a plane, with coordinates in that plane's pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    /// The decoded text (character set / ECI applied).
    pub text: String,
    /// The byte-mode payload as stored in the symbol, before character-set decoding; for
    /// codes without byte-mode segments (numeric, alphanumeric) the text's ASCII bytes.
    pub bytes: Vec<u8>,
    /// Corner points: top-left, top-right, bottom-right, bottom-left of the symbol.
    pub corners: [Point; 4],
    /// Which engine decoded it.
    pub engine: &'static str,
}

/// A QR decoder that reads a luma plane.
pub trait Engine: Send + Sync {
    /// Short name for logs and benchmarks.
    fn name(&self) -> &'static str;
    /// Every code the engine finds in `plane`; corners in `plane` pixels. May panic: call via [`run`].
    fn decode(&self, plane: &Plane) -> Vec<Code>;
}

/// Runs `engine` on `plane`, turning a panic inside the engine into "nothing found".
///
/// Third-party decoders have panicked on real photos (rqrr on two corpus images); a panic
/// must never cross into the apps, and an undecodable frame is simply a frame without a code.
pub fn run(engine: &dyn Engine, plane: &Plane) -> Vec<Code> {
    catch_unwind(AssertUnwindSafe(|| engine.decode(plane))).unwrap_or_default()
}
