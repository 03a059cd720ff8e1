-- Partner-network simulator schema v1. Amounts are integer minor units of the row's currency.

CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,              -- customer | float | fx | acquirer
    currency TEXT NOT NULL,
    balance INTEGER NOT NULL DEFAULT 0,
    allow_negative INTEGER NOT NULL, -- the network's own accounts may go negative; users' money may not
    label TEXT NOT NULL
);

CREATE TABLE journals (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,              -- topup | payment | cancel | refund
    idempotency_key TEXT,            -- acquirer/network/operation/request id: one journal each
    payment_id TEXT,
    refund_id TEXT,
    meta TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX journals_payment ON journals(payment_id);
CREATE INDEX journals_refund ON journals(refund_id);
CREATE INDEX journals_key ON journals(idempotency_key);

CREATE TABLE entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    journal_id TEXT NOT NULL REFERENCES journals(id),
    account_id TEXT NOT NULL REFERENCES accounts(id),
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    balance_after INTEGER NOT NULL
);
CREATE INDEX entries_account ON entries(account_id, seq);
CREATE INDEX entries_journal ON entries(journal_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    wallet TEXT NOT NULL,            -- network::WALLETS id
    network TEXT NOT NULL,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    customer_no TEXT NOT NULL UNIQUE, -- card number (UnionPay, in its EMV codes) or the network's customer id
    created_at INTEGER NOT NULL
);

CREATE TABLE codes (
    code TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    network TEXT NOT NULL,
    form TEXT NOT NULL,              -- numeric | emv_cpm
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,                 -- burned by the first payment that presents it
    used_by TEXT
);
CREATE INDEX codes_user ON codes(user_id, issued_at);

CREATE TABLE payments (
    id TEXT PRIMARY KEY,             -- the network's payment id (paymentId, transaction_id, queryId)
    acquirer_id TEXT NOT NULL,
    network TEXT NOT NULL,
    request_id TEXT NOT NULL,        -- paymentRequestId / out_trade_no / orderId: the idempotency key
    request_hash TEXT,               -- NULL for a cancel that arrived before (or instead of) its payment
    user_id TEXT REFERENCES users(id),
    code TEXT,
    merchant_id TEXT NOT NULL,
    merchant_name TEXT NOT NULL,
    description TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    user_amount INTEGER,
    user_currency TEXT,
    rate TEXT,                       -- scaled by 10^10, as a decimal integer
    status TEXT NOT NULL CHECK (status IN ('processing', 'success', 'failed', 'cancelled')),
    failure TEXT,
    captured INTEGER NOT NULL DEFAULT 0, -- the user was debited (the payment journal exists)
    polls INTEGER NOT NULL DEFAULT 0,    -- inquiries seen while processing
    confirm_polls INTEGER NOT NULL DEFAULT 0,
    confirm_at INTEGER,
    abandoned INTEGER NOT NULL DEFAULT 0,
    refunded INTEGER NOT NULL DEFAULT 0,
    refunded_user INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    completed_at INTEGER,
    cancelled_at INTEGER,
    UNIQUE (acquirer_id, network, request_id)
);
CREATE INDEX payments_user ON payments(user_id, created_at);

CREATE TABLE refunds (
    id TEXT PRIMARY KEY,
    acquirer_id TEXT NOT NULL,
    network TEXT NOT NULL,
    request_id TEXT NOT NULL,        -- refundRequestId / out_refund_no / orderId
    request_hash TEXT NOT NULL,
    payment_id TEXT NOT NULL REFERENCES payments(id),
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    user_amount INTEGER NOT NULL,
    user_currency TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (acquirer_id, network, request_id)
);
CREATE INDEX refunds_payment ON refunds(payment_id);

CREATE TABLE nonces (
    client_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (client_id, nonce)
) WITHOUT ROWID;

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
