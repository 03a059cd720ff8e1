//! Reading QR codes from camera frames and still images.
//!
//! Apps hand over a luma plane ([`Frame`]); [`scan`] runs the whole cascade once (stills),
//! [`Scanner`] spreads it over successive camera frames so that no frame is slow.

#[cfg(not(any(feature = "rxing", feature = "rqrr")))]
compile_error!("koban-core's scanner needs at least one engine feature: `rxing` or `rqrr`");

mod cascade;
mod charset;
mod engine;
mod frame;
mod preprocess;
#[cfg(feature = "rqrr")]
mod rqrr;
#[cfg(feature = "rxing")]
mod rxing;
mod scanner;

pub use cascade::{still_steps, Step};
pub use charset::decode_text;
pub use engine::{run as run_engine, Code, Engine};
pub use frame::{Frame, Plane, Point, Rect, Rotation, ScanError, MAX_DIMENSION};
pub use preprocess::Transform;
#[cfg(feature = "rqrr")]
pub use rqrr::RqrrEngine;
#[cfg(feature = "rxing")]
pub use rxing::{Binarization, RxingEngine};
pub use scanner::Scanner;

/// Decodes every QR code in a still frame with the full cascade (slow on purpose: stills are rare).
pub fn scan(frame: &Frame) -> Vec<Code> {
    cascade::run_steps(frame, &frame.to_plane(1), &still_steps())
}

/// Validates a raw luma buffer and scans it: the entry point for callers holding bare bytes.
pub fn scan_luma(data: &[u8], width: u32, height: u32, stride: u32) -> Result<Vec<Code>, ScanError> {
    Ok(scan(&Frame::new(data, width, height, stride)?))
}
