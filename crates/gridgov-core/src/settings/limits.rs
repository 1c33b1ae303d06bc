//! Time limits per category × grade × step. A region's setting is a list of rules; a rule names
//! a step and, optionally, a category (with everything below it in the tree) and a grade. The
//! limit of a matter is the most specific rule of the nearest region that has one for its step,
//! or the built-in default for its grade.

use serde::{Deserialize, Serialize};

use crate::deadlines::{LimitUnit, Step, TimeLimit};
use crate::error::{Checker, FieldError, Invalid};
use crate::incidents::Grade;

/// One rule of a region's limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitRule {
    /// A category code; its subcategories too. None: every category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// None: every grade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
    pub step: Step,
    pub amount: i64,
    pub unit: LimitUnit,
}

impl LimitRule {
    pub fn limit(&self) -> TimeLimit {
        TimeLimit {
            amount: self.amount,
            unit: self.unit,
        }
    }

    /// How closely the rule fits a matter, or None when it does not apply: a longer category
    /// code fits closer than a shorter one, which fits closer than none; a grade breaks ties.
    pub fn fit(&self, category: &str, grade: Grade, step: Step) -> Option<usize> {
        if self.step != step || self.grade.is_some_and(|g| g != grade) {
            return None;
        }
        let by_category = match &self.category {
            Some(c) if category.starts_with(c.as_str()) => c.len() + 1,
            Some(_) => return None,
            None => 0,
        };
        Some(by_category * 2 + usize::from(self.grade.is_some()))
    }
}

/// A region's limits, as a list of rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TimeLimits(pub Vec<LimitRule>);

/// Limits beyond these are typing slips (a year of working days, a quarter of working hours).
const DAYS_MAX: i64 = 250;
const HOURS_MAX: i64 = 500;
pub const RULES_MAX: usize = 500;

impl TimeLimits {
    /// The closest rule for a matter, if any rule applies.
    pub fn find(&self, category: &str, grade: Grade, step: Step) -> Option<TimeLimit> {
        self.0
            .iter()
            .filter_map(|r| r.fit(category, grade, step).map(|f| (f, r)))
            .max_by_key(|(f, _)| *f)
            .map(|(_, r)| r.limit())
    }

    /// Refuses no rules, a limit of zero or below or implausibly long, a category code that is
    /// not one (two to six digits, in pairs), and two rules for the same category, grade and
    /// step; each error names the rule (`rules[i].amount`).
    pub fn check(&self) -> Result<(), Invalid> {
        let mut c = Checker::new();
        if self.0.is_empty() {
            c.push(FieldError::new(
                "rules",
                "required",
                "至少需要一条时限；要沿用上级设置，请清除本级设置",
                "at least one limit is needed; to follow the region above, clear this region's setting",
            ));
        }
        if self.0.len() > RULES_MAX {
            c.push(FieldError::new(
                "rules",
                "too_many",
                format!("最多 {RULES_MAX} 条时限"),
                format!("at most {RULES_MAX} limits"),
            ));
        }
        for (i, r) in self.0.iter().enumerate() {
            if r.amount < 1 {
                c.push(FieldError::new(
                    format!("rules[{i}].amount"),
                    "not_positive",
                    format!("第 {} 条时限必须大于零，现为 {}", i + 1, r.amount),
                    format!(
                        "limit {} must be greater than zero, not {}",
                        i + 1,
                        r.amount
                    ),
                ));
            } else {
                let max = match r.unit {
                    LimitUnit::WorkingDays => DAYS_MAX,
                    LimitUnit::WorkingHours => HOURS_MAX,
                };
                if r.amount > max {
                    c.push(FieldError::new(
                        format!("rules[{i}].amount"),
                        "too_long",
                        format!("第 {} 条时限最多 {max} 个{}", i + 1, r.unit.label_zh()),
                        format!("limit {} is at most {max} {}", i + 1, r.unit.label_en()),
                    ));
                }
            }
            if let Some(code) = &r.category {
                let ok = !code.is_empty()
                    && code.len() <= 6
                    && code.len() % 2 == 0
                    && code.bytes().all(|b| b.is_ascii_digit());
                if !ok {
                    c.push(FieldError::new(
                        format!("rules[{i}].category"),
                        "bad_category",
                        format!("事件分类代码无效：{code}"),
                        format!("not an incident category code: {code}"),
                    ));
                }
            }
            if let Some(j) = self.0[..i]
                .iter()
                .position(|o| o.category == r.category && o.grade == r.grade && o.step == r.step)
            {
                c.push(FieldError::new(
                    format!("rules[{i}]"),
                    "duplicate",
                    format!("第 {} 条与第 {} 条的分类、等级和环节相同", i + 1, j + 1),
                    format!(
                        "limit {} has the same category, grade and step as limit {}",
                        i + 1,
                        j + 1
                    ),
                ));
            }
        }
        c.finish()
    }
}

/// The built-in limit of a step for a grade, where no region sets one. Accepting and
/// dispatching are the center's desk work, counted in hours for urgent and major matters;
/// handling follows the grade (an urgent matter is dealt with the next working day, a major
/// one is given three weeks for the several departments it needs); review is the center's
/// check of the result. Data, not a rule: regions set their own.
pub fn default_limit(grade: Grade, step: Step) -> TimeLimit {
    use Grade as G;
    use Step as S;
    match (step, grade) {
        (S::Accept | S::Dispatch, G::Urgent) => TimeLimit::hours(2),
        (S::Accept | S::Dispatch, G::Major) => TimeLimit::hours(4),
        (S::Accept | S::Dispatch, G::Serious | G::General) => TimeLimit::days(1),
        (S::Handle, G::Urgent) => TimeLimit::days(1),
        (S::Handle, G::Major) => TimeLimit::days(15),
        (S::Handle, G::Serious) => TimeLimit::days(10),
        (S::Handle, G::General) => TimeLimit::days(7),
        (S::Review, G::Urgent) => TimeLimit::hours(4),
        (S::Review, G::Major | G::Serious) => TimeLimit::days(2),
        (S::Review, G::General) => TimeLimit::days(3),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(category: Option<&str>, grade: Option<Grade>, step: Step, amount: i64) -> LimitRule {
        LimitRule {
            category: category.map(Into::into),
            grade,
            step,
            amount,
            unit: LimitUnit::WorkingDays,
        }
    }

    #[test]
    fn the_closest_rule_wins() {
        let l = TimeLimits(vec![
            rule(None, None, Step::Handle, 5),
            rule(Some("01"), None, Step::Handle, 8),
            rule(Some("0102"), None, Step::Handle, 12),
            rule(Some("01"), Some(Grade::Major), Step::Handle, 20),
        ]);
        let days = |c, g, s| l.find(c, g, s).map(|t| t.amount);
        assert_eq!(days("0301", Grade::General, Step::Handle), Some(5));
        assert_eq!(days("0101", Grade::General, Step::Handle), Some(8));
        assert_eq!(days("0101", Grade::Major, Step::Handle), Some(20));
        // A longer category code is closer than a grade on a shorter one.
        assert_eq!(days("010203", Grade::Major, Step::Handle), Some(12));
        assert_eq!(days("0101", Grade::General, Step::Accept), None);
    }

    #[test]
    fn bad_limits_are_named() {
        let mut twice = rule(Some("01"), None, Step::Accept, 1);
        twice.unit = LimitUnit::WorkingHours;
        let e = TimeLimits(vec![
            rule(None, None, Step::Handle, 0),
            rule(Some("1"), None, Step::Handle, -3),
            rule(None, None, Step::Review, 300),
            twice.clone(),
            twice,
        ])
        .check()
        .unwrap_err();
        let got: Vec<_> = e.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(
            got,
            [
                ("rules[0].amount", "not_positive"),
                ("rules[1].amount", "not_positive"),
                ("rules[1].category", "bad_category"),
                ("rules[2].amount", "too_long"),
                ("rules[4]", "duplicate"),
            ]
        );
        assert!(e.0[0].zh.contains("大于零") && e.0[0].en.contains("greater than zero"));
        assert_eq!(
            TimeLimits(vec![]).check().unwrap_err().0[0].code,
            "required"
        );
    }

    #[test]
    fn every_grade_and_step_has_a_default() {
        for g in Grade::ALL {
            for s in Step::ALL {
                assert!(default_limit(*g, *s).amount > 0);
            }
        }
    }
}
