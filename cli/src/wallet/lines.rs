//! The shared lines of `koban wallet` (and `koban demo`): a history entry, a request still
//! waiting for the host and what became of it, and the quotes of a payment, a remittance and
//! a send.

use koban_core::wallet::pending::{Movement, MovementState};
use koban_core::wallet::{Direction, FxQuote, PaymentQuote, SendPreview, TransactionRecord};

use crate::when;

/// What a history entry says, with the friend's message.
fn description(t: &TransactionRecord) -> String {
    let mut text = t.description.clone();
    // Outgoing entries keep the host's answer under "host"; incoming ones are the event itself.
    let message =
        t.details["host"]["message"].as_str().or(t.details["message"].as_str()).filter(|m| !m.trim().is_empty());
    if let Some(m) = message {
        text.push_str(&format!(": \"{m}\""));
    }
    text
}

/// One history line.
pub fn line(t: &TransactionRecord) -> String {
    let sign = if t.direction == Direction::In { "+" } else { "-" };
    format!("{:<11} {sign}{:>12}  {}", t.kind, t.amount.format(), description(t))
}

/// A local date and time with the zone, for the history's first column.
pub(super) fn stamp(at: i64) -> String {
    jiff::Timestamp::from_second(at)
        .map(|ts| ts.to_zoned_datetime(jiff::tz::TimeZone::system()).strftime("%Y-%m-%d %H:%M %Z").to_string())
        .unwrap_or_else(|_| at.to_string())
}

/// One line of a request still waiting for the host, in the history's columns.
pub(super) fn pending_line(m: &Movement) -> String {
    let sign = if m.kind == "topup" { "+" } else { "-" };
    let amount = m.amount.map(|a| a.format()).unwrap_or_default();
    format!(
        "{}  {:<11} {sign}{amount:>12}  {}, waiting for the host since {}",
        stamp(m.created_at),
        m.kind,
        m.description,
        when::human(m.created_at, when::now())
    )
}

/// What became of a request that was waiting for the host.
pub(super) fn resolved_line(m: &Movement) -> String {
    match &m.state {
        MovementState::Settled { .. } => format!("settled: {} (it was waiting for the host)", m.description),
        MovementState::Failed { reason } => {
            format!("failed: {} was refused by the host ({reason}); nothing moved", m.description)
        }
        MovementState::Pending => format!("still waiting for the host: {}", m.description),
    }
}

/// The quote lines of a payment.
pub fn payment_lines(q: &PaymentQuote) -> Vec<String> {
    let mut out = vec![format!(
        "{} ({}) via {}: {}{}",
        q.merchant_name.as_deref().unwrap_or("merchant"),
        q.merchant_country.as_deref().unwrap_or("?"),
        q.route,
        q.amount.format(),
        if q.tip.minor() > 0 { format!(" + tip/fee {}", q.tip.format()) } else { String::new() }
    )];
    if let Some(fx) = &q.fx {
        out.push(format!(
            "  in your currency: {} at {} {} per {} (mid {}), fee {}",
            fx.send.format(),
            fx.rate,
            fx.receive.currency().alpha(),
            fx.send.currency().alpha(),
            fx.mid_rate,
            fx.fee.format()
        ));
    }
    out.push(format!("  total debited: {}", q.debit.format()));
    out
}

/// The quote lines of a remittance.
pub fn remit_lines(q: &FxQuote) -> Vec<String> {
    let eta = q.delivery_estimate_secs.map(|s| {
        if s >= 3600 {
            format!("about {} h", s / 3600)
        } else {
            format!("about {} min", s / 60)
        }
    });
    vec![
        format!("  send {} -> arrives {}", q.send.format(), q.receive.format()),
        format!(
            "  rate {} {} per {} (mid {}, margin {} bps)",
            q.rate,
            q.receive.currency().alpha(),
            q.send.currency().alpha(),
            q.mid_rate,
            q.margin_bps
        ),
        format!("  fee {}, total {}", q.fee.format(), q.total.format()),
        format!("  arrival: {}", eta.unwrap_or_else(|| "unknown".into())),
    ]
}

/// The lines that show a send before it happens: who, how much, and abroad the quote it becomes.
pub(super) fn send_lines(p: &SendPreview) -> Vec<String> {
    let fixed = if p.amount_fixed { " (the code's amount)" } else { "" };
    let mut out = vec![format!("to {} (@{}, {}): {}{fixed}", p.display_name, p.handle, p.country, p.amount.format())];
    if let Some(note) = &p.note {
        out.push(format!("  for: {note}"));
    }
    if let Some(q) = &p.remittance {
        out.push(format!("  their wallet holds {}: sent as a remittance to {}", p.currency.alpha(), p.country));
        out.extend(remit_lines(q));
    }
    out
}
