//! The leaders who might take charge of a matter: active users with the leader role whose scope
//! is the matter's path or a prefix of it (the country's empty scope too). Core picks the
//! nearest.

use gridgov_core::auth::Role;
use gridgov_core::escalation::{Candidate, Guarantor, nearest_leader};
use sqlx::AnyConnection;

use crate::StoreResult;
use crate::db::numbered_params;
use crate::settings::prefixes;

/// The leader in charge of a matter at `path`, or none when no leader's scope holds it.
pub(super) async fn nearest(
    conn: &mut AnyConnection,
    path: &str,
) -> StoreResult<Option<Guarantor>> {
    let mut scopes = prefixes(path);
    scopes.push("");
    let sql = format!(
        "SELECT id, display_name, scope_path FROM users \
         WHERE role = $1 AND disabled = 0 AND scope_path IN ({})",
        numbered_params(2, scopes.len())
    );
    let mut q = sqlx::query_as::<_, (String, String, String)>(&sql).bind(Role::Leader.as_str());
    for s in &scopes {
        q = q.bind(*s);
    }
    let candidates: Vec<Candidate> = q
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(user_id, name, scope_path)| Candidate {
            user_id,
            name,
            scope_path,
        })
        .collect();
    Ok(nearest_leader(path, &candidates).map(|c| Guarantor {
        user_id: c.user_id.clone(),
        name: c.name.clone(),
    }))
}
