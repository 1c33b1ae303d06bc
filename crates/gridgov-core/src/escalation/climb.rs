//! One attempt up the ladder: from where a matter stands (none before its first climb) to the
//! next attempt of its level, the first attempt of the next level, or past the top to a leader.

use serde::{Deserialize, Serialize};

use crate::settings::Ladder;

/// A place on the ladder: the level (from 0), its name as the ladder in force named it, and the
/// attempt at that level (from 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rung {
    pub level: i64,
    pub name: String,
    pub attempt: i64,
}

/// Where the next climb leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Climb {
    To(Rung),
    /// Past the last attempt of the last level: a named leader takes charge.
    Leader,
}

/// The rung at a stored (level, attempt), named from the ladder; a level the ladder no longer
/// has (it was shortened since) is named by its number.
pub fn rung_at(ladder: &Ladder, level: i64, attempt: i64) -> Rung {
    let name = usize::try_from(level)
        .ok()
        .and_then(|l| ladder.levels.get(l))
        .map_or_else(|| format!("第 {} 级", level + 1), |l| l.name.clone());
    Rung {
        level,
        name,
        attempt,
    }
}

/// The next climb from `at` (level, attempt), or from the foot when the matter never climbed.
/// The ladder is the one in force now: a matter standing on a level the ladder no longer has,
/// or on an attempt past what its level now allows, goes on from there as the ladder says (the
/// next level, or the leader past the last).
pub fn next_climb(ladder: &Ladder, at: Option<(i64, i64)>) -> Climb {
    let levels = ladder.levels.len() as i64;
    let (level, attempt) = match at {
        None => (0, 1),
        Some((level, attempt)) => {
            let allowed = usize::try_from(level)
                .ok()
                .and_then(|l| ladder.levels.get(l))
                .map_or(0, |l| l.attempts);
            if attempt < allowed {
                (level, attempt + 1)
            } else {
                (level.max(0) + 1, 1)
            }
        }
    };
    if level >= levels {
        return Climb::Leader;
    }
    Climb::To(rung_at(ladder, level, attempt))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::LadderLevel;

    fn walk(ladder: &Ladder) -> Vec<Climb> {
        let mut out = Vec::new();
        let mut at = None;
        loop {
            let c = next_climb(ladder, at);
            out.push(c.clone());
            match c {
                Climb::To(r) => at = Some((r.level, r.attempt)),
                Climb::Leader => return out,
            }
        }
    }

    #[test]
    fn ludians_ladder_is_ten_attempts_then_the_leader() {
        let l = Ladder::default();
        let steps = walk(&l);
        assert_eq!(steps.len(), 11);
        let rungs: Vec<(i64, i64)> = steps
            .iter()
            .filter_map(|c| match c {
                Climb::To(r) => Some((r.level, r.attempt)),
                Climb::Leader => None,
            })
            .collect();
        assert_eq!(
            rungs,
            [
                (0, 1),
                (0, 2),
                (1, 1),
                (1, 2),
                (2, 1),
                (2, 2),
                (3, 1),
                (3, 2),
                (4, 1),
                (4, 2)
            ]
        );
        assert_eq!(
            steps[0],
            Climb::To(Rung {
                level: 0,
                name: "楼栋长调解".into(),
                attempt: 1
            })
        );
        assert_eq!(steps[10], Climb::Leader);
    }

    #[test]
    fn a_custom_ladder_climbs_its_own_levels_and_attempts() {
        let l = Ladder {
            levels: vec![
                LadderLevel {
                    name: "网格调解".into(),
                    attempts: 1,
                },
                LadderLevel {
                    name: "街道调处".into(),
                    attempts: 3,
                },
            ],
        };
        let names: Vec<String> = walk(&l)
            .into_iter()
            .map(|c| match c {
                Climb::To(r) => format!("{}#{}", r.name, r.attempt),
                Climb::Leader => "leader".into(),
            })
            .collect();
        assert_eq!(
            names,
            [
                "网格调解#1",
                "街道调处#1",
                "街道调处#2",
                "街道调处#3",
                "leader"
            ]
        );
    }

    #[test]
    fn a_ladder_changed_under_a_matter_goes_on_from_where_it_stands() {
        let short = Ladder {
            levels: vec![LadderLevel {
                name: "社区调解".into(),
                attempts: 1,
            }],
        };
        // Stood on the third level of the old ladder: past the new top.
        assert_eq!(next_climb(&short, Some((2, 1))), Climb::Leader);
        // Second attempt where one is now allowed: up to the next level (here the leader).
        assert_eq!(next_climb(&short, Some((0, 2))), Climb::Leader);
        assert_eq!(rung_at(&short, 2, 1).name, "第 3 级");
    }
}
