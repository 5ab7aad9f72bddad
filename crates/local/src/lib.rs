//! The window's own database (ARCHITECTURE.md §3): the SQLite schema and its migrations, the
//! repositories for catalogue items, applicants, cases, the append-only case timeline, the outbox,
//! attachments and acceptance-number sequences, search indexes, and the handling of the key that
//! encrypts the file at rest. It stores and finds; it does not decide. Whether a case may be
//! accepted or what its deadline is comes from `onestop-domain`, and orchestration of a use case
//! (one transaction per clerk action) is called from `onestop-desk`. No network and no UI here.
