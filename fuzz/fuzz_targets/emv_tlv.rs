//! EMV TLV and the merchant-presented view: no panic, and whatever parses re-encodes to itself.
#![no_main]
use koban_core::emv::{MerchantCode, MpmView, TlvIter};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for object in TlvIter::new(text, 0) {
        if let Ok(o) = object {
            let _ = o.parse_children();
        }
    }
    if let Ok(view) = MpmView::parse(text) {
        if let Some(code) = MerchantCode::from_view(&view) {
            if let Ok(again) = code.encode() {
                let view2 = MpmView::parse(&again).expect("the encoder's output parses");
                assert_eq!(MerchantCode::from_view(&view2).as_ref(), Some(&code), "round trip changed the code");
            }
        }
    }
});
