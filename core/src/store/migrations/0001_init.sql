-- Schema version 1: the wallet, its secrets, banks, recipients, the intent outbox, history,
-- cached quotes and balances.

CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

-- Sealed secrets: AEAD ciphertext under the data key, the name bound as associated data.
CREATE TABLE secrets (
    name       TEXT PRIMARY KEY,
    nonce      BLOB NOT NULL,
    ciphertext BLOB NOT NULL
);

-- The one wallet this device is enrolled in (id is always 1).
CREATE TABLE wallet (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    wallet_id    TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    handle       TEXT NOT NULL,
    display_name TEXT NOT NULL,
    country      TEXT NOT NULL,
    currency     TEXT NOT NULL,
    tier         TEXT NOT NULL,
    enrolled_at  INTEGER NOT NULL
);

CREATE TABLE bank_links (
    id          TEXT PRIMARY KEY,
    bank_id     TEXT NOT NULL,
    bank_name   TEXT NOT NULL,
    last4       TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE recipients (
    handle       TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    country      TEXT NOT NULL,
    last_used_at INTEGER NOT NULL
);

-- The outbox: a money-moving request is recorded here (committed) before it is sent.
CREATE TABLE intents (
    key        TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    path       TEXT NOT NULL,
    body       BLOB NOT NULL,
    context    TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('pending', 'done', 'refused')),
    outcome    TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE transactions (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    direction      TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    amount_minor   INTEGER NOT NULL,
    currency       TEXT NOT NULL,
    counterparty   TEXT,
    description    TEXT NOT NULL,
    intent_key     TEXT,
    created_at     INTEGER NOT NULL,
    details        TEXT NOT NULL
);

CREATE TABLE quotes (
    id         TEXT PRIMARY KEY,
    purpose    TEXT NOT NULL,
    body       TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE balances (
    currency   TEXT PRIMARY KEY,
    minor      INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
