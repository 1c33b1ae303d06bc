//! Who takes personal charge (包保) of a matter past the top of the ladder: the nearest leader
//! whose scope holds it — the township's before the county's, the county's before the city's.

use serde::{Deserialize, Serialize};

/// A leader who might take charge: an active user with the leader role and their scope path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub user_id: String,
    pub name: String,
    pub scope_path: String,
}

/// The leader named on the matter, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guarantor {
    pub user_id: String,
    pub name: String,
}

/// The nearest leader for a matter at `path`: of those whose scope contains it, the one with
/// the deepest scope; between leaders of one scope, the first by user id, so every node names
/// the same one.
pub fn nearest_leader<'a>(path: &str, candidates: &'a [Candidate]) -> Option<&'a Candidate> {
    candidates
        .iter()
        .filter(|c| path.starts_with(c.scope_path.as_str()))
        .min_by(|a, b| {
            b.scope_path
                .len()
                .cmp(&a.scope_path.len())
                .then_with(|| a.user_id.cmp(&b.user_id))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, path: &str) -> Candidate {
        Candidate {
            user_id: id.into(),
            name: id.into(),
            scope_path: path.into(),
        }
    }

    #[test]
    fn the_township_before_the_county_before_the_city() {
        let at = "42/4202/420202/420202001/420202001001/G1/";
        let all = [
            c("city", "42/4202/"),
            c("county", "42/4202/420202/"),
            c("township", "42/4202/420202/420202001/"),
            c("elsewhere", "42/4202/420203/420203001/"),
        ];
        assert_eq!(nearest_leader(at, &all).unwrap().user_id, "township");
        assert_eq!(nearest_leader(at, &all[..2]).unwrap().user_id, "county");
        assert_eq!(nearest_leader(at, &all[..1]).unwrap().user_id, "city");
        assert_eq!(nearest_leader(at, &all[3..]), None);
    }

    #[test]
    fn two_leaders_of_one_scope_give_the_same_answer_everywhere() {
        let at = "42/4202/420202/";
        let a = [c("u-b", "42/4202/"), c("u-a", "42/4202/")];
        let b = [c("u-a", "42/4202/"), c("u-b", "42/4202/")];
        assert_eq!(nearest_leader(at, &a).unwrap().user_id, "u-a");
        assert_eq!(nearest_leader(at, &b).unwrap().user_id, "u-a");
    }
}
