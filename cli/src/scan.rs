//! `koban scan`: decode still images and print what their QR codes say.

use std::path::Path;
use std::process::ExitCode;

use koban_core::scan::{scan, Frame};
use koban_core::scheme::detect;
use serde_json::{json, Map, Value};

/// One line of the report: a decoded text or why a file gave none.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// A code's decoded text.
    Text(String),
    /// The file could not be read, or held no readable code.
    Error(String),
}

/// Decodes the image file at `path` and scans it with the full still-image cascade.
pub fn scan_file(path: &Path) -> Vec<Outcome> {
    let img = match image::ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| e.to_string())
        .and_then(|r| r.decode().map_err(|e| e.to_string()))
    {
        Ok(img) => img.into_luma8(),
        Err(e) => return vec![Outcome::Error(format!("cannot read image: {e}"))],
    };
    let (w, h) = img.dimensions();
    let codes = match Frame::packed(img.as_raw(), w, h) {
        Ok(frame) => scan(&frame),
        Err(e) => return vec![Outcome::Error(e.to_string())],
    };
    if codes.is_empty() {
        return vec![Outcome::Error("no QR code found".into())];
    }
    codes.into_iter().map(|c| Outcome::Text(c.text)).collect()
}

/// The `--json` rendering: one object per code (or per failed file).
///
/// A code's object is `koban detect --json`'s output for its text (the same function renders
/// both, so the keys cannot drift apart) with `file` and `text` added. A file without a code
/// gets `error` in the shape detection errors use: `{"kind", "message"}`.
pub fn to_json(results: &[(String, Vec<Outcome>)]) -> Value {
    let items = results.iter().flat_map(|(file, outcomes)| {
        outcomes.iter().map(move |o| match o {
            Outcome::Text(t) => {
                let detected = match detect(t) {
                    Ok(d) => crate::json::detection(&d),
                    Err(e) => crate::json::error(&e),
                };
                let mut obj = Map::new();
                obj.insert("file".into(), json!(file));
                obj.insert("text".into(), json!(t));
                obj.extend(detected.as_object().cloned().unwrap_or_default());
                Value::Object(obj)
            }
            Outcome::Error(e) => json!({ "file": file, "error": { "kind": "scan", "message": e } }),
        })
    });
    Value::Array(items.collect())
}

/// Runs the subcommand; fails when any file gave no code.
pub fn run(images: &[std::path::PathBuf], as_json: bool) -> ExitCode {
    let results: Vec<(String, Vec<Outcome>)> = images.iter().map(|p| (p.display().to_string(), scan_file(p))).collect();
    let failed = results.iter().any(|(_, o)| o.iter().any(|o| matches!(o, Outcome::Error(_))));
    if as_json {
        println!("{:#}", to_json(&results));
    } else {
        let many = images.len() > 1;
        for (file, outcomes) in &results {
            for o in outcomes {
                match o {
                    Outcome::Text(t) => {
                        if many {
                            println!("{file}: {t}");
                        } else {
                            println!("{t}");
                        }
                        match detect(t) {
                            Ok(d) => print!("{}", crate::detect::summary(&d)),
                            Err(e) => println!("  not a payment code we know: {e} ({})", e.kind()),
                        }
                    }
                    Outcome::Error(e) => eprintln!("koban scan: {file}: {e}"),
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_png(dir: &Path, text: &str) -> std::path::PathBuf {
        let code = qrcode::QrCode::new(text).unwrap();
        let n = code.width();
        let colors = code.to_colors();
        let scale = 4;
        let side = ((n + 8) * scale) as u32;
        let img = image::GrayImage::from_fn(side, side, |x, y| {
            let (u, v) = ((x as usize / scale), (y as usize / scale));
            let dark = u >= 4 && v >= 4 && u < n + 4 && v < n + 4 && colors[(v - 4) * n + u - 4] == qrcode::Color::Dark;
            image::Luma([if dark { 0 } else { 255 }])
        });
        let path = dir.join("code.png");
        img.save(&path).unwrap();
        path
    }

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("koban-cli-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn reads_a_png_we_wrote() {
        let dir = temp_dir("png");
        let path = code_png(&dir, "hello koban");
        assert_eq!(scan_file(&path), vec![Outcome::Text("hello koban".into())]);
        // The same file cut short is a clear error, not a panic.
        let bytes = std::fs::read(&path).unwrap();
        let cut = dir.join("cut.png");
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        let out = scan_file(&cut);
        assert!(matches!(&out[..], [Outcome::Error(e)] if e.starts_with("cannot read image")), "{out:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn garbage_and_missing_files_are_errors() {
        let dir = temp_dir("garbage");
        for (name, bytes) in [
            ("noise.png", b"\x89PNG\r\n\x1a\n garbage".to_vec()),
            ("noise.jpg", b"\xff\xd8\xff\xe0 not really".to_vec()),
            ("noise.webp", b"RIFF\x10\0\0\0WEBPVP8 xx".to_vec()),
            ("empty.png", Vec::new()),
            ("text.png", b"hello".to_vec()),
        ] {
            let p = dir.join(name);
            std::fs::write(&p, bytes).unwrap();
            let out = scan_file(&p);
            assert!(matches!(&out[..], [Outcome::Error(e)] if e.starts_with("cannot read image")), "{name}: {out:?}");
        }
        assert!(matches!(&scan_file(&dir.join("missing.png"))[..], [Outcome::Error(_)]));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn json_has_file_text_and_the_detect_keys_or_error() {
        // A PromptPay-style EMV code (CRC valid) and a file without a code.
        let emv = "00020101021129370016A000000677010111011300668123456785802TH530376454041.006304E0EC";
        let v = to_json(&[
            ("a.png".into(), vec![Outcome::Text(emv.into())]),
            ("b.png".into(), vec![Outcome::Error("no QR code found".into())]),
        ]);
        let mut expected = json!({ "file": "a.png", "text": emv });
        let detected = crate::json::detection(&detect(emv).unwrap());
        expected.as_object_mut().unwrap().extend(detected.as_object().unwrap().clone());
        assert_eq!(v[0], expected);
        assert_eq!(v[0]["format"], detected["format"]);
        assert!(v[0].get("schemes").is_some() && v[0].get("currency").is_some());
        assert_eq!(v[1], json!({ "file": "b.png", "error": { "kind": "scan", "message": "no QR code found" } }));
    }
}
