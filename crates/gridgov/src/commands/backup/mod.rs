//! `gridgov backup` and `gridgov restore`.
//!
//! A backup is one file: on SQLite a copy of the database (`VACUUM INTO`, consistent while the
//! server writes), on PostgreSQL a pg_dump archive in custom format; and beside it a folder of
//! the attachment files its rows name. Neither holds the data key or the secret key. A restore checks before it changes anything that the configured data key
//! opens the backup's sealed values and that it would not overwrite data unasked; then it
//! restores, applies pending migrations and verifies the audit chain.

mod blobs;
mod file;
mod pg_archive;
mod pg_tools;
mod report;
mod restore;
mod restore_postgres;
mod restore_sqlite;
mod write;

pub use restore::run as restore;
pub use write::run as backup;
