-- Sandbox host schema: money requests between wallets of one currency (pending until paid
-- with a transfer, declined, or past expires_at) and the split bills they may be shares of.
CREATE TABLE splits (
    id TEXT PRIMARY KEY,
    organiser_wallet_id TEXT NOT NULL REFERENCES wallets(id),
    total INTEGER NOT NULL,
    currency TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX splits_organiser ON splits(organiser_wallet_id, created_at);
CREATE TABLE money_requests (
    id TEXT PRIMARY KEY,
    requester_wallet_id TEXT NOT NULL REFERENCES wallets(id),
    payer_wallet_id TEXT NOT NULL REFERENCES wallets(id),
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    note TEXT NOT NULL,
    status TEXT NOT NULL,              -- pending | paid | declined (expired: pending past expires_at)
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    answered_at INTEGER,
    transaction_id TEXT REFERENCES journals(id),
    split_id TEXT REFERENCES splits(id),
    position INTEGER NOT NULL DEFAULT 0 -- order of the shares within a split
);
CREATE INDEX money_requests_payer ON money_requests(payer_wallet_id, created_at);
CREATE INDEX money_requests_requester ON money_requests(requester_wallet_id, created_at);
CREATE INDEX money_requests_split ON money_requests(split_id, position);
