//! Time limits on the incident loop (限期办结): the steps a limit applies to, where a step's
//! clock stands after an action, and the traffic light (红黄绿灯) of a clock. Pure arithmetic
//! over the working-day calendar; the store keeps the clocks and calls these.

mod clock;
mod light;
mod step;

pub use clock::{
    ClockPlan, Recomputed, Resumed, deadline, extend, pause, plan, recompute, resume, step_of_clock,
};
pub use light::{Light, YELLOW_FROM_PERCENT, light};
pub use step::{LimitUnit, Step, TimeLimit};
