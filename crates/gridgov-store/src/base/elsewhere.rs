//! Persons an import may not touch: those recorded in a county the import writes to, outside
//! the importer's scope. A person's key is (county, ID number), not their grid, so a row naming
//! a grid inside the scope can meet a record elsewhere in the county; the upsert would then
//! overwrite that record and pull it into the importer's grid. The checker reports such rows
//! instead, like the single-record form does.

use std::collections::HashSet;

use futures_util::TryStreamExt;
use gridgov_core::scope::ScopePath;

use super::checker::fingerprint;
use super::writer::Conn;
use crate::StoreResult;
use crate::scope::{BindScope, ScopeRange};

/// The county path (`42/4202/420202/`) and code of a scope narrower than a county; `None` for a
/// county or wider, where every county the import can write to lies wholly inside the scope.
fn county_around(scope: &ScopePath) -> Option<(String, String)> {
    let segments: Vec<&str> = scope.as_str().split_terminator('/').collect();
    if segments.len() <= 3 {
        return None;
    }
    Some((
        format!("{}/", segments[..3].join("/")),
        segments[2].to_owned(),
    ))
}

/// Fingerprints of the persons' keys (`county|blind index`, as the persons plan makes them) in
/// the scope's county outside the scope. Read on the import's own connection, after it took
/// the table for writing, so nobody moves a person in or out before the import commits.
/// Costs one pass over the rest of the county (two ranges of the path index) for importers
/// narrower than a county, and nothing for the others.
pub(crate) async fn persons_elsewhere(
    conn: &mut Conn,
    scope: &ScopePath,
) -> StoreResult<HashSet<u128>> {
    let mut out = HashSet::new();
    let Some((county_path, county)) = county_around(scope) else {
        return Ok(out);
    };
    let county_range = ScopeRange::of_path(&ScopePath::from_path(county_path));
    let (before, after) = ScopeRange::of_path(scope).rest_of(&county_range);
    let sql = format!(
        "SELECT id_card_bidx FROM persons WHERE county_code = $1 AND ({} OR {})",
        before.sql("path", 2),
        after.sql("path", 4)
    );
    macro_rules! read {
        ($c:expr) => {{
            let mut rows = sqlx::query_scalar::<_, String>(&sql)
                .bind(&county)
                .bind_scope(&before)
                .bind_scope(&after)
                .fetch(&mut *$c);
            while let Some(index) = rows.try_next().await? {
                out.insert(fingerprint(&format!("{county}|{index}")));
            }
        }};
    }
    match conn {
        Conn::Sqlite(c) => read!(c),
        Conn::Pg(c) => read!(c),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_scopes_below_a_county_have_a_county_around() {
        for wide in ["", "42/", "42/4202/", "42/4202/420202/"] {
            assert_eq!(county_around(&ScopePath::from_path(wide)), None, "{wide}");
        }
        assert_eq!(
            county_around(&ScopePath::from_path(
                "42/4202/420202/420202001/420202001001/"
            )),
            Some(("42/4202/420202/".into(), "420202".into()))
        );
    }
}
