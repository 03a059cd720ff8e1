//! The shared zxing-cpp sample corpus, read where it lies (never copied into the repo).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// One upright image with its expected text.
pub struct Sample {
    pub file: String,
    pub category: String,
    pub expected: String,
    pub width: u32,
    pub height: u32,
    pub luma: Vec<u8>,
}

/// The corpus directory: `$KOBAN_SHARED/corpus/qr-zxing-cpp`, by default `../shared` beside the repo.
pub fn dir() -> PathBuf {
    let shared = std::env::var_os("KOBAN_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    shared.join("corpus/qr-zxing-cpp")
}

/// Loads categories 1–6 (7 is structured append, excluded); `Err` says why it is unavailable.
pub fn load() -> Result<Vec<Sample>, String> {
    let dir = dir();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv"))
        .map_err(|e| format!("{}: {e}", dir.join("MANIFEST.tsv").display()))?;
    let mut out = Vec::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [file, expected, _, _, category] = cols[..] else { continue };
        if category == "qrcode-7" {
            continue;
        }
        let expected = std::fs::read_to_string(dir.join(expected)).map_err(|e| format!("{expected}: {e}"))?;
        let img = image::open(dir.join(file)).map_err(|e| format!("{file}: {e}"))?.to_luma8();
        out.push(Sample {
            file: file.to_owned(),
            category: category.to_owned(),
            expected,
            width: img.width(),
            height: img.height(),
            luma: img.into_raw(),
        });
    }
    Ok(out)
}

/// Rotates a packed luma plane by `quarter` × 90° clockwise; returns (width, height, pixels).
pub fn rotate(w: u32, h: u32, px: &[u8], quarter: u32) -> (u32, u32, Vec<u8>) {
    let (w, h) = (w as usize, h as usize);
    match quarter % 4 {
        0 => (w as u32, h as u32, px.to_vec()),
        2 => (w as u32, h as u32, px.iter().rev().copied().collect()),
        q => {
            let mut out = vec![0u8; w * h];
            for y in 0..h {
                for x in 0..w {
                    // 90° cw: (x, y) -> (h-1-y, x); 270° cw: (x, y) -> (y, w-1-x). New width is h.
                    let (nx, ny) = if q == 1 { (h - 1 - y, x) } else { (y, w - 1 - x) };
                    out[ny * h + nx] = px[y * w + x];
                }
            }
            (h as u32, w as u32, out)
        }
    }
}

/// Categories in order.
pub const CATEGORIES: [&str; 6] = ["qrcode-1", "qrcode-2", "qrcode-3", "qrcode-4", "qrcode-5", "qrcode-6"];
