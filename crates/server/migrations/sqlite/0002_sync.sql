-- Windows, enrolled devices and their terminal codes, clerk accounts and sessions, the applied-op
-- ledger of §5.1, applicants, cases (window part + server-owned flow), bundle parts, change log.
CREATE TABLE windows (
    window_id        TEXT PRIMARY KEY,
    county_code      TEXT NOT NULL,
    level            TEXT NOT NULL,
    name             TEXT NOT NULL,
    parent_window_id TEXT REFERENCES windows (window_id),
    created_at       TEXT NOT NULL
);

CREATE TABLE enrolment_codes (
    code_hash  TEXT PRIMARY KEY,
    window_id  TEXT NOT NULL REFERENCES windows (window_id),
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    device_id  TEXT,
    created_by TEXT NOT NULL
);

-- The last terminal code handed out per county (§4: unique in the county).
CREATE TABLE county_terminals (
    county_code   TEXT PRIMARY KEY,
    last_terminal INTEGER NOT NULL
);

CREATE TABLE devices (
    device_id     TEXT PRIMARY KEY,
    window_id     TEXT NOT NULL REFERENCES windows (window_id),
    county_code   TEXT NOT NULL,
    terminal_code INTEGER NOT NULL,
    public_key    BLOB NOT NULL,
    acked_seq     INTEGER NOT NULL DEFAULT 0,
    enrolled_at   TEXT NOT NULL,
    UNIQUE (county_code, terminal_code)
);

CREATE TABLE device_nonces (
    device_id TEXT NOT NULL,
    nonce     TEXT NOT NULL,
    seen_at   INTEGER NOT NULL,
    PRIMARY KEY (device_id, nonce)
);
CREATE INDEX device_nonces_seen ON device_nonces (seen_at);

CREATE TABLE users (
    user_id      TEXT PRIMARY KEY,
    username     TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_phc TEXT NOT NULL,
    role         TEXT NOT NULL,
    county_code  TEXT NOT NULL,
    department   TEXT,
    window_id    TEXT REFERENCES windows (window_id),
    created_at   TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (user_id),
    device_id  TEXT REFERENCES devices (device_id),
    expires_at TEXT NOT NULL
);

CREATE TABLE applied_ops (
    device_id  TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    op_id      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    error      TEXT,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
);

CREATE TABLE applicants (
    applicant_id        TEXT PRIMARY KEY,
    kind                TEXT NOT NULL,
    id_number           TEXT NOT NULL,
    registration_number TEXT NOT NULL,
    record              TEXT NOT NULL,
    device_id           TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX applicants_id_number ON applicants (id_number);

CREATE TABLE cases (
    case_id           TEXT PRIMARY KEY,
    acceptance_number TEXT NOT NULL UNIQUE,
    device_id         TEXT NOT NULL,
    window_id         TEXT NOT NULL,
    county_code       TEXT NOT NULL,
    applicant_id      TEXT NOT NULL,
    item_impl_code    TEXT NOT NULL,
    department        TEXT NOT NULL,
    status            TEXT NOT NULL,
    flow              TEXT NOT NULL,
    snapshot          TEXT NOT NULL,
    device_seq        INTEGER NOT NULL,
    due_on            TEXT,
    due_provisional   INTEGER NOT NULL,
    version           INTEGER NOT NULL DEFAULT 0,
    received_on       TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX cases_inbox ON cases (county_code, department, status);

CREATE TABLE case_parts (
    case_id    TEXT NOT NULL REFERENCES cases (case_id),
    impl_code  TEXT NOT NULL,
    department TEXT NOT NULL,
    status     TEXT NOT NULL,
    PRIMARY KEY (case_id, impl_code)
);
CREATE INDEX case_parts_inbox ON case_parts (department, status);

CREATE TABLE change_log (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    window_id TEXT NOT NULL,
    case_id   TEXT NOT NULL,
    kind      TEXT NOT NULL,
    payload   TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX change_log_window ON change_log (window_id, seq);
