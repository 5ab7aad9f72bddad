-- The window's own database (ARCHITECTURE.md §3). Every table a clerk action writes to is here;
-- a change of a case, its timeline event and its outbox row are always written together.

-- Free-form settings (device id, …) and the one window identity record filled by enrolment.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE window_identity (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    county_code   TEXT NOT NULL,
    terminal_code TEXT NOT NULL,
    window_name   TEXT NOT NULL,
    level         TEXT NOT NULL,
    parent_window TEXT,
    updated_at    TEXT NOT NULL
) STRICT;

-- Catalogue: every item version ever installed, keyed by its content hash, so a case filled on an
-- older version can still be read exactly as it was filled.
CREATE TABLE catalogue_items (
    impl_code    TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    name         TEXT NOT NULL,
    case_type    TEXT NOT NULL,
    item_json    TEXT NOT NULL,
    PRIMARY KEY (impl_code, content_hash)
) STRICT, WITHOUT ROWID;

CREATE TABLE catalogue_editions (
    edition      TEXT PRIMARY KEY,
    county_code  TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    installed_at TEXT NOT NULL
) STRICT;

CREATE TABLE catalogue_edition_items (
    edition      TEXT NOT NULL REFERENCES catalogue_editions(edition),
    impl_code    TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    PRIMARY KEY (edition, impl_code),
    FOREIGN KEY (impl_code, content_hash) REFERENCES catalogue_items(impl_code, content_hash)
) STRICT, WITHOUT ROWID;

-- The edition in use: a single row swapped in the same transaction that installs an edition.
CREATE TABLE catalogue_active (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    edition TEXT NOT NULL REFERENCES catalogue_editions(edition)
) STRICT;

-- Applicants (一表式). The implicit rowid keys the search indexes.
CREATE TABLE applicants (
    applicant_id        TEXT NOT NULL UNIQUE,
    kind                TEXT NOT NULL CHECK (kind IN ('person', 'organisation')),
    id_number           TEXT NOT NULL,
    name                TEXT NOT NULL,
    phone               TEXT,
    address             TEXT,
    registration_number TEXT NOT NULL UNIQUE,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    UNIQUE (kind, id_number)
) STRICT;
CREATE INDEX applicants_phone ON applicants(phone) WHERE phone IS NOT NULL;
CREATE INDEX applicants_name ON applicants(name);

-- What changed on an applicant record, and from which case, so an edit made while filling a form
-- can be traced.
CREATE TABLE applicant_history (
    id           INTEGER PRIMARY KEY,
    applicant_id TEXT NOT NULL REFERENCES applicants(applicant_id),
    field        TEXT NOT NULL,
    old_value    TEXT,
    new_value    TEXT,
    case_id      TEXT,
    actor        TEXT NOT NULL,
    changed_at   TEXT NOT NULL
) STRICT;
CREATE INDEX applicant_history_by_applicant ON applicant_history(applicant_id);

-- Name search: FTS5 trigram finds substrings of 3+ characters; the bigram table answers the
-- 2-character queries (many Chinese names are 2 characters) that trigram cannot.
CREATE VIRTUAL TABLE applicant_names_fts USING fts5(
    name, content = 'applicants', content_rowid = 'rowid', tokenize = 'trigram'
);
CREATE TRIGGER applicants_fts_ai AFTER INSERT ON applicants BEGIN
    INSERT INTO applicant_names_fts(rowid, name) VALUES (new.rowid, new.name);
END;
CREATE TRIGGER applicants_fts_ad AFTER DELETE ON applicants BEGIN
    INSERT INTO applicant_names_fts(applicant_names_fts, rowid, name) VALUES ('delete', old.rowid, old.name);
END;
CREATE TRIGGER applicants_fts_au AFTER UPDATE OF name ON applicants BEGIN
    INSERT INTO applicant_names_fts(applicant_names_fts, rowid, name) VALUES ('delete', old.rowid, old.name);
    INSERT INTO applicant_names_fts(rowid, name) VALUES (new.rowid, new.name);
END;

CREATE TABLE applicant_name_bigrams (
    bigram        TEXT NOT NULL,
    applicant_row INTEGER NOT NULL,
    PRIMARY KEY (bigram, applicant_row)
) STRICT, WITHOUT ROWID;

-- Cases: indexed columns for the lists, the window-owned snapshot (without its timeline, which
-- lives in case_events) as JSON.
CREATE TABLE cases (
    case_id           TEXT PRIMARY KEY,
    acceptance_number TEXT NOT NULL UNIQUE,
    applicant_id      TEXT NOT NULL REFERENCES applicants(applicant_id),
    impl_code         TEXT NOT NULL,
    item_hash         TEXT NOT NULL,
    status            TEXT NOT NULL,
    received_on       TEXT NOT NULL,
    accepted_on       TEXT,
    due_on            TEXT,
    snapshot_json     TEXT NOT NULL,
    event_count       INTEGER NOT NULL,
    head_hash         TEXT NOT NULL,
    last_outbox_seq   INTEGER NOT NULL,
    server_status     TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    FOREIGN KEY (impl_code, item_hash) REFERENCES catalogue_items(impl_code, content_hash)
) STRICT;
CREATE INDEX cases_received_on ON cases(received_on);
CREATE INDEX cases_due_on ON cases(due_on) WHERE due_on IS NOT NULL;
CREATE INDEX cases_applicant ON cases(applicant_id);

-- The append-only, hash-chained timeline.
CREATE TABLE case_events (
    case_id    TEXT NOT NULL REFERENCES cases(case_id),
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    entry_json TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only');
END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only');
END;

-- The sync outbox (ARCHITECTURE.md §5.1): seq is the device's gapless counter.
CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY,
    op_id      TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    case_id    TEXT,
    payload    TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    acked_at   TEXT,
    outcome    TEXT,
    error_json TEXT
) STRICT;
CREATE INDEX outbox_pending ON outbox(seq) WHERE acked_at IS NULL;
CREATE INDEX outbox_case ON outbox(case_id) WHERE case_id IS NOT NULL;

-- Scans and photos: bytes on disk under their sha256, linked to a case's material slot.
CREATE TABLE attachments (
    case_id        TEXT NOT NULL REFERENCES cases(case_id),
    slot           TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    size           INTEGER NOT NULL,
    file_name      TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    uploaded_bytes INTEGER NOT NULL DEFAULT 0,
    uploaded_at    TEXT,
    added_at       TEXT NOT NULL,
    PRIMARY KEY (case_id, slot, sha256)
) STRICT, WITHOUT ROWID;

-- Counters: acceptance numbers per terminal and day, registration numbers per terminal, the
-- outbox seq. Each is bumped in the same transaction as the row that uses it.
CREATE TABLE sequences (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Every voucher printed or reprinted (补打).
CREATE TABLE print_audit (
    id         INTEGER PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases(case_id),
    voucher    TEXT NOT NULL,
    reprint    INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    printed_at TEXT NOT NULL
) STRICT;
