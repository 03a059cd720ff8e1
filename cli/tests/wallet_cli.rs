//! `koban demo` and `koban wallet` as a user runs them.

use std::process::{Command, Output};

fn koban(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_koban")).args(args).output().expect("koban runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn demo_walks_the_whole_story_and_exits_zero() {
    let out = koban(&["demo"]);
    let text = stdout(&out);
    assert!(out.status.success(), "demo failed:\n{text}\n{}", String::from_utf8_lossy(&out.stderr));
    for line in [
        "enrolled @aiko in JP (JPY)",
        "linked Sakura Sandbox Bank ****4567",
        "top-up: topup       +     ¥50,000",
        "scanned koban-ramen-jpqr.png: emv-mpm code, routes [jpqr]",
        "paid: payment     -      ¥1,200  Payment to KOBAN RAMEN",
        "SOM TAM STALL (TH) via promptpay: ฿120.00",
        "in your currency: ¥",
        "fee ¥500, total ¥30,500",
        "arrival: about 15 min",
        "in Manila, Maria's wallet shows remittance  +",
        "received: p2p         +      ¥2,000  Received from @ben",
        "equals the sum of her history",
        "Demo complete: every step succeeded.",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    // The yen price of the Bangkok payment is shown before it is paid.
    assert!(text.find("in your currency").unwrap() < text.find("Payment to SOM TAM STALL").unwrap());
}

#[test]
fn wallet_subcommands_against_a_host() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let config = koban_sandbox::Config { admin: true, ..koban_sandbox::Config::default() };
    let sandbox = rt.block_on(koban_sandbox::Sandbox::start(config)).unwrap();
    let url = sandbox.url();
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_str().unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["wallet", "--home", h, "--host", &url];
        all.extend_from_slice(args);
        let out = koban(&all);
        (out.status.success(), stdout(&out) + &String::from_utf8_lossy(&out.stderr))
    };
    let (ok, text) = run(&["balance"]);
    assert!(!ok && text.contains("not enrolled"), "{text}");
    assert!(run(&["enrol", "--handle", "aiko", "--name", "Aiko Tanaka"]).1.contains("enrolled @aiko (JP, JPY)"));
    assert!(run(&["link-bank", "--account", "1234567", "--holder", "TANAKA AIKO", "--opening", "100000"])
        .1
        .contains("****4567"));
    assert!(run(&["top-up", "--amount", "20000"]).1.contains("+     ¥20,000"));
    let (ok, text) = run(&["top-up", "--amount", "90000"]);
    assert!(!ok && text.contains("insufficient funds"), "{text}");
    let code = run(&["receive-code"]).1;
    assert!(code.starts_with("000201"), "{code}");
    let (ok, text) = run(&["quote", "--country", "PH", "--amount", "30000"]);
    assert!(ok && text.contains("fee ¥500, total ¥30,500"), "{text}");
    let (ok, text) = run(&[
        "remit",
        "--country",
        "PH",
        "--amount",
        "1000",
        "--name",
        "Maria",
        "--account",
        "001234567890",
        "--provider",
        "BDO",
        "--yes",
    ]);
    assert!(!ok && text.contains("verify your identity"), "{text}");
    assert!(run(&["kyc", "--legal-name", "Aiko Tanaka", "--date-of-birth", "1994-04-01", "--document", "MN1234567"])
        .1
        .contains("can remit: true"));
    let (ok, text) = run(&[
        "remit",
        "--country",
        "PH",
        "--amount",
        "1000",
        "--name",
        "Maria",
        "--account",
        "001234567890",
        "--provider",
        "BDO",
        "--yes",
    ]);
    assert!(ok && text.contains("remittance  -      ¥1,500"), "{text}");
    let (ok, text) = run(&["history", "--limit", "1"]);
    assert!(ok && text.contains("remittance") && text.contains("more: --cursor"), "{text}");
    let (ok, text) = run(&["sync"]);
    assert!(ok && text.contains("balance ¥18,500"), "{text}");
    let (ok, text) = run(&["balance"]);
    assert!(ok && text.contains("balance ¥18,500 (verified)"), "{text}");
    // A code to show at the till: drawn as PNG, its text charged by `koban terminal charge`.
    let png = home.path().join("code.png");
    let (ok, text) = run(&["code", "--png", png.to_str().unwrap()]);
    assert!(ok && text.contains("codes left on this device"), "{text}");
    let qr_text = text.lines().find(|l| l.starts_with("hQVDUFYwMW")).expect("the code's text is printed").to_owned();
    let drawn = image::open(&png).unwrap().to_luma8();
    assert!(drawn.width() > 200 && drawn.get_pixel(0, 0).0 == [255], "quiet zone is light");
    let till_home = home.path().join("till");
    let till = |args: &[&str]| {
        let mut all = vec!["terminal", "--home", till_home.to_str().unwrap(), "--host", &url];
        all.extend_from_slice(args);
        koban(&all)
    };
    let enrolled = till(&["enrol", "--merchant", "m_jp_mart"]);
    assert!(enrolled.status.success(), "{}", String::from_utf8_lossy(&enrolled.stderr));
    let charge = till(&["charge", "--amount", "500", "--currency", "JPY", &qr_text]);
    assert!(charge.status.success(), "{}", String::from_utf8_lossy(&charge.stderr));
    let (ok, text) = run(&["code", "--numeric"]);
    assert!(ok && text.lines().any(|l| l.starts_with("numeric 88") && l.len() == "numeric ".len() + 36), "{text}");
    let (ok, text) = run(&["balance"]);
    assert!(ok && text.contains("balance ¥18,000") && text.contains("till charges above ¥10,000 ask you"), "{text}");

    // Above the no-confirmation limit the till waits (exit 4) until the shopper approves.
    let shown = |run: &dyn Fn(&[&str]) -> (bool, String)| {
        let (_, text) = run(&["code"]);
        text.lines().find(|l| l.starts_with("hQVDUFYwMW")).expect("the code's text").to_owned()
    };
    let pending = till(&["--json", "charge", "--amount", "12000", "--currency", "JPY", &shown(&run)]);
    assert_eq!(pending.status.code(), Some(4), "{}", String::from_utf8_lossy(&pending.stderr));
    let v: serde_json::Value = serde_json::from_slice(&pending.stdout).unwrap();
    assert_eq!(v["status"], "pending_approval");
    let id = v["id"].as_str().unwrap().to_owned();
    let (ok, text) = run(&["sync"]);
    assert!(
        ok && text.contains(&format!("charge {id}: ¥12,000 at KOBAN MART SHIBUYA asks for your approval")),
        "{text}"
    );
    assert!(run(&["charges"]).1.contains(&id));
    let (ok, text) = run(&["approve", &id]);
    assert!(ok && text.contains("cpm_charge") && text.contains("¥12,000"), "{text}");
    assert_eq!(till(&["status", &id]).status.code(), Some(0));
    let declined = till(&["--json", "charge", "--amount", "11000", "--currency", "JPY", &shown(&run)]);
    let id = serde_json::from_slice::<serde_json::Value>(&declined.stdout).unwrap()["id"].as_str().unwrap().to_owned();
    run(&["sync"]);
    assert!(run(&["decline", &id]).0);
    assert_eq!(till(&["status", &id]).status.code(), Some(1));
    let (ok, text) = run(&["no-confirm-limit", "0"]);
    assert!(ok && text.contains("above ¥0"), "{text}");
    let (ok, text) = run(&["balance"]);
    assert!(ok && text.contains("balance ¥6,000"), "{text}");
    drop(sandbox);
}

/// The home holds the payment token, names, messages and history: only its owner may read it.
#[cfg(unix)]
#[test]
fn the_wallet_home_and_its_files_are_the_owners_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sandbox = rt.block_on(koban_sandbox::Sandbox::start(koban_sandbox::Config::default())).unwrap();
    let url = sandbox.url();
    let dir = tempfile::tempdir().unwrap();
    // A home the CLI creates, and one that already exists open to everyone.
    let fresh = dir.path().join("fresh");
    let open = dir.path().join("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
    for (home, handle) in [(&fresh, "aiko"), (&open, "ben")] {
        let out = koban(&["wallet", "--home", home.to_str().unwrap(), "--host", &url, "enrol", "--handle", handle]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(mode(home), 0o700, "{}", home.display());
        let files: Vec<_> = std::fs::read_dir(home).unwrap().map(|e| e.unwrap().path()).collect();
        assert!(files.iter().any(|f| f.ends_with("wallet.sqlite3")) && files.iter().any(|f| f.ends_with("wallet.key")));
        for f in files {
            assert_eq!(mode(&f), 0o600, "{}", f.display());
        }
    }
    // A database an older build left 0644 is tightened on the next run.
    let db = fresh.join("wallet.sqlite3");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = koban(&["wallet", "--home", fresh.to_str().unwrap(), "--host", &url, "balance"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(mode(&db), 0o600);
    drop(sandbox);
}
