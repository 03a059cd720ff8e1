-- Schema version 2: history pages read newest first by time without a sort, the intent
-- outbox is scanned by state, and the events cursor of incoming-transfer sync is kept.

CREATE INDEX transactions_newest_first ON transactions (created_at DESC, seq DESC);
CREATE INDEX intents_pending ON intents (state, seq);

CREATE TABLE sync_state (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
