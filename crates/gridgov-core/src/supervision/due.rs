//! A card's deadline for its reply: so many working days from now on the region's calendar, or
//! the end of a named day (Asia/Shanghai). Never in the past.

use crate::error::FieldError;
use crate::ids::{Ymd, days_from_civil, format_ymd, parse_date};
use crate::workdays::{CHINA_OFFSET_MS, Calendar, DAY_MS};

/// The longest a card may give, in working days: a quarter's work, beyond which a deadline
/// presses on nothing.
pub const MAX_DUE_DAYS: i64 = 60;

/// How a deadline was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardDue {
    WorkingDays(i64),
    /// The reply is due by the end of this day.
    Date(Ymd),
}

impl CardDue {
    /// Reads the two form fields, of which exactly one is filled: `due_days` (working days) or
    /// `due_date` (YYYY-MM-DD).
    pub fn parse(due_days: &str, due_date: &str) -> Result<CardDue, FieldError> {
        match (due_days.trim(), due_date.trim()) {
            ("", "") => Err(FieldError::new(
                "due_days",
                "required",
                "请给出回复期限：工作日数或日期",
                "give the reply's deadline: working days or a date",
            )),
            (d, "") => {
                let n: i64 = d.parse().map_err(|_| {
                    FieldError::new(
                        "due_days",
                        "not_a_number",
                        "期限须为整数个工作日",
                        "the deadline must be a whole number of working days",
                    )
                })?;
                if !(1..=MAX_DUE_DAYS).contains(&n) {
                    return Err(FieldError::new(
                        "due_days",
                        "out_of_range",
                        format!("期限须为 1 至 {MAX_DUE_DAYS} 个工作日"),
                        format!("the deadline must be 1 to {MAX_DUE_DAYS} working days"),
                    ));
                }
                Ok(CardDue::WorkingDays(n))
            }
            ("", d) => Ok(CardDue::Date(parse_date("due_date", d)?)),
            _ => Err(FieldError::new(
                "due_date",
                "both_given",
                "工作日数与日期只填其一",
                "give working days or a date, not both",
            )),
        }
    }
}

/// The instant the reply is due, from `now` on the region's calendar; a date before today is
/// refused as past, and so is a count of working days the calendar cannot reach.
pub fn card_due_at(cal: &Calendar, now: i64, due: CardDue) -> Result<i64, FieldError> {
    match due {
        CardDue::WorkingDays(n) => cal
            .add_working_days(now, n)
            .map_err(|e| e.for_field("due_days")),
        CardDue::Date(d) => {
            let end = (days_from_civil(d) + 1) * DAY_MS - CHINA_OFFSET_MS;
            if end <= now {
                return Err(FieldError::new(
                    "due_date",
                    "in_the_past",
                    format!("期限 {} 已过", format_ymd(d)),
                    format!("the deadline {} is in the past", format_ymd(d)),
                ));
            }
            Ok(end)
        }
    }
}
