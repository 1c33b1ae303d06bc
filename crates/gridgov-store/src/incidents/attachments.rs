//! The attachments of an incident and of its actions: uploaded beforehand by the caller
//! (`crate::attachments`, pending until attached), then attached here in the transaction of the
//! report or the action, and from then on seen by whoever sees the incident.

use gridgov_core::FieldError;
use gridgov_core::auth::Actor;
use gridgov_core::incidents::MAX_ATTACHMENTS;
use gridgov_core::scope::ScopePath;
use sqlx::AnyConnection;

use crate::attachments::attach::attach_in;
use crate::attachments::{Owner, OwnerKind};
use crate::{Store, StoreError, StoreResult};

/// The incident attachments go to: its key and its scope path.
pub(super) struct Target<'a> {
    pub county: &'a str,
    pub id: &'a str,
    pub path: &'a str,
}

impl Store {
    /// Attaches the caller's pending uploads to the incident (within the counts an incident may
    /// hold) and links them, so its page and the event that named them find them.
    pub(super) async fn attach_to_incident(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        to: Target<'_>,
        ids: &[String],
        now: i64,
    ) -> StoreResult<()> {
        let (county, incident_id, path) = (to.county, to.id, to.path);
        if ids.is_empty() {
            return Ok(());
        }
        if ids.len() > MAX_ATTACHMENTS {
            return Err(FieldError::new(
                "attachments",
                "too_many",
                format!("附件最多 {MAX_ATTACHMENTS} 个"),
                format!("at most {MAX_ATTACHMENTS} attachments"),
            )
            .into());
        }
        let owner = Owner {
            kind: OwnerKind::Incident,
            id: incident_id.to_owned(),
            path: ScopePath::from_path(path),
        };
        match attach_in(conn, &self.attachment_limits, actor, ids, &owner).await {
            // Someone else's upload, one attached already, or none: the field says so.
            Err(StoreError::NotFound) => {
                return Err(FieldError::new(
                    "attachments",
                    "unknown_attachment",
                    "附件不存在，或不是您上传的待用附件",
                    "no such attachment among your pending uploads",
                )
                .into());
            }
            other => other?,
        }
        for id in ids {
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
