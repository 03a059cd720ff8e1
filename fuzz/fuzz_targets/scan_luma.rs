//! Fuzzes the luma entry point: arbitrary geometry over arbitrary bytes must yield codes or a
//! typed error, never a panic (engine panics are contained by the library, so any panic that
//! reaches here is ours). Run: `cargo +nightly fuzz run scan_luma` from the repo root.
#![no_main]

use std::sync::{LazyLock, Mutex};

use koban_core::scan::{scan_luma, Frame, Scanner};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    if input.len() < 6 {
        return;
    }
    // Small sides keep each run fast; the stride may be anything, including too small.
    let width = u16::from_le_bytes([input[0], input[1]]) as u32 % 512;
    let height = input[2] as u32 * 2;
    let stride = width + (input[3] as u32 % 64);
    let data = &input[4..];
    let _ = scan_luma(data, width, height, stride);
    if let Ok(frame) = Frame::new(data, width, height, stride) {
        // One scanner for every input, as a camera session keeps one: frames of every size
        // go through the plane buffer it keeps, and through each retry of its rotation.
        let mut scanner = SCANNER.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let _ = scanner.scan_frame(&frame);
        let _ = scanner.scan_frame(&frame);
    }
});

static SCANNER: LazyLock<Mutex<Scanner>> = LazyLock::new(|| Mutex::new(Scanner::new()));
