//! The working-day calendar: public holidays and adjusted working weekends (调休) from the State
//! Council's yearly notices, local days a region lays over them, working hours, and time limits
//! counted in working days or working hours.
//!
//! Days are days in Asia/Shanghai. China has kept UTC+8 without daylight saving since 1991
//! (summer time ran 1986–1991), and the calendar starts in 2020, so a fixed offset is exact
//! and no time-zone database is needed.
//!
//! The calendar covers the years whose notice is published ([`FIRST_DAY`] to [`LAST_DAY`]);
//! an instant or a deadline outside them is an error, never a guess from weekdays alone.

mod arithmetic;
#[cfg(test)]
mod arithmetic_tests;
mod calendar;
mod hours;
mod local;
pub mod official;
mod schedule;

pub use calendar::Calendar;
pub use hours::WorkingHours;
pub use local::{LocalDay, LocalKind};
pub use official::{FIRST_DAY, Festival, LAST_DAY, NOTICES};
pub use schedule::{OfficialKind, official_day, official_days};

pub const MINUTE_MS: i64 = 60_000;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;
/// Asia/Shanghai's offset from UTC, fixed (see the module's note).
pub const CHINA_OFFSET_MS: i64 = 8 * HOUR_MS;
