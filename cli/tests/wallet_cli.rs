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
        "scanned lanxin-noodles-alipay.png: alipay code, routes [alipay]",
        "Alipay+ reads it: LANXIN NOODLES in SHANGHAI, CN, paid in CNY",
        "LANXIN NOODLES (CN) via alipay: CN¥32.00",
        "Payment to LANXIN NOODLES (CN¥32.00)",
        "the shop's Alipay account shows CN¥32.00 received",
        "fee ¥240, total ¥30,240",
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
    // In Shanghai too: the yen debit, rate and fee come after the shop's yuan price and
    // before the payment.
    let shanghai = text.find("LANXIN NOODLES (CN) via alipay").unwrap();
    let yen = shanghai + text[shanghai..].find("in your currency: ¥").unwrap();
    assert!(yen < text.find("Payment to LANXIN NOODLES").unwrap(), "{text}");
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
    // Unverified: refused at quote time, before anything is shown to confirm.
    let (ok, text) = run(&["quote", "--country", "PH", "--amount", "30000"]);
    assert!(!ok && text.contains("verify your identity"), "{text}");
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
    let (ok, text) = run(&["quote", "--country", "PH", "--amount", "30000"]);
    assert!(ok && text.contains("fee ¥240, total ¥30,240"), "{text}");
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
    assert!(ok && text.contains("remittance  -      ¥1,200"), "{text}");
    let (ok, text) = run(&["history", "--limit", "1"]);
    assert!(ok && text.contains("remittance") && text.contains("more: --cursor"), "{text}");
    let (ok, text) = run(&["sync"]);
    assert!(ok && text.contains("balance ¥18,800"), "{text}");
    let (ok, text) = run(&["balance"]);
    assert!(ok && text.contains("balance ¥18,800 (verified)"), "{text}");
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
    assert!(ok && text.contains("balance ¥18,300") && text.contains("till charges above ¥10,000 ask you"), "{text}");

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
    assert!(ok && text.contains("balance ¥6,300"), "{text}");
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

/// A sandbox on loopback and a wallet home, driven through the `koban` binary.
struct Session {
    rt: tokio::runtime::Runtime,
    sandbox: koban_sandbox::Sandbox,
    dir: tempfile::TempDir,
}

/// What one run of `koban` did.
struct Run {
    ok: bool,
    out: String,
    err: String,
}

impl Run {
    fn text(&self) -> String {
        format!("{}{}", self.out, self.err)
    }
}

impl Session {
    fn start() -> Session {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let config = koban_sandbox::Config { admin: true, ..koban_sandbox::Config::default() };
        let sandbox = rt.block_on(koban_sandbox::Sandbox::start(config)).unwrap();
        Session { rt, sandbox, dir: tempfile::tempdir().unwrap() }
    }

    fn home(&self, who: &str) -> String {
        self.dir.path().join(who).to_str().unwrap().to_owned()
    }

    /// `koban ARGS…` with times in UTC and no KOBAN_* variables from the caller's shell.
    fn koban(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_koban"))
            .args(args)
            .env("TZ", "UTC")
            .env_remove("KOBAN_HOME")
            .env_remove("KOBAN_HOST")
            .env_remove("KOBAN_TERMINAL_HOME")
            .output()
            .expect("koban runs");
        Run {
            ok: out.status.success(),
            out: String::from_utf8_lossy(&out.stdout).into_owned(),
            err: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `koban wallet --home HOME --host URL ARGS…`.
    fn wallet(&self, who: &str, args: &[&str]) -> Run {
        let (home, url) = (self.home(who), self.sandbox.url());
        let mut all = vec!["wallet", "--home", &home, "--host", &url];
        all.extend_from_slice(args);
        self.koban(&all)
    }

    /// A wallet enrolled in Japan with `yen` in it.
    fn funded(&self, who: &str, yen: &str) {
        assert!(self.wallet(who, &["enrol", "--handle", who]).ok);
        assert!(self.wallet(who, &["link-bank", "--account", "1234567", "--holder", "X", "--opening", "100000"]).ok);
        assert!(self.wallet(who, &["top-up", "--amount", yen]).ok);
    }

    fn merchant_code(&self, id: &str) -> String {
        let url = format!("{}/v1/merchants", self.sandbox.url());
        let v: serde_json::Value = self.rt.block_on(async { reqwest::get(url).await.unwrap().json().await.unwrap() });
        v["merchants"].as_array().unwrap().iter().find(|m| m["id"] == id).unwrap()["static_payload"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

#[test]
fn plain_errors_say_what_is_wrong() {
    let s = Session::start();
    let home = s.home("aiko");
    let url = s.sandbox.url();
    // A host without scheme is taken as http:// on loopback; flags may follow the subcommand.
    let bare = url.trim_start_matches("http://");
    let r = s.koban(&["wallet", "enrol", "--handle", "aiko", "--country", "jp", "--home", &home, "--host", bare]);
    assert!(r.ok && r.out.contains("enrolled @aiko (JP, JPY)"), "{}", r.text());
    let r = s.koban(&["wallet", "balance", "--home", &home, "--host", &url]);
    assert!(r.ok && r.out.starts_with("balance ¥0"), "{}", r.text());
    let r = s.koban(&["wallet", "--home", &home, "--host", "ftp://127.0.0.1:1", "balance"]);
    assert!(!r.ok && r.err.contains("the scheme must be http:// or https://, not ftp://"), "{}", r.text());
    // Negative amounts reach the CLI's own check instead of being read as flags.
    let r = s.wallet("aiko", &["top-up", "--amount", "-100"]);
    assert!(!r.ok && r.err.contains("amount -100: the amount must be positive"), "{}", r.text());
    let r = s.wallet("aiko", &["no-confirm-limit", "-5"]);
    assert!(!r.ok && r.err.contains("amount -5: the amount must be positive"), "{}", r.text());
    // Garbage is not a currency problem.
    let r = s.wallet("aiko", &["pay", "--code", "garbage", "--amount", "100"]);
    assert!(!r.ok && r.err.contains("not a payment code we know"), "{}", r.text());
    assert!(!r.err.contains("currency"), "{}", r.text());
    // Country codes in either case (the host then asks for identity: aiko is unverified).
    let r = s.wallet("aiko", &["quote", "--country", "ph", "--amount", "30000"]);
    assert!(!r.ok && r.err.contains("verify your identity"), "{}", r.text());
    assert!(!r.err.contains("country"), "{}", r.text());
    let r = s.wallet("aiko", &["quote", "--country", "phl", "--amount", "30000"]);
    assert!(!r.ok && r.err.contains("give a two-letter code"), "{}", r.text());
    // A page of no items is no page.
    let r = s.wallet("aiko", &["history", "--limit", "0"]);
    assert!(!r.ok && r.err.contains("0 is not in 1..=500"), "{}", r.text());
    // Offline commands need no host; the others say so.
    let r = s.koban(&["wallet", "history", "--home", &home]);
    assert!(r.ok, "{}", r.text());
    let r = s.koban(&["wallet", "charges", "--home", &home]);
    assert!(r.ok && r.out.contains("no till charge is waiting"), "{}", r.text());
    let r = s.koban(&["wallet", "balance", "--home", &home]);
    assert!(!r.ok && r.err.contains("this command talks to the wallet host: give --host URL"), "{}", r.text());
    let r = s.koban(&["wallet", "balance", "--host", &url]);
    assert!(!r.ok && r.err.contains("give --home DIR"), "{}", r.text());
}

#[test]
fn payments_count_this_month_and_a_repeat_is_asked_about() {
    let s = Session::start();
    s.funded("aiko", "20000");
    let ramen = s.merchant_code("m_jp_ramen");
    let pay = |extra: &[&str]| {
        let mut args = vec!["pay", "--code", ramen.as_str(), "--amount", "1200"];
        args.extend_from_slice(extra);
        s.wallet("aiko", &args)
    };
    let r = pay(&["--yes"]);
    assert!(r.ok && r.out.contains("payment     -      ¥1,200  Payment to KOBAN RAMEN"), "{}", r.text());
    // The same payment again at once: --yes is not enough.
    let r = pay(&["--yes"]);
    assert!(!r.ok, "{}", r.text());
    assert!(
        r.err.contains("not paid: the same payment (¥1,200 to KOBAN RAMEN) was made")
            && r.err.contains("to pay it once more, add --again"),
        "{}",
        r.text()
    );
    let r = s.wallet("aiko", &["pay", "--help"]);
    assert!(r.out.contains("--again") && r.out.contains("10 minutes"), "{}", r.text());
    let r = pay(&["--again"]);
    assert!(!r.ok && r.err.contains("--yes"), "--again alone pays nothing: {}", r.text());
    let r = pay(&["--yes", "--again"]);
    assert!(r.ok && r.out.contains("Payment to KOBAN RAMEN"), "{}", r.text());
    // Another amount is another payment.
    let r = s.wallet("aiko", &["pay", "--code", &ramen, "--amount", "800", "--yes"]);
    assert!(r.ok, "{}", r.text());
    let r = s.wallet("aiko", &["balance"]);
    assert!(
        r.ok && r.out.contains("balance ¥16,800") && r.out.contains("this month ¥3,200 of ¥100,000"),
        "{}",
        r.text()
    );

    // Transfers: the message shows on both sides, and a repeat is asked about too.
    s.funded("ben", "1000");
    let send =
        || s.wallet("aiko", &["send", "--to", "@ben", "--amount", "2000", "--message", "concert tickets", "--yes"]);
    let r = send();
    assert!(r.ok && r.out.contains("Sent to @ben: \"concert tickets\""), "{}", r.text());
    let r = send();
    assert!(!r.ok && r.err.contains("not sent: the same transfer (¥2,000 to @ben) was made"), "{}", r.text());
    let r = s.wallet("ben", &["sync"]);
    assert!(r.ok && r.out.contains("Received from @aiko: \"concert tickets\""), "{}", r.text());
    let r = s.wallet("aiko", &["history", "--limit", "1"]);
    assert!(r.ok && r.out.contains("Sent to @ben: \"concert tickets\"") && r.out.contains(" UTC  p2p"), "{}", r.text());
}

#[test]
fn a_remittance_line_says_who_receives_what() {
    let s = Session::start();
    s.funded("aiko", "40000");
    let r = s.wallet(
        "aiko",
        &["kyc", "--legal-name", "Aiko Tanaka", "--date-of-birth", "1994-04-01", "--document", "MN1234567"],
    );
    assert!(r.ok, "{}", r.text());
    let remit = || {
        s.wallet(
            "aiko",
            &[
                "remit",
                "--country",
                "ph",
                "--amount",
                "30000",
                "--name",
                "Maria Santos",
                "--account",
                "0917",
                "--provider",
                "GCash",
                "--method",
                "mobile_wallet",
                "--yes",
            ],
        )
    };
    let r = remit();
    assert!(r.ok && r.out.contains("Remittance to Maria Santos, who receives ₱11,434.50"), "{}", r.text());
    let r = remit();
    assert!(
        !r.ok
            && r.err.contains("not sent: the same remittance (₱11,434.50 to Maria Santos (¥30,240 from your wallet))"),
        "{}",
        r.text()
    );
}

#[test]
fn a_payment_whose_answer_is_lost_shows_in_history_until_it_settles() {
    let s = Session::start();
    s.funded("aiko", "20000");
    let home = s.home("aiko");
    let ramen = s.merchant_code("m_jp_ramen");
    // The host applies the payment, but every answer is lost on the way back.
    s.sandbox.set_faults(koban_sandbox::FaultConfig { drop_after_commit_permille: 1000, ..Default::default() });
    let r = s.wallet("aiko", &["pay", "--code", &ramen, "--amount", "1200", "--yes"]);
    assert!(!r.ok && r.err.contains("no answer from the host about ¥1,200 to KOBAN RAMEN"), "{}", r.text());
    assert!(!r.err.contains("i-"), "the message names the payment, not the intent: {}", r.text());
    // Offline, history shows it as what it is.
    let r = s.koban(&["wallet", "history", "--home", &home]);
    assert!(r.ok, "{}", r.text());
    let first = r.out.lines().next().unwrap_or_default();
    assert!(
        first.contains("payment     -      ¥1,200  ¥1,200 to KOBAN RAMEN, waiting for the host since")
            && first.contains(" UTC ("),
        "{}",
        r.text()
    );
    // Paying it again is asked about even while its outcome is unknown.
    let r = s.wallet("aiko", &["pay", "--code", &ramen, "--amount", "1200", "--yes"]);
    assert!(!r.ok && r.err.contains("still waits for the host"), "{}", r.text());
    // Once the host answers again, the next command settles it and says so.
    s.sandbox.set_faults(koban_sandbox::FaultConfig::default());
    let r = s.wallet("aiko", &["balance"]);
    assert!(r.ok && r.err.contains("settled: ¥1,200 to KOBAN RAMEN (it was waiting for the host)"), "{}", r.text());
    assert!(r.out.contains("balance ¥18,800"), "paid once: {}", r.text());
    let r = s.wallet("aiko", &["history"]);
    assert!(
        r.ok && !r.out.contains("waiting for the host") && r.out.contains("Payment to KOBAN RAMEN"),
        "{}",
        r.text()
    );
    let r = s.wallet("aiko", &["balance"]);
    assert!(r.ok && !r.err.contains("settled"), "said once: {}", r.text());
}

#[test]
fn a_pending_payment_the_host_refuses_later_is_reported_as_failed() {
    use koban_core::wallet::{PaymentRequest, Wallet, WalletConfig, WalletError};
    let s = Session::start();
    s.funded("aiko", "20000");
    let home = std::path::PathBuf::from(s.home("aiko"));
    let somtam = s.merchant_code("m_th_somtam");
    // The CLI quotes and pays in one run, so the app's side leaves this payment pending: the
    // host hears nothing (503 before handling) until the payment's FX quote has expired.
    let key = s.rt.block_on(async {
        let keystore = koban_core::store::FileKeyStore::open(home.join("wallet.key")).unwrap();
        let w = Wallet::open(home.join("wallet.sqlite3"), &keystore, WalletConfig::new(s.sandbox.url())).await.unwrap();
        let thb = koban_core::money::Currency::from_alpha("THB").unwrap();
        let request = PaymentRequest {
            payload: somtam.clone(),
            amount: Some(koban_core::money::Money::from_minor(12_000, thb)),
            ..Default::default()
        };
        let q = w.quote_payment(&request).await.unwrap();
        s.sandbox.set_faults(koban_sandbox::FaultConfig { error_permille: 1000, ..Default::default() });
        match w.confirm_payment(&q).await {
            Err(WalletError::OutcomeUnknown { intent, .. }) => intent,
            other => panic!("expected an unknown outcome, got {other:?}"),
        }
    });
    let r = s.koban(&["wallet", "history", "--home", home.to_str().unwrap()]);
    assert!(r.out.contains("฿120.00 to SOM TAM STALL (¥") && r.out.contains("waiting for the host"), "{}", r.text());
    assert!(!r.text().contains(&key), "{}", r.text());
    s.sandbox.set_faults(koban_sandbox::FaultConfig::default());
    s.sandbox.advance_clock(120);
    let r = s.wallet("aiko", &["balance"]);
    assert!(
        r.ok && r.err.contains("failed: ฿120.00 to SOM TAM STALL (¥") && r.err.contains("was refused by the host"),
        "{}",
        r.text()
    );
    assert!(r.out.contains("balance ¥20,000"), "nothing moved: {}", r.text());
    let r = s.wallet("aiko", &["history"]);
    assert!(r.ok && !r.out.contains("SOM TAM"), "a refused payment leaves no line: {}", r.text());
}

#[test]
fn times_are_local_with_the_zone_and_relative() {
    let s = Session::start();
    s.funded("aiko", "1000");
    let r = s.wallet("aiko", &["code"]);
    let valid = r.out.lines().find(|l| l.starts_with("valid until")).unwrap_or_default();
    assert!(
        valid.contains(" UTC (in 60 s), show a fresh one from ") && valid.contains(" UTC (in 50 s)"),
        "{}",
        r.text()
    );
    // Offline, the code still comes from the keys on the device.
    let r = s.koban(&["wallet", "code", "--home", &s.home("aiko")]);
    assert!(r.ok && r.err.contains("offline (no --host)") && r.out.contains("codes left"), "{}", r.text());
    // An expired PayNow code: its date read in local time, never in Unix milliseconds.
    let body = "00020101021226490009SG.PAYNOW010120210201403121W03010040820200101520400005303702540510.005802SG\
                5910KOBAN KOPI6009Singapore6304";
    let code = format!("{body}{}", koban_core::emv::crc16_hex(body.as_bytes()));
    let r = s.koban(&["detect", &code]);
    assert!(!r.ok && r.err.contains("the code expired at 2020-01-01 15:59:59 UTC (6 years ago)"), "{}", r.text());
    assert!(r.err.contains("expires  2020-01-01 15:59:59 UTC") && !r.text().contains("Unix ms"), "{}", r.text());
    let r = s.koban(&["detect", "--json", &code]);
    let v: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    assert_eq!(v["expires_at_ms"], 1_577_894_399_000_i64, "JSON keeps Unix milliseconds");
}

#[test]
fn demo_in_a_used_folder_starts_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let first = koban(&["demo", "--dir", d]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let again = koban(&["demo", "--dir", d]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert!(stdout(&again).contains("Starting fresh: removed the wallets an earlier demo left in"));
    // Files the demo did not make are never removed: the demo refuses instead.
    std::fs::write(dir.path().join("aiko").join("notes.txt"), "mine").unwrap();
    let refused = koban(&["demo", "--dir", d]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("notes.txt which the demo did not make"));
    assert!(dir.path().join("aiko").join("notes.txt").exists());
}

#[test]
fn banks_at_home_withdrawals_and_unlinking() {
    let s = Session::start();
    s.funded("aiko", "20000");
    let r = s.wallet("aiko", &["banks"]);
    assert!(r.ok && r.out.contains("bank_sakura") && !r.out.contains("bank_luzon"), "{}", r.text());
    let link = r.out.lines().find_map(|l| l.split(" as ").nth(1)).expect("a linked bank").trim().to_owned();
    let r = s.wallet("aiko", &["withdraw", "--amount", "5000"]);
    assert!(r.ok && r.out.contains("¥5,000 to the bank, fee ¥100"), "{}", r.text());
    let r = s.wallet("aiko", &["balance"]);
    assert!(r.ok && r.out.starts_with("balance ¥14,900"), "{}", r.text());
    let r = s.wallet("aiko", &["withdraw", "--amount", "50000"]);
    assert!(!r.ok && r.err.contains("insufficient funds"), "{}", r.text());
    // History by kind and period, and as CSV for a spreadsheet.
    let r = s.wallet("aiko", &["history", "--kind", "withdrawal"]);
    assert!(r.ok && r.out.lines().count() == 1 && r.out.contains("Withdrawal to Sakura Sandbox Bank"), "{}", r.text());
    let r = s.wallet("aiko", &["history", "--since", "2000-01-01", "--until", "2000-01-31"]);
    assert!(r.ok && r.out.is_empty(), "{}", r.text());
    let r = s.wallet("aiko", &["history", "--csv"]);
    let rows: Vec<&str> = r.out.lines().collect();
    assert!(r.ok && rows[0].starts_with("id,time_utc,kind,direction,amount,currency"), "{}", r.text());
    assert_eq!(rows.len(), 3, "header, the top-up and the withdrawal: {}", r.out);
    assert!(rows[1].contains(",withdrawal,out,5100,JPY,") && rows[1].contains(",100,"), "{}", rows[1]);
    let r = s.wallet("aiko", &["history", "--since", "2026-02-30"]);
    assert!(!r.ok && r.err.contains("is not a date"), "{}", r.text());
    let r = s.wallet("aiko", &["unlink-bank", "--bank-link", &link]);
    assert!(r.ok && r.out.contains(&format!("unlinked {link}")), "{}", r.text());
    let r = s.wallet("aiko", &["withdraw", "--amount", "100"]);
    assert!(!r.ok && r.err.contains("no bank linked"), "{}", r.text());
    // A wallet in the Philippines links its own country's bank by default and tops up in pesos.
    assert!(s.wallet("maria", &["enrol", "--handle", "maria", "--country", "PH"]).ok);
    let r = s.wallet("maria", &["link-bank", "--account", "7654321", "--holder", "MARIA SANTOS"]);
    assert!(r.ok && r.out.contains("Luzon Sandbox Bank"), "{}", r.text());
    let r = s.wallet("maria", &["top-up", "--amount", "2500.50"]);
    assert!(r.ok && r.out.contains("₱2,500.50"), "{}", r.text());
}

#[test]
fn send_shows_the_recipient_first_and_a_friend_abroad_gets_a_quote() {
    let s = Session::start();
    s.funded("aiko", "50000");
    s.funded("ben", "1000");
    let balance = |who: &str| s.wallet(who, &["balance"]).out;
    // Shown, not sent, without --yes: like `pay`.
    let r = s.wallet("aiko", &["send", "--to", "@ben", "--amount", "2000"]);
    assert!(r.ok && r.out.contains("to ben (@ben, JP): ¥2,000"), "{}", r.text());
    assert!(r.out.contains("not sent: run again with --yes to confirm"), "{}", r.text());
    assert!(balance("aiko").contains("balance ¥50,000"));
    let r = s.wallet("aiko", &["send", "--to", "@ben", "--amount", "2000", "--again"]);
    assert!(!r.ok && r.err.contains("--yes"), "--again alone sends nothing: {}", r.text());
    let r = s.wallet("aiko", &["send", "--to", "@ben", "--amount", "2000", "--yes"]);
    assert!(r.ok && r.out.contains("p2p         -      ¥2,000  Sent to @ben"), "{}", r.text());
    let r = s.wallet("aiko", &["send", "--to", "@nobody_at_all", "--amount", "2000"]);
    assert!(!r.ok && r.err.contains("unknown recipient"), "{}", r.text());

    // A receive code asking for ¥3,000: shown with its note, and no other amount goes through.
    let r = s.wallet("ben", &["receive-code", "--amount", "3000", "--note", "dinner"]);
    assert!(r.ok, "{}", r.text());
    let code = r.out.trim().to_owned();
    let r = s.wallet("aiko", &["send", "--code", &code, "--amount", "2000", "--yes"]);
    assert!(!r.ok && r.err.contains("the receive code asks for exactly ¥3,000"), "{}", r.text());
    let r = s.wallet("aiko", &["send", "--code", &code]);
    assert!(
        r.ok && r.out.contains("to ben (@ben, JP): ¥3,000 (the code's amount)") && r.out.contains("for: dinner"),
        "{}",
        r.text()
    );
    let r = s.wallet("aiko", &["send", "--code", &code, "--yes"]);
    assert!(r.ok && r.out.contains("-      ¥3,000  Sent to @ben"), "{}", r.text());
    assert!(balance("aiko").contains("balance ¥45,000"));

    // A Thai friend from Japan: a remittance with its quote, sent only with --yes.
    let r = s.wallet("somchai", &["enrol", "--handle", "somchai", "--country", "TH", "--name", "Somchai Jaidee"]);
    assert!(r.ok, "{}", r.text());
    let r = s.wallet("aiko", &["send", "--to", "@somchai", "--amount", "10000"]);
    assert!(!r.ok && r.err.contains("verify your identity"), "{}", r.text());
    let kyc = ["kyc", "--legal-name", "Aiko Tanaka", "--date-of-birth", "1994-04-01", "--document", "MN1234567"];
    assert!(s.wallet("aiko", &kyc).ok);
    let r = s.wallet("aiko", &["send", "--to", "@somchai", "--amount", "10000"]);
    assert!(r.ok, "{}", r.text());
    for part in [
        "to Somchai Jaidee (@somchai, TH): ¥10,000",
        "their wallet holds THB: sent as a remittance to TH",
        "send ¥10,000 -> arrives ฿",
        "THB per JPY",
        "arrival: about 30 min",
        "not sent: run again with --yes to confirm",
    ] {
        assert!(r.out.contains(part), "missing {part:?}: {}", r.text());
    }
    assert!(balance("aiko").contains("balance ¥45,000"));
    let r =
        s.wallet("aiko", &["send", "--to", "@somchai", "--amount", "10000", "--message", "happy birthday", "--yes"]);
    assert!(r.ok && r.out.contains("remittance  -") && r.out.contains("Remittance to Somchai Jaidee"), "{}", r.text());
    let r = s.wallet("somchai", &["sync"]);
    assert!(r.ok && r.out.contains("remittance  +") && r.out.contains("฿"), "{}", r.text());
}

#[test]
fn money_requests_and_a_split_bill_from_the_cli() {
    let s = Session::start();
    s.funded("aiko", "1000");
    for who in ["ben", "chika", "daichi"] {
        s.funded(who, "10000");
    }
    let id_of = |r: &Run| r.out.split_whitespace().next().unwrap_or_default().to_owned();
    let r = s.wallet("aiko", &["request", "--from", "@ben", "--amount", "3000", "--note", "dinner"]);
    assert!(r.ok && r.out.contains("you asked @ben for ¥3,000 for \"dinner\": pending until"), "{}", r.text());
    let id = id_of(&r);
    let r = s.wallet("ben", &["requests"]);
    assert!(
        r.ok && r.out.contains(&format!("{id}  @aiko asks you for ¥3,000 for \"dinner\": pending")),
        "{}",
        r.text()
    );
    let r = s.wallet("ben", &["pay-request", &id]);
    assert!(r.ok && r.out.contains("not paid: run again with --yes to confirm"), "{}", r.text());
    let r = s.wallet("aiko", &["pay-request", &id, "--yes"]);
    assert!(!r.ok && r.err.contains("this request is yours"), "{}", r.text());
    let r = s.wallet("ben", &["pay-request", &id, "--yes"]);
    assert!(r.ok && r.out.contains("p2p         -      ¥3,000  Paid @aiko's request: \"dinner\""), "{}", r.text());
    let r = s.wallet("ben", &["pay-request", &id, "--yes"]);
    assert!(!r.ok && r.err.contains("not paid: the request is paid"), "{}", r.text());
    let r = s.wallet("aiko", &["requests"]);
    assert!(r.ok && r.out.contains(&format!("{id}  you asked @ben for ¥3,000 for \"dinner\": paid")), "{}", r.text());
    let r = s.wallet("aiko", &["sync"]);
    assert!(r.ok && r.out.contains("+      ¥3,000  Received from @ben: \"dinner\""), "{}", r.text());
    // Declined: nothing moves.
    let r = s.wallet("aiko", &["request", "--from", "chika", "--amount", "500"]);
    let declined = id_of(&r);
    let r = s.wallet("chika", &["decline-request", &declined]);
    assert!(r.ok && r.out.contains("@aiko asks you for ¥500: declined"), "{}", r.text());

    // ¥10,000 among three: ¥3,334 + ¥3,333 + ¥3,333, and who has paid.
    let r = s.wallet(
        "aiko",
        &["split", "--amount", "10000", "--with", "@ben", "--with", "chika", "--with", "daichi", "--note", "izakaya"],
    );
    assert!(r.ok && r.out.contains("¥10,000 (izakaya) among 3; paid ¥0, outstanding ¥10,000"), "{}", r.text());
    let split = r.out.split_whitespace().nth(1).unwrap().trim_end_matches(':').to_owned();
    let shares: Vec<&str> = r.out.lines().skip(1).collect();
    assert!(
        shares[0].contains("@ben") && shares[0].contains("¥3,334") && shares[0].contains("pending"),
        "{}",
        r.text()
    );
    assert!(shares[1].contains("@chika") && shares[1].contains("¥3,333"), "{}", r.text());
    assert!(shares[2].contains("@daichi") && shares[2].contains("¥3,333"), "{}", r.text());
    let ben_share = shares[0].split_whitespace().last().unwrap().to_owned();
    assert!(s.wallet("ben", &["pay-request", &ben_share, "--yes"]).ok);
    let r = s.wallet("aiko", &["split-status", &split]);
    assert!(r.ok && r.out.contains("paid ¥3,334, outstanding ¥6,666"), "{}", r.text());
    let lines: Vec<&str> = r.out.lines().skip(1).collect();
    assert!(lines[0].contains("@ben") && lines[0].contains("paid"), "{}", r.text());
    assert!(lines[1].contains("pending") && lines[2].contains("pending"), "{}", r.text());
    let r = s.wallet("aiko", &["split", "--amount", "10000", "--share", "ben=5000", "--share", "chika=4000"]);
    assert!(!r.ok && r.err.contains("the shares add up to ¥9,000, the bill is ¥10,000"), "{}", r.text());
}

#[test]
fn pay_refuses_a_missing_reference_before_sending_and_takes_references_and_a_tip() {
    let s = Session::start();
    s.funded("aiko", "20000");
    // A till's dynamic code that asks the payer for the bill number (`***`) and a tip.
    let url = s.sandbox.url();
    let code = s.rt.block_on(async {
        let r: serde_json::Value = reqwest::Client::new()
            .post(format!("{url}/admin/merchants/m_jp_ramen/enrolment-tokens"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let key = koban_core::crypto::DeviceKey::generate().unwrap();
        let till = koban_core::terminal::Terminal::new(&url, key, None).unwrap();
        till.enrol("m_jp_ramen", r["token"].as_str().unwrap()).await.unwrap();
        let request = koban_core::net::api::DynamicCodeRequest {
            amount: koban_core::net::api::Amount::new(1_500, "JPY"),
            reference: None,
            bill_number: Some("***".into()),
            tip: Some(koban_core::net::api::TipRule::Prompt),
        };
        till.dynamic_code("m_jp_ramen", &request).await.unwrap().payload
    });
    let r = s.wallet("aiko", &["pay", "--code", &code, "--tip", "100", "--yes"]);
    assert!(
        !r.ok
            && r.err
                .contains("not paid: this code asks the payer for its bill_number: add --reference bill_number=VALUE"),
        "{}",
        r.text()
    );
    let r = s
        .wallet("aiko", &["pay", "--code", &code, "--reference", "bill_number=INV-7", "--reference", "store_label=A1"]);
    assert!(!r.ok && r.err.contains("this code does not ask for a store_label"), "{}", r.text());
    let r = s.wallet("aiko", &["pay", "--code", &code, "--reference", "color=red"]);
    assert!(!r.ok && r.err.contains("the kind must be one of bill_number"), "{}", r.text());
    // Nothing was sent: no payment waits for the host, the balance is whole.
    let r = s.wallet("aiko", &["history"]);
    assert!(r.ok && !r.out.contains("payment") && !r.out.contains("waiting"), "{}", r.text());
    assert!(s.wallet("aiko", &["balance"]).out.contains("balance ¥20,000"));

    let r = s.wallet("aiko", &["pay", "--code", &code, "--reference", "bill_number=INV-7", "--tip", "100", "--yes"]);
    assert!(r.ok, "{}", r.text());
    assert!(r.out.contains("KOBAN RAMEN (JP) via jpqr: ¥1,500 + tip/fee ¥100"), "{}", r.text());
    assert!(r.out.contains("  bill_number: INV-7") && r.out.contains("total debited: ¥1,600"), "{}", r.text());
    assert!(r.out.contains("payment     -      ¥1,600"), "{}", r.text());
    assert!(s.wallet("aiko", &["balance"]).out.contains("balance ¥18,400"));
}
