//! The attachments of an incident and of its actions: uploaded beforehand by the caller
//! (`crate::attachments`), then linked here in the transaction of the report or the action, and
//! from then on seen by whoever sees the incident.

use gridgov_core::FieldError;
use gridgov_core::auth::Actor;
use gridgov_core::incidents::MAX_ATTACHMENTS;
use sqlx::AnyConnection;

use crate::{Store, StoreResult};

impl Store {
    /// The attachments exist, were uploaded by the caller and belong to nothing yet.
    pub(super) async fn check_attachments_of(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        ids: &[String],
    ) -> StoreResult<()> {
        if ids.len() > MAX_ATTACHMENTS {
            return Err(FieldError::new(
                "attachments",
                "too_many",
                format!("附件最多 {MAX_ATTACHMENTS} 个"),
                format!("at most {MAX_ATTACHMENTS} attachments"),
            )
            .into());
        }
        for id in ids {
            let mine: Option<i64> = sqlx::query_scalar(
                "SELECT 1 FROM attachments WHERE id = $1 AND uploaded_by = $2 \
                 AND owner_id IS NULL",
            )
            .bind(id)
            .bind(&actor.user_id)
            .fetch_optional(&mut *conn)
            .await?;
            if mine.is_none() {
                return Err(FieldError::new(
                    "attachments",
                    "unknown_attachment",
                    format!("找不到您上传的这个附件：{id}"),
                    format!("no attachment of yours with this id: {id}"),
                )
                .into());
            }
        }
        Ok(())
    }

    /// Links checked attachments to the incident and gives them its scope.
    pub(super) async fn attach(
        &self,
        conn: &mut AnyConnection,
        county: &str,
        incident_id: &str,
        path: &str,
        ids: &[String],
        now: i64,
    ) -> StoreResult<()> {
        for id in ids {
            sqlx::query(
                "UPDATE attachments SET owner_type = 'incident', owner_id = $2, \
                 county_code = $3, path = $4 WHERE id = $1",
            )
            .bind(id)
            .bind(incident_id)
            .bind(county)
            .bind(path)
            .execute(&mut *conn)
            .await?;
            sqlx::query(
                "INSERT INTO incident_attachments (county_code, incident_id, attachment_id, \
                 added_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(county)
            .bind(incident_id)
            .bind(id)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }
}
