//! `koban wallet pay`: pay a scanned merchant code. The code is read first (its currency, the
//! references it asks the payer for), then quoted, and paid only with `--yes`.

use koban_core::money::Currency;
use koban_core::scheme::{Detection, ReferenceKind};
use koban_core::wallet::{PaymentRequest, Wallet};

use super::lines::{line, payment_lines};
use super::repeat::{check_repeat, REPEAT_WINDOW_SECS};
use super::{amount, explain};
use crate::args;

/// The flags of `koban wallet pay`.
#[derive(clap::Args)]
pub(super) struct PayArgs {
    /// The code's text.
    #[arg(long)]
    code: String,
    /// Amount in the code's currency, for codes without one.
    #[arg(long, allow_hyphen_values = true)]
    amount: Option<String>,
    /// Tip in the code's currency, for codes that ask for one.
    #[arg(long, allow_hyphen_values = true)]
    tip: Option<String>,
    /// Route (scheme id) to pay; default the code's first.
    #[arg(long)]
    route: Option<String>,
    /// A reference the code asks the payer for, as KIND=VALUE (e.g. bill_number=INV-7); repeat
    /// for several. Kinds: bill_number, mobile_number, store_label, loyalty_number,
    /// reference_label, customer_label, terminal_label, purpose.
    #[arg(long = "reference", value_name = "KIND=VALUE")]
    references: Vec<String>,
    /// Pay after showing the quote. The same payment (code, amount, tip) made in the last
    /// 10 minutes is not paid again without --again.
    #[arg(long)]
    yes: bool,
    /// With --yes: pay even though the same payment was made in the last 10 minutes.
    #[arg(long, requires = "yes")]
    again: bool,
}

/// Shows the quote for paying `code`, and pays it with `--yes`.
pub(super) async fn pay(w: &Wallet, flags: PayArgs) -> Result<(), String> {
    let err = |e| explain(w, e);
    let PayArgs { code, amount: a, tip, route, references, yes, again } = flags;
    // The amount is read in the code's currency, so tell what the code is first.
    let d = koban_core::scheme::detect(&code).map_err(|e| format!("this code cannot be paid: {e}"))?;
    if !d.is_payable() {
        return Err(match d.presentment {
            koban_core::scheme::Presentment::Consumer => {
                "this is a code a shopper shows at a till, not one to pay".into()
            }
            _ if d.schemes().is_empty() => "not a payment code we know".into(),
            _ => format!("this {} code names no route Koban can pay", d.format.as_str()),
        });
    }
    // An Alipay or WeChat Pay merchant code names no currency: its network says.
    let cur = match d.currency {
        Some(c) => c,
        None => {
            let info = w.merchant_code_info(&code).await.map_err(err)?;
            println!("{} in {}, {}: paid in {}", info.merchant.name, info.city, info.merchant.country, info.currency);
            Currency::from_alpha(&info.currency)
                .ok_or_else(|| format!("the network names a currency Koban does not know: {}", info.currency))?
        }
    };
    let references = references.iter().map(|r| args::reference(r)).collect::<Result<Vec<_>, _>>()?;
    check_references(&d, &references)?;
    let req = PaymentRequest {
        payload: code,
        route,
        amount: a.map(|a| amount(&a, cur)).transpose()?,
        tip: tip.map(|t| args::amount_or_zero(&t, cur)).transpose()?,
        references: references.clone(),
    };
    let q = w.quote_payment(&req).await.map_err(err)?;
    payment_lines(&q).iter().for_each(|l| println!("{l}"));
    references.iter().for_each(|(k, v)| println!("  {}: {v}", args::reference_name(*k)));
    if !yes {
        println!("not paid: run again with --yes to confirm");
        return Ok(());
    }
    check_repeat(w.recent_identical_payment(&q, REPEAT_WINDOW_SECS).map_err(err)?, again, "payment", ("paid", "pay"))?;
    println!("{}", line(&w.confirm_payment(&q).await.map_err(err)?));
    Ok(())
}

/// Refuses, before anything is sent, a code that asks the payer for a reference not given
/// (naming it), and a reference the code does not ask for (it would be dropped unseen).
fn check_references(d: &Detection, given: &[(ReferenceKind, String)]) -> Result<(), String> {
    let asked = |kind: ReferenceKind| d.references.iter().any(|r| r.kind == kind && r.value.is_none());
    if let Some((kind, _)) = given.iter().find(|(k, _)| !asked(*k)) {
        return Err(format!("not paid: this code does not ask for a {}", args::reference_name(*kind)));
    }
    let missing = d.references.iter().find(|r| r.value.is_none() && !given.iter().any(|(k, _)| *k == r.kind));
    if let Some(r) = missing {
        let name = args::reference_name(r.kind);
        return Err(format!("not paid: this code asks the payer for its {name}: add --reference {name}=VALUE"));
    }
    Ok(())
}
