-- Sandbox host schema: remittances paid out by a partner network (to a bank account, a
-- mobile wallet or a cash pickup) end later: delivered, or failed and given back to the
-- sender. One row per such remittance, written with it; the wallet hears each change.
CREATE TABLE payouts (
    journal_id TEXT PRIMARY KEY REFERENCES journals(id),
    wallet_id TEXT NOT NULL REFERENCES wallets(id),
    method TEXT NOT NULL,              -- bank_account | mobile_wallet | cash_pickup
    will_fail INTEGER NOT NULL,        -- the sandbox partner rejects this account (all zeros)
    due_at INTEGER NOT NULL,           -- host time the partner answers
    estimated_delivery_at INTEGER NOT NULL,
    send INTEGER NOT NULL,             -- what the remittance converted, wallet currency
    fee INTEGER NOT NULL,
    home_currency TEXT NOT NULL,
    receive INTEGER NOT NULL,          -- what the partner was to pay out
    receive_currency TEXT NOT NULL,
    status TEXT NOT NULL,              -- sent | delivered | failed
    pickup_reference TEXT,
    return_journal_id TEXT,
    decided_at INTEGER
);
CREATE INDEX payouts_due ON payouts(wallet_id, due_at) WHERE status = 'sent';
