//! Synthetic camera frames with one QR code, generated deterministically (no stored images).
#![allow(dead_code)]

use qrcode::{EcLevel, QrCode, Version};

/// An EMV merchant-presented payload (Singapore-style PayNow) without its CRC value; 157 characters with it.
pub const EMV_PAYLOAD: &str = "00020101021226490009SG.PAYNOW010120210201234567W03010040820271231520400005303702540512.505802SG5919KOBAN TEST MERCHANT6009SINGAPORE62140110INV-0000016304";

/// The payload with a valid CRC-16/CCITT-FALSE appended (EMVCo Book 4.7.3).
pub fn emv_payload() -> String {
    let mut crc: u16 = 0xffff;
    for b in EMV_PAYLOAD.bytes() {
        crc ^= (b as u16) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
        }
    }
    format!("{EMV_PAYLOAD}{crc:04X}")
}

/// Dark/light modules of `text` at `version` (lowest error correction level that fits).
pub fn modules(text: &str, version: i16) -> (usize, Vec<bool>) {
    let code = [EcLevel::M, EcLevel::L]
        .iter()
        .find_map(|&ec| QrCode::with_version(text, Version::Normal(version), ec).ok())
        .expect("payload fits the version");
    let w = code.width();
    let dark = code.to_colors().iter().map(|c| *c == qrcode::Color::Dark).collect();
    (w, dark)
}

/// Deterministic xorshift64* noise source.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    /// Roughly normal with standard deviation 1 (Irwin–Hall of 4).
    pub fn normal(&mut self) -> f32 {
        ((0..4).map(|_| self.unit()).sum::<f32>() - 2.0) * 1.732
    }
}

/// What to draw.
#[derive(Debug, Clone, Copy)]
pub struct Scene {
    pub width: usize,
    pub height: usize,
    /// Pixels per module; `None` for a frame without a code.
    pub module_px: Option<f32>,
    /// Out-of-plane tilt in degrees: the code leans back about its horizontal axis, seen in
    /// perspective by a camera 1.5 frame heights away (the phone held at an angle).
    pub tilt_deg: f32,
    /// In-plane rotation in degrees (the phone turned).
    pub roll_deg: f32,
    /// Gaussian blur sigma in pixels.
    pub blur: f32,
    /// Noise standard deviation in grey levels.
    pub noise: f32,
    /// Darkest and lightest grey after contrast squeezing.
    pub range: (u8, u8),
    /// Light modules on a dark ground.
    pub inverted: bool,
    pub seed: u64,
}

impl Scene {
    /// The frame: 1080p at 8 px/module or 720p at 5, σ 1.2 blur, noise, contrast 45–205.
    pub fn camera(width: usize, height: usize, with_code: bool, tilt_deg: f32, seed: u64) -> Scene {
        let module = if height >= 1080 { 8.0 } else { 5.0 };
        Scene {
            width,
            height,
            module_px: with_code.then_some(module),
            tilt_deg,
            roll_deg: 10.0,
            blur: 1.2,
            noise: 6.0,
            range: (45, 205),
            inverted: false,
            seed,
        }
    }
}

/// Renders the scene: a cluttered desk-like background (gradient and boxes), the code in the
/// middle (quiet zone 4 modules), 2×2 supersampled, blurred, contrast-squeezed and noised.
pub fn render(scene: &Scene, text: &str, version: i16) -> Vec<u8> {
    let (w, h) = (scene.width, scene.height);
    let mut rng = Rng::new(scene.seed);
    // Background in 0..1 (1 = white): a light gradient with a few darker rectangles.
    let boxes: Vec<(f32, f32, f32, f32, f32)> = (0..12)
        .map(|_| {
            let (x, y) = (rng.unit() * w as f32, rng.unit() * h as f32);
            (x, y, x + 40.0 + rng.unit() * 300.0, y + 20.0 + rng.unit() * 200.0, 0.3 + rng.unit() * 0.5)
        })
        .collect();
    let code = scene.module_px.map(|m| (m, modules(text, version)));
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let (sin, cos) = scene.roll_deg.to_radians().sin_cos();
    let (tsin, tcos) = scene.tilt_deg.to_radians().sin_cos();
    // Camera distance = focal length, in pixels: the code's centre keeps `module_px` per module.
    let dist = 1.5 * h as f32;
    let shade = |x: f32, y: f32| -> f32 {
        if let Some((m, (n, dark))) = &code {
            // Into code coordinates, in modules from the symbol's top-left corner.
            let (dx, dy) = (x - cx, y - cy);
            // Undo the roll, then the perspective of a plane tilted by `tilt` about the x axis:
            // a plane point (X, Y) projects to (f·X/Z, f·Y·cos/Z) with Z = f + Y·sin and f = dist.
            let (rx, ry) = (dx * cos + dy * sin, -dx * sin + dy * cos);
            let denom = dist * tcos - ry * tsin;
            if denom <= 0.0 {
                return 0.5;
            }
            let py = ry * dist / denom;
            let px = rx * (dist + py * tsin) / dist;
            let u = px / m + *n as f32 / 2.0;
            let v = py / m + *n as f32 / 2.0;
            let quiet = 4.0;
            if u >= -quiet && v >= -quiet && u < *n as f32 + quiet && v < *n as f32 + quiet {
                let light = !(u >= 0.0
                    && v >= 0.0
                    && (u as usize) < *n
                    && (v as usize) < *n
                    && dark[v as usize * n + u as usize]);
                return if light != scene.inverted { 1.0 } else { 0.0 };
            }
        }
        let mut s = 0.75 + 0.2 * (x / w as f32) - 0.1 * (y / h as f32);
        for &(x0, y0, x1, y1, g) in &boxes {
            if x >= x0 && x < x1 && y >= y0 && y < y1 {
                s = g;
            }
        }
        s
    };
    let mut img: Vec<f32> = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let (fx, fy) = (x as f32, y as f32);
            let s = shade(fx + 0.25, fy + 0.25)
                + shade(fx + 0.75, fy + 0.25)
                + shade(fx + 0.25, fy + 0.75)
                + shade(fx + 0.75, fy + 0.75);
            img.push(s / 4.0);
        }
    }
    let img = blur(&img, w, h, scene.blur);
    let (lo, hi) = (scene.range.0 as f32, scene.range.1 as f32);
    img.iter().map(|&s| (lo + s * (hi - lo) + rng.normal() * scene.noise).round().clamp(0.0, 255.0) as u8).collect()
}

/// Separable Gaussian blur with clamped edges.
pub fn blur(src: &[f32], w: usize, h: usize, sigma: f32) -> Vec<f32> {
    if sigma <= 0.0 {
        return src.to_vec();
    }
    let r = (sigma * 3.0).ceil() as isize;
    let k: Vec<f32> = (-r..=r).map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp()).collect();
    let norm: f32 = k.iter().sum();
    let pass = |src: &[f32], horizontal: bool| -> Vec<f32> {
        let mut out = vec![0.0; w * h];
        for y in 0..h as isize {
            for x in 0..w as isize {
                let mut acc = 0.0;
                for (i, kv) in k.iter().enumerate() {
                    let d = i as isize - r;
                    let (sx, sy) = if horizontal {
                        ((x + d).clamp(0, w as isize - 1), y)
                    } else {
                        (x, (y + d).clamp(0, h as isize - 1))
                    };
                    acc += kv * src[sy as usize * w + sx as usize];
                }
                out[y as usize * w + x as usize] = acc / norm;
            }
        }
        out
    };
    pass(&pass(src, true), false)
}

/// A clean code rendering: `scale` px per module, quiet zone 4, black on white.
pub fn clean(text: &str, version: i16, scale: usize) -> (usize, Vec<u8>) {
    let (n, dark) = modules(text, version);
    let side = (n + 8) * scale;
    let mut px = vec![255u8; side * side];
    for y in 0..side {
        for x in 0..side {
            let (u, v) = ((x / scale) as isize - 4, (y / scale) as isize - 4);
            if u >= 0 && v >= 0 && (u as usize) < n && (v as usize) < n && dark[v as usize * n + u as usize] {
                px[y * side + x] = 0;
            }
        }
    }
    (side, px)
}
