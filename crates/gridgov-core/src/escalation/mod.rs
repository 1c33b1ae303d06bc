//! The escalation ladder climbed (逐级化解): what the periodic pass does with a matter whose
//! clock ran low or out — marked due soon once at the yellow light, marked overdue once when the
//! due time passes, then one attempt up its region's ladder with the step's clock started again,
//! and after the last attempt of the last level a named leader in charge (包保). Pure rules; the
//! store's pass reads the facts, asks these, and writes what they say.

mod climb;
mod guarantor;
mod watch;

pub use climb::{Climb, Rung, next_climb, rung_at};
pub use guarantor::{Candidate, Guarantor, nearest_leader};
pub use watch::{Mark, Watch, marks, next_check, warn_at};
