-- Sandbox host schema: the host as acquirer of foreign shopper codes (Alipay+, WeChat Pay,
-- UnionPay; ADR 0007). The row is the intent: it commits before the network is called, under
-- a request id derived from the terminal's idempotency key, so a retry, a dropped answer or a
-- restart finds it and asks the network about the same payment instead of paying again.
CREATE TABLE foreign_charges (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL,               -- the terminal's idempotency scope and key
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    terminal_id TEXT NOT NULL,
    network TEXT NOT NULL,             -- alipay_plus | wechat_pay | unionpay
    request_id TEXT NOT NULL UNIQUE,   -- the network's idempotency key (paymentRequestId, …)
    code TEXT NOT NULL,
    amount INTEGER NOT NULL,           -- minor units of currency (the merchant's)
    currency TEXT NOT NULL,
    status TEXT NOT NULL,              -- pending | captured | refused | cancelled
    refusal TEXT,
    journal_id TEXT,
    payment_id TEXT,
    customer_amount INTEGER,           -- what the network took from its user, minor units
    customer_currency TEXT,
    rate TEXT,                         -- the network's rate, user's currency per merchant's
    created_at INTEGER NOT NULL,
    decided_at INTEGER,
    UNIQUE (scope, idem_key)
);
CREATE INDEX foreign_charges_pending ON foreign_charges(status) WHERE status = 'pending';

-- What each network owes the host for captured foreign charges, in the merchants' currency.
INSERT INTO accounts (id, kind, currency, balance, allow_negative, label) VALUES
    ('network:alipay_plus', 'partner', 'JPY', 0, 1, 'Alipay+ receivable'),
    ('network:wechat_pay', 'partner', 'JPY', 0, 1, 'WeChat Pay receivable'),
    ('network:unionpay', 'partner', 'JPY', 0, 1, 'UnionPay receivable');
