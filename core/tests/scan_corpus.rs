//! Decode counts on the shared zxing-cpp corpus must stay at or above what the cascade reaches.
//!
//! Reads `../shared/corpus/qr-zxing-cpp` where it lies; skips loudly when it is absent.

mod support;

use koban_core::scan::{scan, Frame};
use support::corpus;

/// Upright minimum per category (measured: rqrr alone 66/137, rxing alone 119, the cascade 129;
/// zxing-cpp 3.1 reads 123).
#[cfg(all(feature = "rxing", feature = "rqrr"))]
const UPRIGHT_MIN: [(&str, usize); 6] =
    [("qrcode-1", 8), ("qrcode-2", 55), ("qrcode-3", 18), ("qrcode-4", 17), ("qrcode-5", 16), ("qrcode-6", 15)];
/// All four rotations together.
#[cfg(all(feature = "rxing", feature = "rqrr"))]
const ALL_ROTATIONS_MIN: usize = 517;

#[cfg(all(feature = "rxing", feature = "rqrr"))]
#[test]
fn corpus_decode_counts_meet_thresholds() {
    let samples = match corpus::load() {
        Ok(s) => s,
        Err(why) => {
            support::skip::skipped(
                "corpus_decode_counts_meet_thresholds",
                &format!("shared corpus unavailable: {why}"),
            );
            return;
        }
    };
    let mut upright = std::collections::BTreeMap::new();
    let mut all = 0;
    for quarter in 0..4 {
        for s in &samples {
            let (w, h, px) = corpus::rotate(s.width, s.height, &s.luma, quarter);
            let ok = scan(&Frame::packed(&px, w, h).unwrap()).iter().any(|c| c.text == s.expected);
            all += ok as usize;
            if quarter == 0 {
                *upright.entry(s.category.as_str()).or_insert(0) += ok as usize;
            }
        }
    }
    eprintln!("corpus: upright {upright:?}, all rotations {all}/{}", 4 * samples.len());
    for (cat, min) in UPRIGHT_MIN {
        let got = upright.get(cat).copied().unwrap_or(0);
        assert!(got >= min, "{cat}: {got} upright, want at least {min}");
    }
    assert!(upright.values().sum::<usize>() >= 125);
    assert!(all >= ALL_ROTATIONS_MIN, "{all} over four rotations, want at least {ALL_ROTATIONS_MIN}");
}
