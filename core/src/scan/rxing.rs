//! The rxing engine: a pure-Rust port of ZXing, here with its zxing-cpp–derived QR reader.

use std::collections::HashSet;

use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::multi::MultipleBarcodeReader;
use rxing::qrcode::cpp_port::QrReader;
use rxing::qrcode::QRCodeReader;
use rxing::{
    BarcodeFormat, Binarizer, BinaryBitmap, DecodeHints, Luma8Source, RXingResult, RXingResultMetadataType,
    RXingResultMetadataValue, Reader,
};

use super::engine::{Code, Engine};
use super::frame::{Plane, Point};

/// How rxing turns grey into black and white.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binarization {
    /// Local thresholds per 8×8 block: robust to uneven light (ZXing's default).
    Hybrid,
    /// One threshold from the row histogram: better on low-contrast, evenly lit codes.
    GlobalHistogram,
}

/// rxing's QR reader with a choice of binarizer and effort.
#[derive(Debug, Clone, Copy)]
pub struct RxingEngine {
    /// Which binarizer runs first.
    pub binarization: Binarization,
    /// Scan every row for finder patterns and try the classic ZXing reader too (slower, finds more).
    pub try_harder: bool,
}

impl RxingEngine {
    /// The thorough setting for still images.
    pub fn thorough() -> Self {
        RxingEngine { binarization: Binarization::Hybrid, try_harder: true }
    }

    /// The quick setting for the live first pass.
    pub fn fast() -> Self {
        RxingEngine { binarization: Binarization::Hybrid, try_harder: false }
    }

    fn hints(&self) -> DecodeHints {
        DecodeHints {
            TryHarder: Some(self.try_harder),
            PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
            ..Default::default()
        }
    }

    fn decode_with<B: Binarizer>(&self, mut bitmap: BinaryBitmap<B>) -> Vec<Code> {
        let hints = self.hints();
        let mut found = QrReader.decode_multiple_with_hints(&mut bitmap, &hints).unwrap_or_default();
        if found.is_empty() && self.try_harder {
            // The classic ZXing detector samples differently and rescues some tilted codes.
            if let Ok(r) = QRCodeReader.decode_with_hints(&mut bitmap, &hints) {
                found.push(r);
            }
        }
        found.iter().map(to_code).collect()
    }
}

impl Engine for RxingEngine {
    fn name(&self) -> &'static str {
        match (self.binarization, self.try_harder) {
            (Binarization::Hybrid, true) => "rxing",
            (Binarization::Hybrid, false) => "rxing-fast",
            (Binarization::GlobalHistogram, _) => "rxing-global",
        }
    }

    fn decode(&self, plane: &Plane) -> Vec<Code> {
        let Ok(source) = Luma8Source::new_with_slice(plane.pixels(), plane.width(), plane.height()) else {
            return Vec::new();
        };
        match self.binarization {
            Binarization::Hybrid => self.decode_with(BinaryBitmap::new(HybridBinarizer::new(source))),
            Binarization::GlobalHistogram => self.decode_with(BinaryBitmap::new(GlobalHistogramBinarizer::new(source))),
        }
    }
}

fn to_code(r: &RXingResult) -> Code {
    let text = r.getText().to_owned();
    let bytes = match r.getRXingResultMetadata().get(&RXingResultMetadataType::BYTE_SEGMENTS) {
        Some(RXingResultMetadataValue::ByteSegments(segs)) if !segs.is_empty() => segs.concat(),
        _ => text.as_bytes().to_vec(),
    };
    Code { text, bytes, corners: corners(r.getPoints()), engine: "rxing" }
}

/// The zxing-cpp–style reader reports the four corners; the classic reader the three finder
/// centres (bottom-left, top-left, top-right), from which we complete the parallelogram.
fn corners(points: &[rxing::Point]) -> [Point; 4] {
    let p = |i: usize| points.get(i).map(|q| Point { x: q.x, y: q.y }).unwrap_or_default();
    if points.len() == 4 {
        [p(0), p(1), p(2), p(3)]
    } else {
        let (bl, tl, tr) = (p(0), p(1), p(2));
        let br = Point { x: tr.x + bl.x - tl.x, y: tr.y + bl.y - tl.y };
        [tl, tr, br, bl]
    }
}
