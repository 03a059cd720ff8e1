//! The README's examples, run as written: every ```` ```console ```` block is a test (trycmd),
//! against a sandbox host on loopback; and the lists the README keeps by hand are complete.

use std::path::Path;

fn readme() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")
}

/// Runs the README's `console` blocks in order in one scratch folder, with `koban` the binary
/// under test and `KOBAN_HOST` a fresh sandbox (started with `--admin`, as the README says).
/// A failure names a copy of the README: its line numbers are the README's.
#[test]
fn readme_examples_run_as_written() {
    let rt = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let config = koban_sandbox::Config { admin: true, ..koban_sandbox::Config::default() };
    let sandbox = rt.block_on(koban_sandbox::Sandbox::start(config)).expect("the sandbox starts");
    // trycmd runs a case in a scratch copy of `<name>.in/` (here: none) when `<name>.out/`
    // exists beside it, so relative paths such as `--home aiko` stay out of the repository.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let case = dir.path().join("README.md");
    std::fs::copy(readme(), &case).expect("README.md copied");
    std::fs::create_dir(dir.path().join("README.out")).expect("README.out made");
    trycmd::TestCases::new()
        .register_bin("koban", Path::new(env!("CARGO_BIN_EXE_koban")))
        .env("KOBAN_HOST", sandbox.url())
        // Times are redacted with [..] in the README; UTC keeps what is left the same anywhere.
        .env("TZ", "UTC")
        .case(&case)
        .run();
    drop(sandbox);
}

/// The README lists every error kind `koban detect --json` can print.
#[test]
fn readme_lists_every_detect_error_kind() {
    let text = std::fs::read_to_string(readme()).expect("README.md readable");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/src/scheme/error.rs");
    let source = std::fs::read_to_string(source).expect("core/src/scheme/error.rs readable");
    // The kinds are snake_case string literals, in `kind()` matches (`… => "kind",`) or in a
    // table of kinds (`Variant = "kind",`): either way this reads them from the source.
    let kinds: Vec<&str> = source
        .lines()
        .filter_map(|l| {
            let (_, rest) = l.split_once("=> \"").or_else(|| l.split_once(" = \""))?;
            let (kind, _) = rest.split_once('"')?;
            (!kind.is_empty() && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')).then_some(kind)
        })
        .collect();
    assert!(kinds.len() >= 20 && kinds.contains(&"empty"), "kinds not found in error.rs: {kinds:?}");
    let missing: Vec<&&str> = kinds.iter().filter(|k| !text.contains(&format!("`{k}`"))).collect();
    assert!(missing.is_empty(), "README.md does not list the detect error kinds {missing:?}");
}
