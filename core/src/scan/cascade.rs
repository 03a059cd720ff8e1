//! The ordered list of (transform, engine) attempts, and running one attempt on a frame.

use super::engine::{run, Code, Engine};
use super::frame::{Frame, Plane};
use super::preprocess::Transform;

#[cfg(feature = "rqrr")]
use super::rqrr::RqrrEngine;
#[cfg(feature = "rxing")]
use super::rxing::{Binarization, RxingEngine};

/// One attempt: transform the plane, then let an engine read it.
#[derive(Clone, Copy)]
pub struct Step {
    /// What is done to the plane first.
    pub transform: Transform,
    /// Who reads it.
    pub engine: &'static dyn Engine,
}

impl std::fmt::Debug for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}+{:?}", self.engine.name(), self.transform)
    }
}

impl Step {
    /// Runs the step on `plane`; corners come back in stored-frame pixels.
    pub fn run(&self, plane: &Plane) -> Vec<Code> {
        let Some(p) = self.transform.apply(plane) else { return Vec::new() };
        let mut codes = run(self.engine, &p);
        for c in &mut codes {
            c.corners = c.corners.map(|q| p.map.apply(q));
        }
        codes
    }
}

#[cfg(feature = "rxing")]
pub(crate) static RXING: RxingEngine = RxingEngine { binarization: Binarization::Hybrid, try_harder: true };
#[cfg(feature = "rxing")]
pub(crate) static RXING_FAST: RxingEngine = RxingEngine { binarization: Binarization::Hybrid, try_harder: false };
#[cfg(feature = "rxing")]
pub(crate) static RXING_GLOBAL: RxingEngine =
    RxingEngine { binarization: Binarization::GlobalHistogram, try_harder: true };
#[cfg(feature = "rxing")]
pub(crate) static RXING_GLOBAL_FAST: RxingEngine =
    RxingEngine { binarization: Binarization::GlobalHistogram, try_harder: false };
#[cfg(feature = "rqrr")]
pub(crate) static RQRR: RqrrEngine = RqrrEngine;

/// The full cascade for still images, most productive step first.
///
/// Membership comes from the corpus benchmark (`cargo bench -p koban-core --bench scan`), which
/// prints what each step adds over the ones before it. Over the 548 corpus images (137 × four
/// rotations) rxing alone read 479; inversion added 12, the global binarizer 12, halving 7,
/// doubling 2, a third 2, and rqrr three more (as captured, local-mean binarised, doubled).
/// Local-mean and Otsu for rxing, and rqrr on halved, Otsu and inverted planes, added nothing
/// and were dropped.
pub fn still_steps() -> Vec<Step> {
    use Transform::*;
    let mut steps = Vec::new();
    #[cfg(feature = "rxing")]
    steps.extend([
        Step { transform: Identity, engine: &RXING },
        Step { transform: Invert, engine: &RXING },
        Step { transform: Identity, engine: &RXING_GLOBAL },
        Step { transform: Downscale(2), engine: &RXING },
        Step { transform: Upscale2, engine: &RXING },
        Step { transform: Downscale(3), engine: &RXING },
    ]);
    #[cfg(feature = "rqrr")]
    steps.extend([
        Step { transform: Identity, engine: &RQRR },
        Step { transform: LocalMean, engine: &RQRR },
        Step { transform: Upscale2, engine: &RQRR },
    ]);
    // Without rxing, rqrr needs the preprocessing it otherwise gets from rxing's own binarizers.
    #[cfg(all(feature = "rqrr", not(feature = "rxing")))]
    steps.extend([
        Step { transform: Invert, engine: &RQRR },
        Step { transform: Downscale(2), engine: &RQRR },
        Step { transform: Otsu, engine: &RQRR },
    ]);
    steps
}

/// Runs `steps` in order until one finds a code; corners in the frame's display coordinates.
pub fn run_steps(frame: &Frame, plane: &Plane, steps: &[Step]) -> Vec<Code> {
    for step in steps {
        let codes = step.run(plane);
        if !codes.is_empty() {
            return finish(frame, codes);
        }
    }
    Vec::new()
}

/// Maps corners to display coordinates and drops duplicates (one symbol read twice).
pub(crate) fn finish(frame: &Frame, mut codes: Vec<Code>) -> Vec<Code> {
    for c in &mut codes {
        c.corners = c.corners.map(|q| frame.to_display(q));
    }
    let mut seen = std::collections::HashSet::new();
    codes.retain(|c| {
        seen.insert((c.bytes.clone(), c.text.clone(), c.corners[0].x as i32 / 8, c.corners[0].y as i32 / 8))
    });
    codes
}
