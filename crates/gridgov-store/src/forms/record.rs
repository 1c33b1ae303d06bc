//! The base-data record a form's values belong to, found inside the caller's scope.

use gridgov_core::auth::Actor;
use gridgov_core::forms::FormTarget;
use sqlx::AnyConnection;

use crate::scope::{BindScope, ScopeRange};
use crate::{StoreError, StoreResult};

/// Where a record lives: the distribution column and the path its scope is judged by.
pub(super) struct RecordPlace {
    pub county_code: String,
    pub path: String,
}

/// The table of each kind; the names are fixed here, never taken from input.
fn table(kind: FormTarget) -> &'static str {
    match kind {
        FormTarget::Persons => "persons",
        FormTarget::Houses => "houses",
        FormTarget::Places => "places",
        FormTarget::Organizations => "organizations",
    }
}

/// The county segment of a scope path (`42/4202/420202/…` → `420202`); none for a scope above
/// the county level.
fn county_of_scope(actor: &Actor) -> Option<&str> {
    actor
        .scope
        .as_str()
        .split('/')
        .nth(2)
        .filter(|c| !c.is_empty())
}

/// The record with this id inside the actor's scope. Outside the scope is `NotFound`, the same
/// answer as no record at all.
pub(super) async fn find_record(
    conn: &mut AnyConnection,
    actor: &Actor,
    kind: FormTarget,
    id: &str,
) -> StoreResult<RecordPlace> {
    let scope = ScopeRange::of(actor);
    let t = table(kind);
    // Records are keyed by (county_code, id). A scope inside one county names the county, which
    // lets the primary key answer; a wider scope has only the path range to go by.
    let row: Option<(String, String)> = match county_of_scope(actor) {
        Some(county) => {
            sqlx::query_as(&format!(
                "SELECT county_code, path FROM {t} WHERE county_code = $1 AND id = $2 AND {}",
                scope.sql("path", 3)
            ))
            .bind(county)
            .bind(id)
            .bind_scope(&scope)
            .fetch_optional(conn)
            .await?
        }
        None => {
            sqlx::query_as(&format!(
                "SELECT county_code, path FROM {t} WHERE id = $1 AND {}",
                scope.sql("path", 2)
            ))
            .bind(id)
            .bind_scope(&scope)
            .fetch_optional(conn)
            .await?
        }
    };
    let (county_code, path) = row.ok_or(StoreError::NotFound)?;
    Ok(RecordPlace { county_code, path })
}
