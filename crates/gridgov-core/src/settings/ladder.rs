//! The escalation ladder (逐级化解): the levels an unresolved matter climbs and how many attempts
//! each level makes before it goes up. After the last attempt of the last level a named leader
//! takes personal charge (包保).

use serde::{Deserialize, Serialize};

use crate::error::{Checker, FieldError, Invalid};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LadderLevel {
    pub name: String,
    pub attempts: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ladder {
    pub levels: Vec<LadderLevel>,
}

pub const LEVELS_MAX: usize = 10;
pub const ATTEMPTS_MAX: i64 = 10;
const NAME_MAX: usize = 40;

impl Default for Ladder {
    /// Ludian's five levels × two attempts (003: 5级10次): building head → grid meeting →
    /// community → task force → street.
    fn default() -> Self {
        let level = |name: &str| LadderLevel {
            name: name.into(),
            attempts: 2,
        };
        Ladder {
            levels: vec![
                level("楼栋长调解"),
                level("网格议事会"),
                level("社区调解"),
                level("工作专班"),
                level("街道调处"),
            ],
        }
    }
}

impl Ladder {
    /// Attempts in all, e.g. 10 for Ludian's ladder.
    pub fn total_attempts(&self) -> i64 {
        self.levels.iter().map(|l| l.attempts).sum()
    }

    /// Refuses a ladder with no levels, more than ten, a level without a name, and attempts
    /// outside 1–10; each error names the level (`levels[i].attempts`).
    pub fn check(&self) -> Result<(), Invalid> {
        let mut c = Checker::new();
        if self.levels.is_empty() {
            c.push(FieldError::new(
                "levels",
                "no_levels",
                "升级阶梯至少需要一级",
                "the escalation ladder needs at least one level",
            ));
        }
        if self.levels.len() > LEVELS_MAX {
            c.push(FieldError::new(
                "levels",
                "too_many",
                format!("升级阶梯最多 {LEVELS_MAX} 级"),
                format!("the escalation ladder has at most {LEVELS_MAX} levels"),
            ));
        }
        for (i, l) in self.levels.iter().enumerate() {
            let n = crate::text::visible_chars(&l.name);
            if n == 0 {
                c.push(FieldError::new(
                    format!("levels[{i}].name"),
                    "required",
                    format!("第 {} 级需要名称", i + 1),
                    format!("level {} needs a name", i + 1),
                ));
            } else if l.name.chars().count() > NAME_MAX {
                c.push(FieldError::new(
                    format!("levels[{i}].name"),
                    "too_long",
                    format!("名称最多 {NAME_MAX} 个字符"),
                    format!("a name has at most {NAME_MAX} characters"),
                ));
            }
            if l.attempts < 1 || l.attempts > ATTEMPTS_MAX {
                c.push(FieldError::new(
                    format!("levels[{i}].attempts"),
                    "attempts_range",
                    format!(
                        "第 {} 级的次数须为 1 至 {ATTEMPTS_MAX}，现为 {}",
                        i + 1,
                        l.attempts
                    ),
                    format!(
                        "level {} must make 1 to {ATTEMPTS_MAX} attempts, not {}",
                        i + 1,
                        l.attempts
                    ),
                ));
            }
        }
        c.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_five_levels_of_two() {
        let l = Ladder::default();
        assert_eq!(l.levels.len(), 5);
        assert_eq!(l.total_attempts(), 10);
        assert_eq!(l.check(), Ok(()));
    }

    #[test]
    fn a_ladder_without_levels_or_with_bad_attempts_is_refused() {
        let e = Ladder { levels: vec![] }.check().unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].code),
            ("levels", "no_levels")
        );
        let e = Ladder {
            levels: vec![
                LadderLevel {
                    name: " ".into(),
                    attempts: 0,
                },
                LadderLevel {
                    name: "社区".into(),
                    attempts: 11,
                },
            ],
        }
        .check()
        .unwrap_err();
        let got: Vec<_> = e.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(
            got,
            [
                ("levels[0].name", "required"),
                ("levels[0].attempts", "attempts_range"),
                ("levels[1].attempts", "attempts_range"),
            ]
        );
        assert!(e.0[2].zh.contains("11") && e.0[2].en.contains("not 11"));
    }
}
