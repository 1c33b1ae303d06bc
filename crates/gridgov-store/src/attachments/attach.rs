//! Giving pending uploads their owner, and counting what an owner has: the calls the owner's
//! code (incidents) makes, inside its own transaction where it has one.

use gridgov_core::auth::Actor;
use sqlx::AnyConnection;

use super::limits::{AttachmentLimits, KindCounts};
use super::{AttachmentKind, Owner};
use crate::grids::county_of;
use crate::{Store, StoreError, StoreResult};

impl Store {
    /// Attaches pending uploads of the actor to an owner inside the actor's scope, within the
    /// owner's counts; `attach::attach_in` does the same inside the owner's own transaction.
    pub async fn attach(&self, actor: &Actor, ids: &[String], owner: &Owner) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        attach_in(&mut tx, &self.attachment_limits, actor, ids, owner).await?;
        tx.commit().await?;
        Ok(())
    }
}

pub(super) fn check_owner(actor: &Actor, owner: &Owner) -> StoreResult<()> {
    if owner.id.trim().is_empty() {
        return Err(StoreError::Internal("an owner without an id".into()));
    }
    // An owner outside the scope is answered as one that does not exist.
    if !actor.scope.contains(owner.path.as_str()) {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// How many photos and documents an owner has.
pub(crate) async fn owner_counts(
    conn: &mut AnyConnection,
    owner: &Owner,
) -> StoreResult<KindCounts> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT kind, COUNT(*) FROM attachments WHERE owner_type = $1 AND owner_id = $2 \
         GROUP BY kind",
    )
    .bind(owner.kind.as_str())
    .bind(&owner.id)
    .fetch_all(conn)
    .await?;
    let mut counts = KindCounts::default();
    for (kind, n) in rows {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        match kind.as_str() {
            "photo" => counts.photos = n,
            _ => counts.documents = n,
        }
    }
    Ok(counts)
}

/// Attaches the actor's own pending uploads to an owner, inside a write transaction the caller
/// holds (reporting an incident attaches its photos in the transaction that creates it). An id
/// that is not a pending upload of the actor is `NotFound`, already attached ones included.
pub(crate) async fn attach_in(
    conn: &mut AnyConnection,
    limits: &AttachmentLimits,
    actor: &Actor,
    ids: &[String],
    owner: &Owner,
) -> StoreResult<()> {
    check_owner(actor, owner)?;
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    let mut adding = KindCounts::default();
    for id in &ids {
        let kind: Option<(String,)> = sqlx::query_as(
            "SELECT kind FROM attachments WHERE id = $1 AND owner_id IS NULL AND uploaded_by = $2 \
             AND owner_type = $3",
        )
        .bind(id)
        .bind(&actor.user_id)
        .bind(owner.kind.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        match kind.as_ref().map(|(k,)| k.as_str()) {
            Some("photo") => adding.add(AttachmentKind::Photo),
            Some(_) => adding.add(AttachmentKind::Document),
            None => return Err(StoreError::NotFound),
        }
    }
    limits.check_counts(owner_counts(conn, owner).await?, adding)?;
    for id in &ids {
        sqlx::query(
            "UPDATE attachments SET owner_id = $1, path = $2, county_code = $3 \
             WHERE id = $4 AND owner_id IS NULL AND uploaded_by = $5",
        )
        .bind(&owner.id)
        .bind(owner.path.as_str())
        .bind(county_of(owner.path.as_str()))
        .bind(id)
        .bind(&actor.user_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
