//! Users' payment codes in the formats detection knows: 18-digit Alipay (25-30…) and WeChat
//! Pay (10-15…) barcodes, 19-digit UnionPay (62…) barcodes and UnionPay EMV consumer-presented
//! QR payloads (`hQVDUFYwMQ…`, UnionPay's AID). Every code is single use and lives 60 seconds.

use base64::Engine as _;
use koban_core::cpm::ber;
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::{params, OptionalExtension, Transaction};

use crate::error::Refusal;
use crate::network::{self, CodeForm, Network, Wallet};
use crate::wire::sim::IssuedCode;

/// How long a code can be presented, by the network's clock.
pub const CODE_TTL_SECS: i64 = 60;
/// UnionPay's debit application identifier (RID A000000333, the RID detection names UnionPay by).
pub const UNIONPAY_AID: &str = "A000000333010101";
/// Length of Alipay and WeChat Pay barcodes.
pub const NUMERIC_LEN: usize = 18;
/// Length of UnionPay barcodes.
pub const UNIONPAY_NUMERIC_LEN: usize = 19;

fn random_bytes(n: usize) -> Result<Vec<u8>, Refusal> {
    let mut bytes = vec![0u8; n];
    SystemRandom::new().fill(&mut bytes).map_err(|_| Refusal::Internal("random number generator failed".into()))?;
    Ok(bytes)
}

/// `n` uniformly random decimal digits.
pub fn random_digits(n: usize) -> Result<String, Refusal> {
    let mut out = String::with_capacity(n);
    while out.len() < n {
        // Bytes of 250 and above are dropped so every digit is equally likely.
        for b in random_bytes(n)? {
            if b < 250 && out.len() < n {
                out.push(char::from(b'0' + b % 10));
            }
        }
    }
    Ok(out)
}

/// The Luhn check digit for `digits`.
pub fn luhn_digit(digits: &str) -> char {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

/// A fresh card number (UnionPay, 19 digits with its Luhn digit) or customer number for a user.
pub fn customer_number(wallet: &Wallet) -> Result<String, Refusal> {
    Ok(match wallet.network {
        Network::Unionpay => {
            let body = format!("621234{}", random_digits(12)?);
            let check = luhn_digit(&body);
            format!("{body}{check}")
        }
        Network::AlipayPlus => format!("2088{}", random_digits(12)?),
        Network::WechatPay => format!("o{}", random_digits(15)?),
    })
}

/// A numeric barcode: the wallet's prefix and random digits.
pub fn numeric(wallet: &Wallet) -> Result<String, Refusal> {
    let len = if wallet.network == Network::Unionpay { UNIONPAY_NUMERIC_LEN } else { NUMERIC_LEN };
    Ok(format!("{}{}", wallet.code_prefix, random_digits(len - wallet.code_prefix.len())?))
}

/// BCD digits padded with F, as EMV's "cn" format.
fn compressed_numeric(digits: &str) -> Vec<u8> {
    let mut nibbles: Vec<u8> = digits.bytes().map(|b| b - b'0').collect();
    if nibbles.len() % 2 == 1 {
        nibbles.push(0xF);
    }
    nibbles.chunks(2).map(|p| (p[0] << 4) | p[1]).collect()
}

fn hex_bytes(hex: &str) -> Result<Vec<u8>, Refusal> {
    koban_core::crypto::hex::decode(hex).map_err(|e| Refusal::Internal(e.to_string()))
}

/// A UnionPay EMV consumer-presented payload for card `pan`: format indicator, one application
/// template with the UnionPay AID, label and PAN, and a fresh cryptogram, ATC and unpredictable
/// number in its transparent template (which make every code unique).
pub fn emv_cpm(pan: &str) -> Result<String, Refusal> {
    let random = random_bytes(14)?;
    let mut transparent = Vec::new();
    ber::encode(0x9F26, &random[..8], &mut transparent);
    ber::encode(0x9F27, &[0x80], &mut transparent);
    ber::encode(0x9F36, &random[8..10], &mut transparent);
    ber::encode(0x9F37, &random[10..14], &mut transparent);
    let mut app = Vec::new();
    ber::encode(0x4F, &hex_bytes(UNIONPAY_AID)?, &mut app);
    ber::encode(0x50, b"UnionPay", &mut app);
    ber::encode(0x5A, &compressed_numeric(pan), &mut app);
    ber::encode(0x63, &transparent, &mut app);
    let mut out = Vec::new();
    ber::encode(0x85, b"CPV01", &mut out);
    ber::encode(0x61, &app, &mut out);
    Ok(base64::engine::general_purpose::STANDARD.encode(out))
}

/// Issues a code for `user_id` (the user's phone asking its wallet for a code).
pub fn issue(tx: &Transaction<'_>, user_id: &str, form: Option<CodeForm>, now: i64) -> Result<IssuedCode, Refusal> {
    let (wallet_id, customer_no): (String, String) = tx
        .query_row("SELECT wallet, customer_no FROM users WHERE id = ?1", [user_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or(Refusal::UserNotFound)?;
    let wallet = network::wallet(&wallet_id).ok_or_else(|| Refusal::Internal(format!("unknown wallet {wallet_id}")))?;
    let form = form.unwrap_or(wallet.default_form);
    if form == CodeForm::EmvCpm && wallet.network != Network::Unionpay {
        return Err(Refusal::BadRequest(format!("{} issues numeric codes only", wallet.name)));
    }
    // A collision with a live code is astronomically unlikely; retry rather than reason about it.
    for _ in 0..5 {
        let code = match form {
            CodeForm::Numeric => numeric(wallet)?,
            CodeForm::EmvCpm => emv_cpm(&customer_no)?,
        };
        let form_id = match form {
            CodeForm::Numeric => "numeric",
            CodeForm::EmvCpm => "emv_cpm",
        };
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO codes (code, user_id, network, form, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![code, user_id, wallet.network.id(), form_id, now, now + CODE_TTL_SECS],
        )?;
        if inserted == 1 {
            return Ok(IssuedCode {
                code,
                user_id: user_id.to_owned(),
                network: wallet.network,
                wallet: wallet.id.to_owned(),
                form,
                issued_at: now,
                expires_at: now + CODE_TTL_SECS,
            });
        }
    }
    Err(Refusal::Internal("could not make a unique code".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_match_the_networks_rules() {
        for w in network::WALLETS {
            let code = numeric(w).unwrap();
            assert!(code.starts_with(w.code_prefix) && code.bytes().all(|b| b.is_ascii_digit()));
            let expected = if w.network == Network::Unionpay { 19 } else { 18 };
            assert_eq!(code.len(), expected, "{}", w.id);
        }
        let pan = customer_number(network::wallet("unionpay_cn").unwrap()).unwrap();
        assert_eq!(pan.len(), 19);
        assert_eq!(luhn_digit(&pan[..18]), char::from(pan.as_bytes()[18]));
        // The classic Luhn example: 7992739871 has check digit 3.
        assert_eq!(luhn_digit("7992739871"), '3');
        let cpm = emv_cpm(&pan).unwrap();
        // `85 05 "CPV01"` then the application template `61`: "hQVDUFYwMWE…".
        assert!(cpm.starts_with(koban_core::cpm::CPM_PREFIX) && cpm.starts_with("hQVDUFYwMWE"), "{cpm}");
        let decoded = koban_core::cpm::ConsumerPayload::decode(&cpm).unwrap();
        assert_eq!(decoded.applications[0].adf.as_deref(), Some(UNIONPAY_AID));
        assert_eq!(decoded.account_number(0), Some(pan.as_str()));
        assert_ne!(cpm, emv_cpm(&pan).unwrap());
    }
}
