//! Settings per region (`region_settings`, migration 0014): what a region sets applies to
//! everything below it unless a lower region sets its own. Core holds the kinds, their checks
//! and how layers resolve (`gridgov_core::settings`); this module reads the layers of a region
//! (its own values and those of the regions above it), shows them with where each effective value
//! comes from, and writes a region's values inside the caller's scope, each change audited on
//! `settings:<region code>` in its transaction.

mod layers;
mod read;
mod write;

pub(crate) use layers::{LayerBook, layers_for_path, prefixes};
pub use read::{LimitEntry, LocalDayEntry, OwnValue, RegionSettings, SettingEntry};
pub use write::SettingChange;
