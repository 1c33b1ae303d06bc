//! `gridgov bench workdays`: deadlines on the working-day calendar, added on one thread.
//!
//! Each pass runs the same pseudo-random (instant, limit) pairs through four loops: plain `i64`
//! addition of N days (the floor: the loop and the inputs alone), the calendar's working-day
//! addition, its working-hour addition, and a day-by-day walk over the calendar (what a
//! deadline costs without the prefix tables). The walk's answers are compared with the
//! table's; one that differs fails the bench.

use std::hint::black_box;
use std::time::Instant;

use anyhow::{Result, bail};
use gridgov_core::ids::civil_from_days;
use gridgov_core::workdays::{CHINA_OFFSET_MS, Calendar, DAY_MS, FIRST_DAY, HOUR_MS};
use rand::{Rng, SeedableRng};

use super::stats::median;

/// The target: working-day additions per second on one core.
const TARGET_RATE: f64 = 10_000_000.0;

/// Distinct inputs, cycled; a power of two so the index is a mask, and small enough to stay
/// in cache, so the loops time the arithmetic, not memory.
const INPUTS: usize = 1 << 16;

/// Timed passes; the median is reported.
const PASSES: usize = 5;

/// The walk is thousands of times slower; it gets this share of the additions.
const WALK_SHARE: u64 = 200;

pub fn run(additions: u64, seed: u64) -> Result<()> {
    println!("machine: {}", super::machine());
    let cal = Calendar::official();
    let (first, last) = cal.range();
    println!(
        "calendar: official, {} to {}, {} working days, {} working hours a day",
        gridgov_core::ids::format_ymd(first),
        gridgov_core::ids::format_ymd(last),
        cal.working_day_count(),
        cal.hours().day_hours()
    );
    let inputs = inputs(seed);
    let walk_additions = (additions / WALK_SHARE).max(1);

    let mut floor = Vec::new();
    let mut days = Vec::new();
    let mut hours = Vec::new();
    let mut walk = Vec::new();
    for pass in 1..=PASSES {
        floor.push(rate(additions, || {
            let mut acc = 0i64;
            for i in 0..additions {
                let (t, n) = inputs[i as usize & (INPUTS - 1)];
                acc ^= black_box(t) + black_box(n) * DAY_MS;
            }
            acc
        }));
        days.push(rate(additions, || {
            let mut acc = 0i64;
            for i in 0..additions {
                let (t, n) = inputs[i as usize & (INPUTS - 1)];
                acc ^= cal
                    .add_working_days(black_box(t), black_box(n))
                    .unwrap_or(0);
            }
            acc
        }));
        hours.push(rate(additions, || {
            let mut acc = 0i64;
            for i in 0..additions {
                let (t, n) = inputs[i as usize & (INPUTS - 1)];
                acc ^= cal
                    .add_working_time(black_box(t), black_box(n) * HOUR_MS)
                    .unwrap_or(0);
            }
            acc
        }));
        walk.push(rate(walk_additions, || {
            let mut acc = 0i64;
            for i in 0..walk_additions {
                let (t, n) = inputs[i as usize & (INPUTS - 1)];
                acc ^= walk_days(&cal, black_box(t), black_box(n)).unwrap_or(0);
            }
            acc
        }));
        println!(
            "pass {pass}/{PASSES}: floor {:.1} M/s, working days {:.1} M/s, working hours {:.1} \
             M/s, day-by-day walk {:.3} M/s",
            floor[pass - 1] / 1e6,
            days[pass - 1] / 1e6,
            hours[pass - 1] / 1e6,
            walk[pass - 1] / 1e6,
        );
    }
    check_against_walk(&cal, &inputs)?;

    let m = |v: &[f64]| median(v).unwrap_or(0.0);
    let (floor, days, hours, walk) = (m(&floor), m(&days), m(&hours), m(&walk));
    println!(
        "{additions} additions a loop, {INPUTS} distinct (instant, N) with N of 1–30, one thread, \
         median of {PASSES} passes"
    );
    println!(
        "working days:  {:>8.1} M additions/s (target ≥ {:.0} M/s: {})",
        days / 1e6,
        TARGET_RATE / 1e6,
        if days >= TARGET_RATE { "met" } else { "MISSED" }
    );
    println!(
        "working hours: {:>8.1} M additions/s (target ≥ {:.0} M/s: {})",
        hours / 1e6,
        TARGET_RATE / 1e6,
        if hours >= TARGET_RATE {
            "met"
        } else {
            "MISSED"
        }
    );
    println!(
        "floor, plain i64 t + N·86,400,000: {:.1} M/s; the calendar costs {:.1}× the floor",
        floor / 1e6,
        floor / days.max(f64::MIN_POSITIVE)
    );
    println!(
        "day-by-day walk: {:.3} M/s; the tables are {:.0}× faster",
        walk / 1e6,
        days / walk.max(f64::MIN_POSITIVE)
    );
    Ok(())
}

/// Instants over 2020 to mid-2026 (so a limit of 30 working days stays inside the calendar)
/// and limits of 1–30 days or hours.
fn inputs(seed: u64) -> Vec<(i64, i64)> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let start = gridgov_core::ids::days_from_civil(FIRST_DAY) * DAY_MS - CHINA_OFFSET_MS;
    let end = gridgov_core::ids::days_from_civil((2026, 7, 1)) * DAY_MS - CHINA_OFFSET_MS;
    (0..INPUTS)
        .map(|_| (rng.gen_range(start..end), rng.gen_range(1..=30)))
        .collect()
}

/// Runs `work` once and gives operations per second.
fn rate(ops: u64, work: impl FnOnce() -> i64) -> f64 {
    let started = Instant::now();
    black_box(work());
    ops as f64 / started.elapsed().as_secs_f64().max(1e-9)
}

/// The deadline of `n` working days the slow way: one calendar day at a time.
fn walk_days(cal: &Calendar, t: i64, mut n: i64) -> Option<i64> {
    let mut day = (t + CHINA_OFFSET_MS).div_euclid(DAY_MS);
    while n > 0 {
        day += 1;
        if cal.is_working_day(civil_from_days(day)).ok()? {
            n -= 1;
        }
    }
    Some((day + 1) * DAY_MS - CHINA_OFFSET_MS)
}

fn check_against_walk(cal: &Calendar, inputs: &[(i64, i64)]) -> Result<()> {
    for &(t, n) in inputs {
        let table = cal.add_working_days(t, n).ok();
        let walked = walk_days(cal, t, n);
        if table != walked {
            bail!("deadline of {n} working days from {t}: tables {table:?}, walk {walked:?}");
        }
    }
    println!("checked: all {} deadlines equal the walk's", inputs.len());
    Ok(())
}
