//! Scanning on images we generate: round trips, character sets, the live scanner, bad input.

mod support;

use koban_core::scan::{run_engine, scan, scan_luma, Frame, Plane, Point, Rect, Rotation, ScanError, Scanner};
use support::synth;

/// A clean code, `scale` px per module, pasted at (`x`, `y`) into a grey `w`×`h` frame with `stride`.
fn frame_with_code(text: &str, scale: usize, w: usize, h: usize, stride: usize, x: usize, y: usize) -> Vec<u8> {
    let (side, code) = synth::clean(text, 6, scale);
    assert!(x + side <= w.min(stride) && y + side <= h, "code does not fit the frame");
    let mut buf = vec![200u8; stride * h];
    for r in 0..side {
        buf[(y + r) * stride + x..][..side].copy_from_slice(&code[r * side..][..side]);
    }
    buf
}

#[test]
fn round_trip_generated_code() {
    let text = synth::emv_payload();
    let buf = frame_with_code(&text, 4, 400, 300, 416, 50, 40);
    let codes = scan_luma(&buf, 400, 300, 416).unwrap();
    assert_eq!(codes.len(), 1, "{codes:?}");
    assert_eq!(codes[0].text, text);
    // The symbol (without quiet zone) spans 16 + [0, 164) px from the paste point.
    let tl = codes[0].corners[0];
    assert!((tl.x - 66.0).abs() < 6.0 && (tl.y - 56.0).abs() < 6.0, "top-left {tl:?}");
}

#[test]
fn roi_and_rotation_report_display_coordinates() {
    let text = "https://example.com/pay?id=42";
    let buf = frame_with_code(text, 4, 640, 480, 640, 300, 200);
    let frame = Frame::packed(&buf, 640, 480)
        .unwrap()
        .with_roi(Rect { x: 280, y: 180, width: 300, height: 260 })
        .unwrap()
        .with_rotation(Rotation::Deg90);
    let codes = scan(&frame);
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0].text, text);
    // Stored top-left (316, 216) is displayed at (480 - 216, 316).
    let near = |p: Point, x: f32, y: f32| (p.x - x).abs() < 6.0 && (p.y - y).abs() < 6.0;
    assert!(codes[0].corners.iter().any(|&p| near(p, 264.0, 316.0)), "{:?}", codes[0].corners);
    // Outside the ROI nothing is seen.
    let elsewhere =
        Frame::packed(&buf, 640, 480).unwrap().with_roi(Rect { x: 0, y: 0, width: 250, height: 480 }).unwrap();
    assert!(scan(&elsewhere).is_empty());
}

#[test]
fn shift_jis_codes_decode_to_japanese_text_with_every_engine() {
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("支払い：１２３円");
    let code = qrcode::QrCode::new(&sjis[..]).unwrap();
    let n = code.width();
    let scale = 6;
    let side = (n + 8) * scale;
    let colors = code.to_colors();
    let px: Vec<u8> = (0..side * side)
        .map(|i| {
            let (u, v) = ((i % side) / scale, (i / side) / scale);
            let dark = u >= 4 && v >= 4 && u < n + 4 && v < n + 4 && colors[(v - 4) * n + u - 4] == qrcode::Color::Dark;
            if dark {
                0
            } else {
                255
            }
        })
        .collect();
    let plane = Plane::new(side as u32, side as u32, px).unwrap();
    let engines: Vec<&dyn koban_core::scan::Engine> = vec![
        #[cfg(feature = "rxing")]
        &koban_core::scan::RxingEngine { binarization: koban_core::scan::Binarization::Hybrid, try_harder: true },
        #[cfg(feature = "rqrr")]
        &koban_core::scan::RqrrEngine,
    ];
    for e in engines {
        let codes = run_engine(e, &plane);
        assert_eq!(codes.len(), 1, "{}", e.name());
        assert_eq!(codes[0].text, "支払い：１２３円", "{}", e.name());
    }
}

#[cfg(feature = "rxing")]
#[test]
fn scanner_reads_a_hard_code_within_four_frames() {
    // An inverted code (light modules on dark) in a noisy, blurred 720p frame: the first pass
    // cannot read it, a retry in the rotation must.
    let text = synth::emv_payload();
    let frames: Vec<Vec<u8>> = (1..=4)
        .map(|seed| {
            synth::render(
                &synth::Scene { inverted: true, ..synth::Scene::camera(1280, 720, true, 10.0, seed) },
                &text,
                6,
            )
        })
        .collect();
    let mut scanner = Scanner::new();
    let mut decoded_at = None;
    for (i, px) in frames.iter().enumerate() {
        let codes = scanner.scan_frame(&Frame::packed(px, 1280, 720).unwrap());
        if codes.iter().any(|c| c.text == text) {
            decoded_at = Some(i);
            break;
        }
    }
    assert!(matches!(decoded_at, Some(1..=3)), "decoded at frame {decoded_at:?} (0 would mean it was not hard)");
}

#[test]
fn scanner_reads_an_ordinary_frame_at_once() {
    let text = synth::emv_payload();
    let px = synth::render(&synth::Scene::camera(1920, 1080, true, 35.0, 9), &text, 6);
    let codes = Scanner::new().scan_frame(&Frame::packed(&px, 1920, 1080).unwrap());
    assert_eq!(codes.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), [text.as_str()]);
}

#[test]
fn frames_without_codes_and_bad_geometry() {
    let noise: Vec<u8> = {
        let mut r = synth::Rng::new(5);
        (0..320 * 240).map(|_| r.next() as u8).collect()
    };
    assert!(scan_luma(&noise, 320, 240, 320).unwrap().is_empty());
    assert!(scan_luma(&[0; 64], 8, 8, 8).unwrap().is_empty());
    assert!(scan_luma(&[255; 1], 1, 1, 1).unwrap().is_empty());
    assert!(matches!(scan_luma(&noise, 320, 240, 319), Err(ScanError::StrideTooSmall { .. })));
    assert!(matches!(scan_luma(&noise, 320, 241, 320), Err(ScanError::BufferTooSmall { .. })));
    assert!(matches!(scan_luma(&noise, 0, 240, 320), Err(ScanError::Empty { .. })));
    let mut scanner = Scanner::new();
    for _ in 0..5 {
        assert!(scanner.scan_frame(&Frame::packed(&noise, 320, 240).unwrap()).is_empty());
    }
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Any geometry over any bytes gives a result or a typed error, never a panic.
        #[test]
        fn any_geometry_is_an_error_or_a_scan(w in 0u32..80, h in 0u32..80, pad in 0u32..8, len in 0usize..7000, seed: u64) {
            let mut r = synth::Rng::new(seed);
            let data: Vec<u8> = (0..len).map(|_| r.next() as u8).collect();
            let _ = scan_luma(&data, w, h, w + pad);
        }
    }
}
