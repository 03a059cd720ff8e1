//! The detection entry point on arbitrary text: an error value, never a panic.
#![no_main]
use koban_core::scheme::detect_at;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(d) = detect_at(&text, 0) {
        // Whatever is accepted has a consistent shape.
        let _ = d.schemes();
        if let Some(a) = d.amount {
            assert!(a.is_positive());
        }
    }
});
