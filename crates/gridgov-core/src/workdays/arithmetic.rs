//! Time limits on the calendar: adding working days or working time to an instant and
//! counting working time between two instants, each in constant time from the calendar's
//! tables (no walk over the days in between).
//!
//! Instants are Unix milliseconds, like every time in gridgov; days are days in Asia/Shanghai.

use crate::error::FieldError;
use crate::ids::{civil_from_days, format_ymd};

use super::calendar::Calendar;
use super::local::outside;
use super::{CHINA_OFFSET_MS, DAY_MS, HOUR_MS};

impl Calendar {
    /// The deadline of a limit of `days` working days counted from `at`: midnight (24:00,
    /// Asia/Shanghai) at the end of the `days`-th working day after the day of `at`.
    ///
    /// Why this reading of "N个工作日内办结": limits in days follow the Civil Code on periods
    /// (《民法典》第二百零一条, 第二百零三条) as administrative law applies it (e.g.
    /// 《行政许可法》第八十二条, limits in working days exclude public holidays): the day on which
    /// the period starts is not counted, counting begins the next day, and the last day runs to
    /// 24:00. So a matter received at 16:00 on a Friday with a limit of one working day is due
    /// by the end of Monday, and one received at 08:00 the same Friday gets the same deadline.
    /// `days` must be at least 1: a limit of zero or below is refused (field `days`).
    pub fn add_working_days(&self, at: i64, days: i64) -> Result<i64, FieldError> {
        if days < 1 {
            return Err(not_positive("days", "工作日数", "number of working days"));
        }
        let i = self.index_of(at)?;
        // Working days up to and including the start day, plus `days`, gives the ordinal of
        // the last day; `nth` is zero-based.
        let k = u64::from(self.before[i + 1]) + (days as u64) - 1;
        let day = usize::try_from(k)
            .ok()
            .and_then(|k| self.nth.get(k))
            .ok_or_else(|| self.beyond("days"))?;
        Ok((self.first_day + i64::from(*day) + 1) * DAY_MS - CHINA_OFFSET_MS)
    }

    /// Working days from the day of `from` to the day of `to`: those after the first and up to
    /// and including the second, negative when `to` comes first. The inverse of
    /// [`Calendar::add_working_days`]: the last millisecond before a deadline of N days is N
    /// working days from the start.
    pub fn working_days_between(&self, from: i64, to: i64) -> Result<i64, FieldError> {
        let a = self.index_of(from)?;
        let b = self.index_of(to)?;
        Ok(i64::from(self.before[b + 1]) - i64::from(self.before[a + 1]))
    }

    /// The instant by which `ms` milliseconds of working time have passed since `at`, counting
    /// only the working hours of working days. Started outside working hours, the clock waits
    /// for the next period; a limit that ends exactly at the close of a period ends there (at
    /// 17:30, not at 8:30 the next working day). `ms` must be positive (field `ms`).
    pub fn add_working_time(&self, at: i64, ms: i64) -> Result<i64, FieldError> {
        if ms < 1 {
            return Err(not_positive("ms", "工作时长", "working time"));
        }
        let target = self
            .worked_before(at)?
            .checked_add(ms)
            .ok_or_else(|| self.beyond("ms"))?;
        let per_day = self.hours.day_ms();
        // Work done when the target is reached lies on working day `k`, `rest` into it, with
        // `rest` in 1..=per_day so an exact day's end stays on that day.
        let (k, rest) = ((target - 1) / per_day, (target - 1) % per_day + 1);
        let day = usize::try_from(k)
            .ok()
            .and_then(|k| self.nth.get(k))
            .ok_or_else(|| self.beyond("ms"))?;
        Ok(
            (self.first_day + i64::from(*day)) * DAY_MS - CHINA_OFFSET_MS
                + self.hours.time_after(rest),
        )
    }

    /// [`Calendar::add_working_time`] in whole hours (field `hours`).
    pub fn add_working_hours(&self, at: i64, hours: i64) -> Result<i64, FieldError> {
        if hours < 1 {
            return Err(not_positive(
                "hours",
                "工作小时数",
                "number of working hours",
            ));
        }
        let ms = hours
            .checked_mul(HOUR_MS)
            .ok_or_else(|| self.beyond("hours"))?;
        self.add_working_time(at, ms)
            .map_err(|e| e.for_field("hours"))
    }

    /// Working time in milliseconds between two instants, negative when `to` comes first.
    pub fn working_time_between(&self, from: i64, to: i64) -> Result<i64, FieldError> {
        Ok(self.worked_before(to)? - self.worked_before(from)?)
    }

    /// The instant `ms` milliseconds of working time before `at`: the inverse of
    /// [`Calendar::add_working_time`], for moving a clock's start when it resumes after a
    /// suspension (the time used before it stays used). Lands at the start of a period rather
    /// than the end of the previous one. `ms` of zero is `at` itself; below zero is refused
    /// (field `ms`), and so is a start before the calendar's first day.
    pub fn sub_working_time(&self, at: i64, ms: i64) -> Result<i64, FieldError> {
        if ms < 0 {
            return Err(not_positive("ms", "工作时长", "working time"));
        }
        if ms == 0 {
            return Ok(at);
        }
        let target = self.worked_before(at)? - ms;
        if target < 0 {
            return Err(outside("ms", &format_ymd(self.range().0)));
        }
        let per_day = self.hours.day_ms();
        let day = usize::try_from(target / per_day)
            .ok()
            .and_then(|k| self.nth.get(k))
            .ok_or_else(|| self.beyond("ms"))?;
        Ok(
            (self.first_day + i64::from(*day)) * DAY_MS - CHINA_OFFSET_MS
                + self.hours.time_after(target % per_day),
        )
    }

    /// Working time from the start of the calendar to `at`.
    fn worked_before(&self, at: i64) -> Result<i64, FieldError> {
        let i = self.index_of(at)?;
        let whole_days = i64::from(self.before[i]) * self.hours.day_ms();
        Ok(if self.working[i] {
            let local_ms = at + CHINA_OFFSET_MS;
            whole_days + self.hours.elapsed(local_ms.rem_euclid(DAY_MS))
        } else {
            whole_days
        })
    }

    /// The index of the day of `at` in Asia/Shanghai, or an error (field `at`) outside.
    fn index_of(&self, at: i64) -> Result<usize, FieldError> {
        let day = at.saturating_add(CHINA_OFFSET_MS).div_euclid(DAY_MS);
        usize::try_from(day - self.first_day)
            .ok()
            .filter(|&i| i < self.working.len())
            .ok_or_else(|| outside("at", &format_ymd(civil_from_days(day))))
    }

    /// A result past the last day covered: the next year's notice is not in yet.
    fn beyond(&self, field: &str) -> FieldError {
        let last = format_ymd(self.range().1);
        FieldError::new(
            field,
            "beyond_calendar",
            format!("期限超出工作日历（至 {last}），请先录入下一年度的国务院节假日安排"),
            format!(
                "the time limit runs past the end of the working-day calendar ({last}); the next year's State Council holiday notice must be added first"
            ),
        )
    }
}

fn not_positive(field: &str, zh: &str, en: &str) -> FieldError {
    FieldError::new(
        field,
        "not_positive",
        format!("{zh}必须大于零"),
        format!("the {en} must be greater than zero"),
    )
}
