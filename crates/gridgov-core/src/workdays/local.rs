//! Local days: holidays and working days a region adds over the official schedule, such as
//! Guangxi's 三月三 or a county's flood-season working weekend.

use std::collections::HashMap;

use crate::error::{Checker, FieldError, Invalid};
use crate::ids::{Ymd, days_from_civil, format_ymd, is_valid_date};

use super::official::{FIRST_DAY, LAST_DAY};
use super::schedule::OfficialKind;

/// Whether a local day is off or worked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocalKind {
    Holiday,
    Workday,
}

impl LocalKind {
    fn zh(self) -> &'static str {
        match self {
            LocalKind::Holiday => "放假",
            LocalKind::Workday => "上班",
        }
    }

    fn en(self) -> &'static str {
        match self {
            LocalKind::Holiday => "a holiday",
            LocalKind::Workday => "a working day",
        }
    }
}

/// One day a region sets, with the name people know it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalDay {
    pub date: Ymd,
    pub kind: LocalKind,
    pub name: String,
}

/// Checks a region's local days against each other and the official schedule (`official[i]`
/// is the kind of the `i`-th day from [`FIRST_DAY`]). Each error names the entry
/// (`local_days[i].date`), so a form or an import can point at it.
///
/// Refused: a date outside the calendar; a date entered twice (the same kind twice, or a
/// holiday and a working day: which one holds would depend on order); a holiday on a day
/// already off and a working day on a day already worked, which change nothing and are
/// mistakes; a working day on a public holiday, which no region may take away.
pub(super) fn check(local: &[LocalDay], official: &[OfficialKind]) -> Result<(), Invalid> {
    let mut c = Checker::new();
    let first = days_from_civil(FIRST_DAY);
    let mut seen: HashMap<Ymd, (usize, LocalKind)> = HashMap::new();
    for (i, day) in local.iter().enumerate() {
        let field = format!("local_days[{i}].date");
        if day.name.trim().is_empty() {
            c.push(FieldError::new(
                format!("local_days[{i}].name"),
                "required",
                "请填写本地假日或工作日的名称",
                "the local day needs a name",
            ));
        }
        let (y, m, d) = day.date;
        if !is_valid_date(y, m, d) {
            c.push(FieldError::new(
                field,
                "bad_date",
                format!("日期不存在: {y}-{m}-{d}"),
                format!("no such day in the calendar: {y}-{m}-{d}"),
            ));
            continue;
        }
        let shown = format_ymd(day.date);
        if day.date < FIRST_DAY || day.date > LAST_DAY {
            c.push(outside(field, &shown));
            continue;
        }
        if let Some(&(j, kind)) = seen.get(&day.date) {
            c.push(if kind == day.kind {
                FieldError::new(
                    field,
                    "duplicate",
                    format!("{shown} 已在第 {} 项录入", j + 1),
                    format!("{shown} is already entered as item {}", j + 1),
                )
            } else {
                FieldError::new(
                    field,
                    "conflicting_kind",
                    format!(
                        "{shown} 在第 {} 项录入为{}，不能同时为{}",
                        j + 1,
                        kind.zh(),
                        day.kind.zh()
                    ),
                    format!(
                        "{shown} is entered as {} in item {} and cannot also be {}",
                        kind.en(),
                        j + 1,
                        day.kind.en()
                    ),
                )
            });
            continue;
        }
        seen.insert(day.date, (i, day.kind));
        let kind = official[(days_from_civil(day.date) - first) as usize];
        if let Some(e) = against_official(&field, &shown, day.kind, kind) {
            c.push(e);
        }
    }
    c.finish()
}

/// A local day that changes nothing or takes away a public holiday.
fn against_official(
    field: &str,
    shown: &str,
    local: LocalKind,
    official: OfficialKind,
) -> Option<FieldError> {
    match (local, official) {
        (LocalKind::Workday, OfficialKind::Holiday(f)) => Some(FieldError::new(
            field,
            "official_holiday",
            format!("{shown} 是国务院规定的{}假日，地方不能改为工作日", f.zh()),
            format!(
                "{shown} is a public holiday ({}) set by the State Council; a region cannot make it a working day",
                f.en()
            ),
        )),
        (LocalKind::Workday, k) if k.is_working() => Some(FieldError::new(
            field,
            "already_working",
            format!("{shown} 本来就是工作日"),
            format!("{shown} is already a working day"),
        )),
        (LocalKind::Holiday, k) if !k.is_working() => Some(FieldError::new(
            field,
            "already_off",
            format!("{shown} 本来就是休息日"),
            format!("{shown} is already a day off"),
        )),
        _ => None,
    }
}

/// The error for a day the official schedule does not cover.
pub(super) fn outside(field: impl Into<String>, shown: &str) -> FieldError {
    FieldError::new(
        field,
        "outside_calendar",
        format!(
            "{shown} 不在工作日历范围内（{} 至 {}，以已发布的国务院节假日安排为准）",
            format_ymd(FIRST_DAY),
            format_ymd(LAST_DAY)
        ),
        format!(
            "{shown} is outside the working-day calendar ({} to {}, the years whose State Council holiday notice is published)",
            format_ymd(FIRST_DAY),
            format_ymd(LAST_DAY)
        ),
    )
}
