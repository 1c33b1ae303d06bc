//! What backing up and restoring need from the database itself: a consistent copy of a live
//! SQLite database, a snapshot that pg_dump and the counts share on PostgreSQL, and an inventory
//! (tables, migrations, the data key's check, counts) that tells whether a database holds data
//! and whether a backup can be opened with the configured key; and the blobs a database names,
//! which a backup carries beside it.
//!
//! Running pg_dump and pg_restore, and the files themselves (temporary names, modes, renames),
//! belong to the binary; everything here is SQL.

mod blob_ids;
mod inventory;
mod snapshot;
mod sqlite_file;

pub use blob_ids::blob_ids_of_sqlite_file;
pub use inventory::{Contents, Inventory, MAIN_TABLES};
pub use snapshot::Snapshot;
pub use sqlite_file::{inventory_of_sqlite_file, sqlite_file_in_use};
