-- Sandbox host schema: a bank link can end (unlink); its past top-ups and withdrawals stay in
-- the ledger and the history. An ended link takes no more money in or out.
ALTER TABLE bank_links ADD COLUMN unlinked_at INTEGER;
