//! Settings per region, inherited down the tree: a setting attaches to a region and applies to
//! everything below it unless a lower region sets its own. Built-in defaults stand where no
//! region has set anything. The kinds, their values and checks, and how the layers of a region
//! and its ancestors resolve to the effective value and where it comes from.

mod band;
mod kind;
mod ladder;
mod layers;
mod limits;
mod text;
mod value;

pub use band::{HouseholdBand, PhoneShown};
pub use kind::SettingKind;
pub use ladder::{Ladder, LadderLevel};
pub use layers::{Effective, Layer, Layers, Source};
pub use limits::{LimitRule, TimeLimits, default_limit};
pub use text::{parse_text, to_text};
pub use value::SettingValue;
