//! Embedded SQL migrations. Each backend has its own folder because the dialects differ; both are
//! applied by version number and recorded in `schema_migrations`.

/// One migration: a version, a name for logs, and plain SQL.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_catalogue",
        sql: include_str!("../../migrations/sqlite/0001_catalogue.sql"),
    },
    Migration {
        version: 2,
        name: "0002_sync",
        sql: include_str!("../../migrations/sqlite/0002_sync.sql"),
    },
    Migration {
        version: 3,
        name: "0003_uploads",
        sql: include_str!("../../migrations/sqlite/0003_uploads.sql"),
    },
    Migration {
        version: 4,
        name: "0004_change_log_by_case",
        sql: include_str!("../../migrations/sqlite/0004_change_log_by_case.sql"),
    },
];

pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_catalogue",
        sql: include_str!("../../migrations/postgres/0001_catalogue.sql"),
    },
    Migration {
        version: 2,
        name: "0002_sync",
        sql: include_str!("../../migrations/postgres/0002_sync.sql"),
    },
    Migration {
        version: 3,
        name: "0003_uploads",
        sql: include_str!("../../migrations/postgres/0003_uploads.sql"),
    },
    Migration {
        version: 4,
        name: "0004_change_log_by_case",
        sql: include_str!("../../migrations/postgres/0004_change_log_by_case.sql"),
    },
];
