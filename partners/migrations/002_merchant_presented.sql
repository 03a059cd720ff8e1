-- Partner-network simulator schema v2: the merchant-presented side. The networks' own
-- merchants in China show codes (Alipay, WeChat Pay, UnionPay EMV); a partner wallet abroad
-- (the MPP, here the Koban host) asks the network to pay one of them in the merchant's
-- currency and settles with the network in its own.

CREATE TABLE merchants (
    code TEXT PRIMARY KEY,           -- the code the merchant shows, exactly
    network TEXT NOT NULL,
    id TEXT NOT NULL,                -- the network's merchant id
    key TEXT NOT NULL UNIQUE,        -- merchants::MERCHANTS key
    name TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    currency TEXT NOT NULL,
    mcc TEXT NOT NULL,
    amount INTEGER,                  -- an order code's fixed amount; NULL: the payer enters it
    account_id TEXT NOT NULL REFERENCES accounts(id),
    paid_by TEXT                     -- the payment holding an order code (one payment each)
);

CREATE TABLE mpm_payments (
    id TEXT PRIMARY KEY,             -- the network's payment id
    mpp_id TEXT NOT NULL,            -- the partner wallet that asked (authenticated client id)
    network TEXT NOT NULL,
    request_id TEXT NOT NULL,        -- paymentRequestId / out_trade_no / orderId: the idempotency key
    request_hash TEXT,               -- NULL for a cancel that arrived before (or instead of) its payment
    code TEXT,
    merchant_key TEXT,               -- merchants.key, when the code is one of this network's
    amount INTEGER NOT NULL,         -- what the merchant is paid, minor units of currency
    currency TEXT NOT NULL,
    settlement_amount INTEGER,       -- what the MPP owes the network, minor units of settlement_currency
    settlement_currency TEXT,
    rate TEXT,                       -- settlement currency per merchant's, scaled by 10^10
    status TEXT NOT NULL CHECK (status IN ('processing', 'success', 'failed', 'cancelled')),
    failure TEXT,
    captured INTEGER NOT NULL DEFAULT 0, -- the merchant was credited (the mpm_payment journal exists)
    polls INTEGER NOT NULL DEFAULT 0,
    confirm_polls INTEGER NOT NULL DEFAULT 0,
    confirm_at INTEGER,
    abandoned INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    completed_at INTEGER,
    cancelled_at INTEGER,
    UNIQUE (mpp_id, network, request_id)
);
CREATE INDEX mpm_payments_merchant ON mpm_payments(merchant_key, created_at);
