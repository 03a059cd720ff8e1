-- Single-use keys expire (the host says when); 0 marks keys stored before expiry existed,
-- which are judged by provisioned_at and the host's key lifetime.
ALTER TABLE cpm_keys ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;

-- Till charges above the shopper's no-confirmation limit, waiting for approval on this phone.
CREATE TABLE charge_requests (
    id TEXT PRIMARY KEY,
    merchant_name TEXT NOT NULL,
    merchant_country TEXT,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    approve_by INTEGER NOT NULL,
    status TEXT NOT NULL,          -- pending | approved | declined | expired | refused
    created_at INTEGER NOT NULL
);
