-- Sandbox host schema: refunds of foreign charges through their network's refund API
-- (ADR 0007). As for the charge, the row is the intent: it commits before the network is
-- called, under a refund request id derived from the terminal's idempotency key, and holds
-- its amount against the charge's refundable total while the network answers, so two
-- refunds racing can never give back more than was captured.
CREATE TABLE foreign_refunds (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL,               -- the terminal's idempotency scope and key
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    charge_id TEXT NOT NULL REFERENCES foreign_charges(id),
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    terminal_id TEXT NOT NULL,
    refund_request_id TEXT NOT NULL UNIQUE,  -- the network's idempotency key for the refund
    amount INTEGER NOT NULL,           -- minor units of the merchant's currency
    currency TEXT NOT NULL,
    status TEXT NOT NULL,              -- pending | completed | refused
    refusal TEXT,
    journal_id TEXT,
    network_refund_id TEXT,
    customer_amount INTEGER,           -- what went back to the network's user, their currency
    customer_currency TEXT,
    created_at INTEGER NOT NULL,
    decided_at INTEGER,
    UNIQUE (scope, idem_key)
);
CREATE INDEX foreign_refunds_charge ON foreign_refunds(charge_id);
CREATE INDEX foreign_refunds_pending ON foreign_refunds(status) WHERE status = 'pending';
