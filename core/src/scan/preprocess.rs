//! Image transforms tried when the engines find nothing in the plane as captured.

use super::frame::{box_shrink, Plane};

/// A transform applied to a plane before an engine reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    /// The plane as captured.
    Identity,
    /// Box-average down by this factor: fine-module photos, noise, halftone prints.
    Downscale(u32),
    /// Bilinear up by 2: codes with fewer than ~3 pixels per module.
    Upscale2,
    /// Black where darker than the local mean: uneven light, glare gradients.
    LocalMean,
    /// One global Otsu threshold: low-contrast, evenly lit codes.
    Otsu,
    /// Light modules on dark ground (screens in dark mode, some printed stickers).
    Invert,
}

impl Transform {
    /// Applies the transform; `None` when it does not apply (plane too small to shrink, too big to grow).
    pub fn apply(self, p: &Plane) -> Option<Plane> {
        match self {
            Transform::Identity => Some(p.clone()),
            Transform::Downscale(f) => downscale(p, f),
            Transform::Upscale2 => upscale2(p),
            Transform::LocalMean => Some(local_mean(p)),
            Transform::Otsu => Some(otsu(p)),
            Transform::Invert => {
                Some(p.derived(p.width(), p.height(), p.pixels().iter().map(|v| 255 - v).collect(), p.map))
            }
        }
    }
}

/// Smallest side worth decoding: a version-1 code is 21 modules.
const MIN_SIDE: u32 = 21;
/// Largest side we upscale to, to bound memory and time on large stills.
const MAX_UPSCALED_SIDE: u32 = 4096;

fn downscale(p: &Plane, f: u32) -> Option<Plane> {
    let (w, h) = (p.width() / f, p.height() / f);
    if f < 2 || w < MIN_SIDE || h < MIN_SIDE {
        return None;
    }
    let out = box_shrink(p.pixels(), p.width() as usize, w as usize, h as usize, f as usize);
    Some(p.derived(w, h, out, p.map.resized(1.0 / f as f32)))
}

fn upscale2(p: &Plane) -> Option<Plane> {
    let (sw, sh) = (p.width() as usize, p.height() as usize);
    let (w, h) = (sw * 2, sh * 2);
    if w > MAX_UPSCALED_SIDE as usize || h > MAX_UPSCALED_SIDE as usize {
        return None;
    }
    let src = p.pixels();
    let at = |x: usize, y: usize| src[y.min(sh - 1) * sw + x.min(sw - 1)] as u32;
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        let (sy, fy) = (y / 2, (y % 2) as u32); // fy: 0 = on the source row, 1 = halfway down
        for x in 0..w {
            let (sx, fx) = (x / 2, (x % 2) as u32);
            let v = (at(sx, sy) * (2 - fx) * (2 - fy)
                + at(sx + 1, sy) * fx * (2 - fy)
                + at(sx, sy + 1) * (2 - fx) * fy
                + at(sx + 1, sy + 1) * fx * fy)
                / 4;
            out.push(v as u8);
        }
    }
    Some(p.derived(w as u32, h as u32, out, p.map.resized(2.0)))
}

/// Thresholds each pixel against the mean of a window about 1/8 of the short side (odd, ≥ 15),
/// minus a small bias so flat light areas stay white.
fn local_mean(p: &Plane) -> Plane {
    let (w, h) = (p.width() as usize, p.height() as usize);
    let src = p.pixels();
    // Integral image in u64: a 16384² plane of 255s overflows u32.
    let mut integral = vec![0u64; (w + 1) * (h + 1)];
    for y in 0..h {
        let mut row = 0u64;
        for x in 0..w {
            row += src[y * w + x] as u64;
            integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
        }
    }
    let r = ((w.min(h) / 16).max(7)) as isize;
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h as isize {
        let (y0, y1) = ((y - r).max(0) as usize, ((y + r + 1) as usize).min(h));
        for x in 0..w as isize {
            let (x0, x1) = ((x - r).max(0) as usize, ((x + r + 1) as usize).min(w));
            let sum = integral[y1 * (w + 1) + x1] + integral[y0 * (w + 1) + x0]
                - integral[y0 * (w + 1) + x1]
                - integral[y1 * (w + 1) + x0];
            let mean = sum / ((x1 - x0) * (y1 - y0)) as u64;
            let v = src[y as usize * w + x as usize] as u64;
            out.push(if v + 4 < mean { 0 } else { 255 });
        }
    }
    p.derived(p.width(), p.height(), out, p.map)
}

fn otsu(p: &Plane) -> Plane {
    let mut hist = [0u64; 256];
    for &v in p.pixels() {
        hist[v as usize] += 1;
    }
    let total = p.pixels().len() as f64;
    let sum_all: f64 = hist.iter().enumerate().map(|(i, &c)| i as f64 * c as f64).sum();
    let (mut w_bg, mut sum_bg, mut best, mut threshold) = (0.0, 0.0, -1.0, 128u8);
    for (t, &c) in hist.iter().enumerate() {
        w_bg += c as f64;
        if w_bg == 0.0 || w_bg == total {
            continue;
        }
        sum_bg += t as f64 * c as f64;
        let w_fg = total - w_bg;
        let diff = sum_bg / w_bg - (sum_all - sum_bg) / w_fg;
        let between = w_bg * w_fg * diff * diff;
        if between > best {
            best = between;
            threshold = t as u8;
        }
    }
    let out = p.pixels().iter().map(|&v| if v <= threshold { 0 } else { 255 }).collect();
    p.derived(p.width(), p.height(), out, p.map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::frame::Point;

    fn plane(w: u32, h: u32, f: impl Fn(u32, u32) -> u8) -> Plane {
        let px = (0..h).flat_map(|y| (0..w).map(move |x| (x, y))).map(|(x, y)| f(x, y)).collect();
        Plane::new(w, h, px).unwrap()
    }

    #[test]
    fn scales_keep_the_map_to_the_frame() {
        let p = plane(64, 48, |x, _| x as u8);
        let d = Transform::Downscale(2).apply(&p).unwrap();
        assert_eq!((d.width(), d.height()), (32, 24));
        assert_eq!(d.pixels()[1], 2); // mean of columns 2 and 3 is 2.5, floored
        assert_eq!(d.map.apply(Point { x: 1.0, y: 1.0 }), Point { x: 2.0, y: 2.0 });
        let u = Transform::Upscale2.apply(&p).unwrap();
        assert_eq!((u.width(), u.height()), (128, 96));
        assert_eq!(&u.pixels()[..4], &[0, 0, 1, 1]);
        assert_eq!(u.map.apply(Point { x: 4.0, y: 2.0 }), Point { x: 2.0, y: 1.0 });
        assert!(Transform::Downscale(4).apply(&plane(40, 40, |_, _| 0)).is_none());
    }

    #[test]
    fn thresholds_split_dark_from_light() {
        // A module-sized dark square on a light ground with a left-to-right light gradient.
        let p = plane(64, 64, |x, y| {
            let base = 120 + x as u8;
            if (28..34).contains(&x) && (28..34).contains(&y) {
                base - 60
            } else {
                base
            }
        });
        for t in [Transform::LocalMean, Transform::Otsu] {
            let b = t.apply(&p).unwrap();
            assert_eq!(b.pixels()[31 * 64 + 31], 0, "{t:?} centre of square");
            assert_eq!(b.pixels()[5 * 64 + 60], 255, "{t:?} background");
        }
        assert_eq!(Transform::Invert.apply(&p).unwrap().pixels()[0], 255 - 120);
    }
}
