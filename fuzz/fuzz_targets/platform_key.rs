//! What a platform key store hands back to the wallet: a signature (DER or fixed) and a public
//! key (SPKI or a bare point), read as values or refused, never a panic.
#![no_main]
use koban_core::crypto::platform_key::{fixed_signature, p256_point};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(fixed) = fixed_signature(data) {
        assert_eq!(fixed.len(), 64);
    }
    if let Ok(point) = p256_point(data) {
        assert_eq!((point.len(), point[0]), (65, 0x04));
    }
});
