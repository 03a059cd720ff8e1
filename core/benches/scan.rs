//! Scanning benchmark: corpus decode rates (four rotations) and live-frame timings, with rqrr
//! alone measured in the same run as the baseline.
//!
//! `cargo bench -p koban-core --bench scan [-- corpus|frames]`. The corpus is read from
//! `../shared/corpus/qr-zxing-cpp`; without it that part is skipped with a message.

#[path = "../tests/support/corpus.rs"]
mod corpus;
#[path = "../tests/support/synth.rs"]
mod synth;

use std::time::Instant;

use koban_core::scan::{still_steps, Frame, RqrrEngine, Scanner, Step, Transform};

const BASELINE: Step = Step { transform: Transform::Identity, engine: &RqrrEngine };

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Outcome of one step on one image: found anything, found the expected text, milliseconds.
#[derive(Clone, Copy)]
struct Try {
    found: bool,
    correct: bool,
    ms: f64,
}

fn attempt(step: &Step, plane: &koban_core::scan::Plane, expected: &str) -> Try {
    let t = Instant::now();
    let codes = step.run(plane);
    let ms = t.elapsed().as_secs_f64() * 1e3;
    Try { found: !codes.is_empty(), correct: codes.iter().any(|c| c.text == expected), ms }
}

fn corpus_section() {
    let samples = match corpus::load() {
        Ok(s) => s,
        Err(why) => {
            println!("SKIPPED corpus benchmark: corpus not available ({why})");
            return;
        }
    };
    let steps = still_steps();
    println!("== corpus: {} upright images, 4 rotations, cascade of {} steps", samples.len(), steps.len());
    // results[rotation][sample] = (baseline, per-step tries)
    let mut results = Vec::new();
    for quarter in 0..4 {
        let mut per = Vec::new();
        for s in &samples {
            let (w, h, px) = corpus::rotate(s.width, s.height, &s.luma, quarter);
            let plane = Frame::packed(&px, w, h).expect("valid").to_plane(1);
            let base = attempt(&BASELINE, &plane, &s.expected);
            let tries: Vec<Try> = steps.iter().map(|st| attempt(st, &plane, &s.expected)).collect();
            per.push((base, tries));
        }
        results.push(per);
    }
    // The cascade stops at the first step that finds anything.
    let cascade = |tries: &[Try]| -> (bool, f64) {
        let mut ms = 0.0;
        for t in tries {
            ms += t.ms;
            if t.found {
                return (t.correct, ms);
            }
        }
        (false, ms)
    };
    println!(
        "{:<10} {:>4} | {:>22} | {:>22} | {:>22}",
        "category", "n", "rqrr alone 0/90/180/270", "rxing alone", "cascade"
    );
    let mut totals = [[0usize; 4]; 3];
    for cat in corpus::CATEGORIES {
        let idx: Vec<usize> = (0..samples.len()).filter(|&i| samples[i].category == cat).collect();
        let mut row = [[0usize; 4]; 3];
        for q in 0..4 {
            for &i in &idx {
                let (base, tries) = &results[q][i];
                row[0][q] += base.correct as usize;
                row[1][q] += tries[0].correct as usize;
                row[2][q] += cascade(tries).0 as usize;
            }
        }
        for k in 0..3 {
            for q in 0..4 {
                totals[k][q] += row[k][q];
            }
        }
        let fmt = |r: [usize; 4]| format!("{:>3}/{:>3}/{:>3}/{:>3}", r[0], r[1], r[2], r[3]);
        println!("{cat:<10} {:>4} | {:>22} | {:>22} | {:>22}", idx.len(), fmt(row[0]), fmt(row[1]), fmt(row[2]));
    }
    let n = samples.len();
    let sum = |r: [usize; 4]| r.iter().sum::<usize>();
    for (k, name) in ["rqrr alone", "rxing alone", "cascade"].iter().enumerate() {
        println!(
            "{name:<12} upright {:>3}/{n} ({:.2}x rqrr)  all rotations {:>3}/{} ({:.2}x rqrr)",
            totals[k][0],
            totals[k][0] as f64 / totals[0][0] as f64,
            sum(totals[k]),
            4 * n,
            sum(totals[k]) as f64 / sum(totals[0]) as f64
        );
    }
    // What the second engine buys: the same cascade with the rqrr steps left out.
    let rxing_only: Vec<usize> = (0..steps.len()).filter(|&k| steps[k].engine.name() != "rqrr").collect();
    let without_rqrr = |q: usize| {
        results[q].iter().filter(|(_, t)| cascade(&rxing_only.iter().map(|&k| t[k]).collect::<Vec<_>>()).0).count()
    };
    let up = without_rqrr(0);
    let all: usize = (0..4).map(without_rqrr).sum();
    println!(
        "cascade without rqrr steps: upright {up:>3}/{n} ({:.2}x rqrr)  all rotations {all:>3}/{} ({:.2}x rqrr)",
        up as f64 / totals[0][0] as f64,
        4 * n,
        all as f64 / sum(totals[0]) as f64
    );
    let mut base_ms: Vec<f64> = results.iter().flatten().map(|(b, _)| b.ms).collect();
    let mut casc_ms: Vec<f64> = results.iter().flatten().map(|(_, t)| cascade(t).1).collect();
    let mut first_ms: Vec<f64> = results.iter().flatten().map(|(_, t)| t[0].ms).collect();
    let (b, c, f) = (median(&mut base_ms), median(&mut casc_ms), median(&mut first_ms));
    println!("median ms/image: rqrr {b:.2}, rxing {f:.2} ({:.2}x), cascade {c:.2} ({:.2}x)", f / b, c / b);
    // What each step contributes: images it decodes that no earlier step found anything on.
    println!("step contributions (first finder in cascade order / correct anywhere / found-but-wrong):");
    for (k, st) in steps.iter().enumerate() {
        let mut first = 0;
        let mut any = 0;
        let mut wrong = 0;
        for per in &results {
            for (_, tries) in per {
                any += tries[k].correct as usize;
                wrong += (tries[k].found && !tries[k].correct) as usize;
                if tries[k].found && tries[..k].iter().all(|t| !t.found) && tries[k].correct {
                    first += 1;
                }
            }
        }
        println!("  {k:>2} {:<28} {first:>4} {any:>4} {wrong:>4}", format!("{st:?}"));
    }
    println!("cascade misses:");
    for (q, per) in results.iter().enumerate() {
        for (i, (_, tries)) in per.iter().enumerate() {
            if !cascade(tries).0 {
                let found = tries.iter().any(|t| t.found);
                println!("  rot {:>3} {}{}", q * 90, samples[i].file, if found { " (wrong text)" } else { "" });
            }
        }
    }
}

fn frames_section() {
    let text = synth::emv_payload();
    println!("== live frames: v6 QR, {}-char EMV payload, perspective tilt (phone 1.5 frame heights away) and 10° roll, σ1.2 blur, noise σ6, contrast 45–205", text.len());
    println!(
        "{:<18} {:>9} {:>9} {:>7} | {:>13} {:>13} {:>14}",
        "frame", "rqrr ms", "scan ms", "ratio", "rqrr decoded", "frame 1", "within 4 frames"
    );
    let mut scenes = Vec::new();
    for (w, h) in [(1920usize, 1080usize), (1280, 720)] {
        for tilt in [0.0, 15.0, 35.0] {
            scenes.push((format!("{w}x{h} tilt {tilt:>2}°"), synth::Scene::camera(w, h, true, tilt, 0)));
        }
        scenes.push((format!("{w}x{h} no code"), synth::Scene::camera(w, h, false, 0.0, 0)));
    }
    // Hard codes the first pass misses: fine modules (4 px at 1080p, 2 after halving) and an inverted code.
    scenes.push((
        "1920x1080 4px/mod".into(),
        synth::Scene { module_px: Some(4.0), ..synth::Scene::camera(1920, 1080, true, 10.0, 0) },
    ));
    scenes.push((
        "1920x1080 3px/mod".into(),
        synth::Scene { module_px: Some(3.0), ..synth::Scene::camera(1920, 1080, true, 10.0, 0) },
    ));
    scenes.push((
        "1280x720 inverted".into(),
        synth::Scene { inverted: true, ..synth::Scene::camera(1280, 720, true, 10.0, 0) },
    ));
    {
        {
            for (label, scene) in scenes {
                let (w, h) = (scene.width, scene.height);
                let seeds: Vec<u64> = (1..=6).collect();
                let frames: Vec<Vec<u8>> = seeds
                    .iter()
                    .map(|&s| synth::render(&synth::Scene { seed: s * 7919 + w as u64, ..scene }, &text, 6))
                    .collect();
                let (mut base_ms, mut scan_ms) = (Vec::new(), Vec::new());
                let (mut base_ok, mut first_ok, mut within4) = (0, 0, 0);
                for px in &frames {
                    let frame = Frame::packed(px, w as u32, h as u32).unwrap();
                    let plane = frame.to_plane(1);
                    let b = attempt(&BASELINE, &plane, &text);
                    base_ms.push(b.ms);
                    base_ok += b.correct as usize;
                    // A fresh scanner sees the same scene for 4 frames (camera held still, new noise).
                    let mut scanner = Scanner::new();
                    let mut done = None;
                    for k in 0..4 {
                        let alt = &frames[(frames.iter().position(|f| f == px).unwrap() + k) % frames.len()];
                        let f = Frame::packed(alt, w as u32, h as u32).unwrap();
                        let t = Instant::now();
                        let codes = scanner.scan_frame(&f);
                        scan_ms.push(t.elapsed().as_secs_f64() * 1e3);
                        if done.is_none() && codes.iter().any(|c| c.text == text) {
                            done = Some(k);
                        }
                    }
                    first_ok += (done == Some(0)) as usize;
                    within4 += done.is_some() as usize;
                }
                let (bm, sm) = (median(&mut base_ms), median(&mut scan_ms));
                let n = frames.len();
                println!(
                    "{label:<18} {bm:>9.2} {sm:>9.2} {:>6.2}x | {:>9}/{n} {:>11}/{n} {:>12}/{n}",
                    sm / bm,
                    base_ok,
                    first_ok,
                    within4
                );
            }
        }
    }
}

static PANICS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn main() {
    // Engine panics are contained by the library; count them instead of printing each.
    std::panic::set_hook(Box::new(|_| {
        PANICS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }));
    let which: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let want = |s: &str| which.is_empty() || which.iter().any(|w| w == s);
    if want("corpus") {
        corpus_section();
    }
    if which.iter().any(|w| w == "parts") {
        parts_section();
    }
    if want("frames") {
        frames_section();
    }
    println!("engine panics contained: {}", PANICS.load(std::sync::atomic::Ordering::Relaxed));
}

#[allow(dead_code)]
fn parts_section() {
    use koban_core::scan::{Binarization, Engine, RxingEngine};
    let text = synth::emv_payload();
    for (w, h) in [(1920usize, 1080usize), (1280, 720)] {
        for (with_code, tilt) in [(true, 0.0), (true, 35.0), (false, 0.0)] {
            let px = synth::render(&synth::Scene::camera(w, h, with_code, tilt, 3), &text, 6);
            let frame = Frame::packed(&px, w as u32, h as u32).unwrap();
            let time = |name: &str, f: &mut dyn FnMut() -> usize| {
                let mut found = 0;
                let mut v: Vec<f64> = (0..5)
                    .map(|_| {
                        let t = Instant::now();
                        found = std::hint::black_box(f());
                        t.elapsed().as_secs_f64() * 1e3
                    })
                    .collect();
                println!("{w}x{h} code={with_code} tilt={tilt} {name:<30} {:.2} ms found {found}", median(&mut v));
            };
            time("to_plane(1)", &mut || frame.to_plane(1).pixels().len());
            time("to_plane(2)", &mut || frame.to_plane(2).pixels().len());
            let p1 = frame.to_plane(1);
            let p2 = frame.to_plane(2);
            time("rqrr half", &mut || RqrrEngine.decode(&p2).len());
            for (bin, th) in
                [(Binarization::Hybrid, false), (Binarization::Hybrid, true), (Binarization::GlobalHistogram, false)]
            {
                let e = RxingEngine { binarization: bin, try_harder: th };
                time(&format!("{bin:?} th={th} full"), &mut || e.decode(&p1).len());
                time(&format!("{bin:?} th={th} half"), &mut || e.decode(&p2).len());
                time(&format!("{bin:?} th={th} centre-quarter"), &mut || {
                    let c = frame
                        .with_roi(koban_core::scan::Rect {
                            x: w as u32 / 4,
                            y: h as u32 / 4,
                            width: w as u32 / 2,
                            height: h as u32 / 2,
                        })
                        .unwrap();
                    e.decode(&c.to_plane(1)).len()
                });
            }
        }
    }
}
