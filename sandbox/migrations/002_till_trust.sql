-- Sandbox host schema v2: a till the host can trust (ADR 0003).

-- Terminals enrol their own P-256 key for one merchant and sign every request like devices.
-- The static, guessable terminal keys of v1 are gone.
ALTER TABLE merchants DROP COLUMN terminal_key;

CREATE TABLE terminals (
    id TEXT PRIMARY KEY,              -- derived from the public key, like a device id
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    public_key BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

-- One-time enrolment tokens issued by the admin route; only their SHA-256 is kept.
CREATE TABLE terminal_enrolment_tokens (
    token_hash TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    expires_at INTEGER NOT NULL,
    used_by_terminal TEXT
);

-- A lost phone is revoked: its requests and its codes are refused from then on.
ALTER TABLE devices ADD COLUMN revoked_at INTEGER;

-- The shopper's own ceiling for till charges captured without asking the phone (NULL: the
-- host default), in the wallet's currency.
ALTER TABLE wallets ADD COLUMN no_confirm_limit INTEGER;

-- master_key now holds the per-token master key sealed with AES-256-GCM under the host key.
-- Consecutive wrong cryptograms are counted; at the threshold the token is revoked.
ALTER TABLE cpm_tokens ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cpm_tokens ADD COLUMN revoked_at INTEGER;
ALTER TABLE cpm_tokens ADD COLUMN revoked_reason TEXT;

-- Keys expire, and keys the device superseded or lost with a revocation are retired.
-- used_by_journal now names the charge that burned the counter (captured or not).
ALTER TABLE cpm_counters ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cpm_counters ADD COLUMN retired_at INTEGER;

-- Every presentation whose cryptogram verified: the first one burns the code, whatever
-- becomes of the charge.
CREATE TABLE charges (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    terminal_id TEXT NOT NULL REFERENCES terminals(id),
    wallet_id TEXT NOT NULL REFERENCES wallets(id),
    token TEXT NOT NULL,
    counter INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,             -- captured | refused | pending_approval | declined | expired
    refusal TEXT,                     -- the error kind when refused
    journal_id TEXT,
    created_at INTEGER NOT NULL,
    approve_by INTEGER,               -- a pending charge lapses after this (host clock)
    decided_at INTEGER,
    UNIQUE (token, counter)
);
CREATE INDEX charges_wallet ON charges(wallet_id, created_at);
CREATE INDEX charges_merchant ON charges(merchant_id, created_at);
