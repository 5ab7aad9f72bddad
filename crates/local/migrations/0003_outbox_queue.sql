-- The status line's queue counts (`sync_state::queue_stats`): ops not yet acknowledged and the
-- UTF-8 bytes of their payloads. Summing the payloads on every sync round cost ~150 ms with 3,000
-- ops queued, and a round runs after every local write, so an `accept` waited on it. Triggers
-- keep the one row right in the same transaction as every change to the outbox, whoever makes it
-- (append, ack, rejection, a hand edit of a payload, a delete). No CHECK on the counts: a wrong
-- count must never make a clerk's write fail.
CREATE TABLE outbox_queue (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    ops   INTEGER NOT NULL,
    bytes INTEGER NOT NULL
) STRICT;

INSERT INTO outbox_queue (id, ops, bytes)
    SELECT 1, count(*), COALESCE(SUM(octet_length(payload)), 0) FROM outbox WHERE acked_at IS NULL;

CREATE TRIGGER outbox_queue_insert AFTER INSERT ON outbox WHEN NEW.acked_at IS NULL BEGIN
    UPDATE outbox_queue SET ops = ops + 1, bytes = bytes + octet_length(NEW.payload) WHERE id = 1;
END;

CREATE TRIGGER outbox_queue_delete AFTER DELETE ON outbox WHEN OLD.acked_at IS NULL BEGIN
    UPDATE outbox_queue SET ops = ops - 1, bytes = bytes - octet_length(OLD.payload) WHERE id = 1;
END;

-- Only these two columns decide the counts; a change to any other column leaves them alone.
CREATE TRIGGER outbox_queue_update AFTER UPDATE OF acked_at, payload ON outbox
    WHEN OLD.acked_at IS NULL OR NEW.acked_at IS NULL
BEGIN
    UPDATE outbox_queue SET
        ops = ops - (OLD.acked_at IS NULL) + (NEW.acked_at IS NULL),
        bytes = bytes
            - CASE WHEN OLD.acked_at IS NULL THEN octet_length(OLD.payload) ELSE 0 END
            + CASE WHEN NEW.acked_at IS NULL THEN octet_length(NEW.payload) ELSE 0 END
    WHERE id = 1;
END;
