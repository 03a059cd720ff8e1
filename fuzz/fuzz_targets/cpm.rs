//! Consumer-presented payloads as a merchant terminal receives them: raw BER-TLV bytes.
#![no_main]
use koban_core::cpm::ConsumerPayload;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ConsumerPayload::from_bytes(data);
});
