-- Sandbox host schema v3: refunds by the merchant's terminal, of till charges and of payments
-- to the merchant's codes. The sum of a payment's refunds never exceeds what the merchant got.
CREATE TABLE refunds (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    terminal_id TEXT NOT NULL REFERENCES terminals(id),
    original_journal_id TEXT NOT NULL REFERENCES journals(id),
    charge_id TEXT,                   -- when the original was a till charge
    wallet_id TEXT NOT NULL REFERENCES wallets(id),
    amount INTEGER NOT NULL,          -- given back by the merchant, its currency
    currency TEXT NOT NULL,
    send_part INTEGER NOT NULL,       -- credited to the wallet for the converted amount (its currency)
    fee_part INTEGER NOT NULL,        -- credited to the wallet for the FX fee (its currency; 0 at home)
    journal_id TEXT NOT NULL REFERENCES journals(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX refunds_original ON refunds(original_journal_id);
