//! Saying that a test was skipped, so that a skip never reads as a pass.
#![allow(dead_code)]

use std::io::Write as _;

/// Reports that `test` did not run, and why: loudly on stderr, and as a line in the file
/// `$KOBAN_SKIP_LOG` names, which scripts/test.sh lists at the end of a run.
pub fn skipped(test: &str, why: &str) {
    eprintln!("\n*** SKIPPED: {test}: {why} ***\n");
    if let Some(path) = std::env::var_os("KOBAN_SKIP_LOG") {
        // One short append per line: lines of tests running in parallel do not interleave.
        let line = format!("rust: {test}: {why}\n");
        let file = std::fs::OpenOptions::new().create(true).append(true).open(path);
        if let Err(e) = file.and_then(|mut f| f.write_all(line.as_bytes())) {
            eprintln!("cannot record the skip in $KOBAN_SKIP_LOG: {e}");
        }
    }
}
