//! `koban wallet history`: what waits for the host, then the settled history newest first,
//! by pages or as CSV, from what this device keeps (it works offline).

use koban_core::wallet::{HistoryFilter, Wallet};

use super::explain;
use super::lines::{line, pending_line, stamp};
use crate::when;

/// Prints a page of history (or all of it as CSV), filtered by `kinds` and the local days
/// `since` and `until`.
pub(super) fn history(
    w: &Wallet,
    limit: u32,
    cursor: Option<&str>,
    kinds: &[String],
    since: Option<&str>,
    until: Option<&str>,
    csv: bool,
) -> Result<(), String> {
    let err = |e| explain(w, e);
    let filter = HistoryFilter {
        kinds: kinds.iter().map(|k| k.trim().to_ascii_lowercase()).collect(),
        from: since.map(|d| when::day_start(d, 0)).transpose()?,
        to: until.map(|d| when::day_start(d, 1)).transpose()?,
    };
    if csv {
        print!("{}", w.history_csv(&filter).map_err(err)?);
        return Ok(());
    }
    // What waits for the host is newer than anything settled: it heads the first page.
    if cursor.is_none() && filter == HistoryFilter::default() {
        let pending = w.pending_movements().map_err(err)?;
        pending.iter().filter(|m| m.moves_money).for_each(|m| println!("{}", pending_line(m)));
    }
    let page = w.history_filtered(&filter, limit, cursor).map_err(err)?;
    page.items.iter().for_each(|t| println!("{}  {}", stamp(t.created_at), line(t)));
    if let Some(c) = page.next_cursor {
        println!("more: --cursor {c}");
    }
    Ok(())
}
