-- Attachment uploads (§5.5): one row per (case_id, slot); the bytes live in files on disk.
CREATE TABLE uploads (
    upload_id    TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL,
    slot         TEXT NOT NULL,
    length       BIGINT NOT NULL,
    upload_offset BIGINT NOT NULL DEFAULT 0,
    sha256       TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    completed_at TEXT,
    UNIQUE (case_id, slot)
);
CREATE INDEX uploads_pending ON uploads (completed_at);
