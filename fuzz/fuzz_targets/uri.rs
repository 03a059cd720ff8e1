//! URI-shaped codes: the first byte picks a scheme prefix, the rest is the fuzzed URI body.
#![no_main]
use koban_core::scheme::detect_at;
use libfuzzer_sys::fuzz_target;

const PREFIXES: &[&str] = &[
    "upi://pay?",
    "UPI://PAY?pa=",
    "https://qr.alipay.com/",
    "alipays://platformapi/startapp?",
    "wxp://",
    "weixin://wxpay/bizpayurl?",
    "https://qr.paypay.ne.jp/",
    "paypay://payment?link_key=",
    "https://i.qianbao.qq.com/wallet/sqrcode.htm?",
    "bitcoin:",
    "lnbc",
    "BCD\n002\n1\nSCT\n",
    "SPC\n0200\n1\n",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(body) = std::str::from_utf8(rest) else { return };
    let payload = format!("{}{body}", PREFIXES[usize::from(pick) % PREFIXES.len()]);
    let _ = detect_at(&payload, 0);
});
