-- Sync state (ARCHITECTURE.md §5): what the server said about each op and each case.

-- A rejected op holds back the later ops of its case until the clerk retries the case; the retry
-- marks the rejected op here and queues a fresh snapshot.
ALTER TABLE outbox ADD COLUMN retried_at TEXT;
CREATE INDEX outbox_rejected ON outbox(case_id)
    WHERE outcome = 'rejected' AND retried_at IS NULL;

-- The server-owned part of a case, as the change log reported it. `due_on` stays the window's
-- provisional date; `server_due_on` is the one the server confirmed.
ALTER TABLE cases ADD COLUMN server_due_on TEXT;
ALTER TABLE cases ADD COLUMN server_due_provisional INTEGER;
ALTER TABLE cases ADD COLUMN server_version INTEGER;
ALTER TABLE cases ADD COLUMN server_confirmed_at TEXT;

-- Things the clerk should hear about ("result ready for collection"), one per change.
CREATE TABLE sync_notices (
    id         INTEGER PRIMARY KEY,
    change_seq INTEGER NOT NULL UNIQUE,
    case_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    message    TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
