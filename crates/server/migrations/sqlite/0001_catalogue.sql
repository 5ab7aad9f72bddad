-- Published catalogue editions. The newest by `seq` is current; older ones stay for cases that
-- pinned them.
CREATE TABLE catalogue_editions (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    edition      TEXT NOT NULL,
    etag         TEXT NOT NULL UNIQUE,
    item_count   INTEGER NOT NULL,
    body         TEXT NOT NULL,
    published_at TEXT NOT NULL
);
