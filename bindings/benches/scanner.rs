//! The Scanner's call overhead, Rust side: `koban_ffi::Scanner::scan_frame` called directly
//! (the same object the apps get, without the FFI), on the 1080p frames that the Kotlin and
//! Swift benchmarks read too. `scripts/bench-scanner.sh` runs all three and prints the table.
//!
//! ```text
//! cargo bench -p koban-ffi --features test-hooks --bench scanner -- write-frames [DIR]
//! cargo bench -p koban-ffi --features test-hooks --bench scanner -- measure [DIR]
//! ```
//!
//! `DIR` defaults to `build/bench`; with no command it writes the frames if they are missing,
//! then measures. Each frame is `NAME.luma` (the luma plane, `stride * height` bytes),
//! `NAME.meta` (`key=value` lines: width, height, stride, source) and, for a frame that holds a
//! code, `NAME.txt` (the text the scanner must read). Every language prints one
//! `result lang=… frame=… n=… median_ms=… p90_ms=… found=…/…` line per frame; figures only,
//! timings are never asserted.

#[path = "../../core/tests/support/synth.rs"]
mod synth;

use std::path::{Path, PathBuf};
use std::time::Instant;

use koban_ffi::{FrameRotation, Scanner};

const WIDTH: u32 = 1920;
const HEIGHT: u32 = 1080;
/// The frames, in the order every language measures them.
const FRAMES: [&str; 2] = ["frame-1080p", "frame-1080p-nocode"];
/// The corpus picture tried first (the one the Kotlin and Swift suites scan); the rest of the
/// manifest follows in order if it does not scan on every frame once placed in 1080p.
const PREFERRED: &str = "qrcode-2/#1132.webp";

fn scan(scanner: &Scanner, luma: &[u8], meta: &Meta) -> Vec<koban_ffi::ScannedCode> {
    let size = |v: u32| i32::try_from(v).expect("frame sizes fit in i32");
    scanner
        .scan_frame(luma, size(meta.width), size(meta.height), size(meta.stride), FrameRotation::Deg0)
        .expect("valid frame geometry")
}

struct Meta {
    width: u32,
    height: u32,
    stride: u32,
    source: String,
}

fn read_frame(dir: &Path, name: &str) -> (Meta, Vec<u8>, Option<String>) {
    let meta_path = dir.join(format!("{name}.meta"));
    let text = std::fs::read_to_string(&meta_path)
        .unwrap_or_else(|e| panic!("{}: {e} (run write-frames first)", meta_path.display()));
    let get = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
            .unwrap_or_else(|| panic!("{}: no {key}", meta_path.display()))
    };
    let num = |key: &str| get(key).parse::<u32>().unwrap_or_else(|e| panic!("{}: {key}: {e}", meta_path.display()));
    let meta =
        Meta { width: num("width"), height: num("height"), stride: num("stride"), source: get("source").to_owned() };
    let luma = std::fs::read(dir.join(format!("{name}.luma"))).expect("frame luma");
    assert_eq!(luma.len(), (meta.stride * meta.height) as usize, "{name}.luma has the wrong size");
    let expected = std::fs::read_to_string(dir.join(format!("{name}.txt"))).ok();
    (meta, luma, expected)
}

fn write_frame(dir: &Path, name: &str, luma: &[u8], source: &str, expected: Option<&str>) {
    std::fs::write(dir.join(format!("{name}.luma")), luma).expect("write luma");
    let meta = format!("width={WIDTH}\nheight={HEIGHT}\nstride={WIDTH}\nsource={source}\n");
    std::fs::write(dir.join(format!("{name}.meta")), meta).expect("write meta");
    let txt = dir.join(format!("{name}.txt"));
    match expected {
        Some(t) => std::fs::write(&txt, t).expect("write text"),
        None => {
            let _ = std::fs::remove_file(&txt);
        }
    }
}

/// The desk-like scene both frames share (gradient, boxes, blur, sensor noise): without a code it
/// is the frame with no code, the scanner's worst case (every frame pays the first pass and a retry).
fn desk() -> Vec<u8> {
    synth::render(&synth::Scene::camera(WIDTH as usize, HEIGHT as usize, false, 0.0, 2), "", 6)
}

/// Scales a picture to fit the 1080p frame (the whole code stays in view) and lays it over the
/// middle of the desk scene.
fn place_1080p(img: &image::GrayImage) -> Vec<u8> {
    let scale = (WIDTH as f32 / img.width() as f32).min(HEIGHT as f32 / img.height() as f32);
    let (w, h) = (
        ((img.width() as f32 * scale) as u32).clamp(1, WIDTH),
        ((img.height() as f32 * scale) as u32).clamp(1, HEIGHT),
    );
    let pic = image::imageops::resize(img, w, h, image::imageops::FilterType::Triangle);
    let mut frame = image::GrayImage::from_raw(WIDTH, HEIGHT, desk()).expect("desk is 1080p");
    image::imageops::overlay(&mut frame, &pic, ((WIDTH - w) / 2).into(), ((HEIGHT - h) / 2).into());
    frame.into_raw()
}

/// True when a fresh scanner reads `expected` on each of 8 successive frames: then the cheap first
/// pass reads it (the rotating retries include an inverted pass that cannot), so every measured
/// call does the same work in every language.
fn first_pass_reads(luma: &[u8], expected: &str) -> bool {
    let scanner = Scanner::new();
    let meta = Meta { width: WIDTH, height: HEIGHT, stride: WIDTH, source: String::new() };
    (0..8).all(|_| scan(&scanner, luma, &meta).iter().any(|c| c.text == expected))
}

fn corpus_dir() -> PathBuf {
    let shared = std::env::var_os("KOBAN_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    shared.join("corpus/qr-zxing-cpp")
}

/// The first corpus picture (the preferred one, then manifest order) that the scanner reads on
/// every frame once placed in a 1080p frame; `Err` says why there is none.
fn corpus_frame() -> Result<(String, String, Vec<u8>), String> {
    let dir = corpus_dir();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv"))
        .map_err(|e| format!("{}: {e}", dir.join("MANIFEST.tsv").display()))?;
    let mut rows: Vec<(String, String)> = manifest
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            // qrcode-7 is structured append: one symbol is not the whole text.
            (cols.len() >= 5 && cols[4] != "qrcode-7").then(|| (cols[0].to_owned(), cols[1].to_owned()))
        })
        .collect();
    if let Some(i) = rows.iter().position(|(f, _)| f == PREFERRED) {
        let r = rows.remove(i);
        rows.insert(0, r);
    }
    for (file, text_file) in rows {
        let Ok(expected) = std::fs::read_to_string(dir.join(&text_file)) else { continue };
        let Ok(img) = image::open(dir.join(&file)) else { continue };
        let luma = place_1080p(&img.to_luma8());
        if first_pass_reads(&luma, &expected) {
            return Ok((file, expected, luma));
        }
        eprintln!("note: {file} does not scan on every frame at 1080p; trying the next picture");
    }
    Err(format!("no picture in {} scans on every frame at 1080p", dir.display()))
}

fn write_frames(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create the frame directory");
    match corpus_frame() {
        Ok((file, expected, luma)) => {
            write_frame(dir, FRAMES[0], &luma, &format!("corpus qr-zxing-cpp/{file}"), Some(&expected))
        }
        Err(why) => {
            eprintln!("*** FALLBACK: {why}.");
            eprintln!(
                "*** The code frame is a synthetic camera scene with a code drawn by the qrcode crate, not a photo."
            );
            let text = synth::emv_payload();
            let luma = synth::render(&synth::Scene::camera(WIDTH as usize, HEIGHT as usize, true, 0.0, 2), &text, 6);
            assert!(first_pass_reads(&luma, &text), "the synthetic code frame does not scan");
            write_frame(dir, FRAMES[0], &luma, "synthetic (qrcode crate): corpus absent", Some(&text));
        }
    }
    let luma = desk();
    let scanner = Scanner::new();
    let meta = Meta { width: WIDTH, height: HEIGHT, stride: WIDTH, source: String::new() };
    assert!((0..8).all(|_| scan(&scanner, &luma, &meta).is_empty()), "the frame without a code scans as a code");
    write_frame(dir, FRAMES[1], &luma, "synthetic desk scene (core/tests/support/synth.rs), no code", None);
}

/// Median and 90th percentile, by the same nearest-rank rule in all three languages.
fn stats(ms: &mut [f64]) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms[ms.len() * 9 / 10])
}

fn measure(dir: &Path, warmup: usize, iters: usize) {
    for name in FRAMES {
        let (meta, luma, expected) = read_frame(dir, name);
        let scanner = Scanner::new();
        let mut found = 0;
        let mut ms = Vec::with_capacity(iters);
        for i in 0..warmup + iters {
            let t = Instant::now();
            let codes = scan(&scanner, &luma, &meta);
            let elapsed = t.elapsed().as_secs_f64() * 1e3;
            if i >= warmup {
                ms.push(elapsed);
                found += codes.iter().any(|c| Some(&c.text) == expected.as_ref()) as usize;
            }
        }
        let (median, p90) = stats(&mut ms);
        println!(
            "result lang=rust frame={name} n={iters} median_ms={median:.3} p90_ms={p90:.3} found={found}/{}",
            if expected.is_some() { iters } else { 0 }
        );
        eprintln!("{name}: {}", meta.source);
    }
}

fn main() {
    // `cargo bench` appends `--bench`; flags are ignored, positional arguments are the command.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let default_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../build/bench");
    let dir = args.get(1).map(PathBuf::from).unwrap_or(default_dir);
    let env_num = |k: &str, d: usize| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    let (warmup, iters) = (env_num("KOBAN_BENCH_WARMUP", 40), env_num("KOBAN_BENCH_ITERS", 200));
    match args.first().map(String::as_str) {
        Some("write-frames") => write_frames(&dir),
        Some("measure") => measure(&dir, warmup, iters),
        // Plain `cargo bench`: write the frames if they are not there yet, then measure.
        None => {
            if !FRAMES.iter().all(|f| dir.join(format!("{f}.meta")).exists()) {
                write_frames(&dir);
            }
            measure(&dir, warmup, iters)
        }
        Some(other) => {
            eprintln!("unknown command {other}: write-frames [DIR] | measure [DIR]");
            std::process::exit(2);
        }
    }
}
