//! Asking again before a repeat: the same payment, transfer or remittance made a few minutes
//! ago is refused unless `--again` says it is meant.

use koban_core::wallet::pending::{Movement, MovementState};

use crate::when;

/// How long an identical payment, transfer or remittance counts as a repeat that is asked
/// about again: long enough to catch a command run twice, short enough not to get in the way
/// of the next lunch at the same shop.
pub(super) const REPEAT_WINDOW_SECS: i64 = 10 * 60;

/// Refuses a repeat of `previous` unless `again`: `what` names it (payment, transfer,
/// remittance), `(done, redo)` the verb ("paid", "pay").
pub(super) fn check_repeat(
    previous: Option<Movement>,
    again: bool,
    what: &str,
    (done, redo): (&str, &str),
) -> Result<(), String> {
    let Some(m) = previous.filter(|_| !again) else { return Ok(()) };
    let delta = m.created_at - when::now();
    let ago = if delta == 0 { "just now".to_owned() } else { when::relative(delta) };
    let waiting = if m.state == MovementState::Pending { " and still waits for the host" } else { "" };
    Err(format!(
        "not {done}: the same {what} ({}) was made {ago}{waiting}; to {redo} it once more, add --again",
        m.description
    ))
}
