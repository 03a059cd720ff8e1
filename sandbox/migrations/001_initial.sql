-- Sandbox host schema v1. Amounts are integer minor units of the row's currency.

CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,            -- wallet | bank_customer | bank_reserve | merchant | partner | fee | fx
    currency TEXT NOT NULL,
    balance INTEGER NOT NULL DEFAULT 0,
    allow_negative INTEGER NOT NULL, -- system accounts may go negative; customer money may not
    label TEXT NOT NULL
);

CREATE TABLE journals (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,            -- bank_funding | topup | payment | p2p | remittance | cpm_charge
    wallet_id TEXT,
    idempotency_key TEXT,
    meta TEXT NOT NULL,            -- JSON describing the transaction
    created_at INTEGER NOT NULL
);
CREATE INDEX journals_wallet ON journals(wallet_id, created_at);

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

CREATE TABLE wallets (
    id TEXT PRIMARY KEY,
    handle TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    country TEXT NOT NULL,
    currency TEXT NOT NULL,
    tier TEXT NOT NULL,            -- unverified | verified
    legal_name TEXT,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    created_at INTEGER NOT NULL
);

CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    wallet_id TEXT NOT NULL REFERENCES wallets(id),
    public_key BLOB NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE nonces (
    device_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, nonce)
) WITHOUT ROWID;

CREATE TABLE banks (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    currency TEXT NOT NULL,
    reserve_account TEXT NOT NULL REFERENCES accounts(id)
);

CREATE TABLE bank_links (
    id TEXT PRIMARY KEY,
    wallet_id TEXT NOT NULL REFERENCES wallets(id),
    bank_id TEXT NOT NULL REFERENCES banks(id),
    account_last4 TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    created_at INTEGER NOT NULL
);

CREATE TABLE merchants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    currency TEXT NOT NULL,
    scheme TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    terminal_key TEXT NOT NULL,
    static_payload TEXT NOT NULL UNIQUE
);

CREATE TABLE dynamic_codes (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    payload TEXT NOT NULL UNIQUE,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    reference TEXT NOT NULL,
    paid_by_journal TEXT,
    created_at INTEGER NOT NULL
);

CREATE TABLE quotes (
    id TEXT PRIMARY KEY,
    wallet_id TEXT NOT NULL REFERENCES wallets(id),
    purpose TEXT NOT NULL,         -- merchant_payment | remittance
    body TEXT NOT NULL,            -- the quote as shown to the client (JSON)
    send_amount INTEGER NOT NULL,
    send_currency TEXT NOT NULL,
    receive_amount INTEGER NOT NULL,
    receive_currency TEXT NOT NULL,
    fee INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_by_journal TEXT
);

CREATE TABLE idempotency (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
) WITHOUT ROWID;

CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    wallet_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX events_wallet ON events(wallet_id, seq);

CREATE TABLE cpm_tokens (
    token TEXT PRIMARY KEY,
    wallet_id TEXT NOT NULL REFERENCES wallets(id),
    device_id TEXT NOT NULL REFERENCES devices(id),
    master_key BLOB NOT NULL,
    next_counter INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE cpm_counters (
    token TEXT NOT NULL REFERENCES cpm_tokens(token),
    counter INTEGER NOT NULL,
    used_by_journal TEXT,
    PRIMARY KEY (token, counter)
) WITHOUT ROWID;
