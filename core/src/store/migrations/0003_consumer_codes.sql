-- Single-use keys for consumer-presented codes, sealed like every secret. A key's row is
-- deleted in the transaction that makes its code, so a key is used once and is gone.
CREATE TABLE cpm_keys (
    token TEXT NOT NULL,
    counter INTEGER NOT NULL,
    sealed_key BLOB NOT NULL,
    provisioned_at INTEGER NOT NULL,
    PRIMARY KEY (token, counter)
);

-- Counters already shown, so a replayed provisioning answer cannot bring a used key back.
CREATE TABLE cpm_used (
    token TEXT NOT NULL,
    counter INTEGER NOT NULL,
    used_at INTEGER NOT NULL,
    PRIMARY KEY (token, counter)
);
