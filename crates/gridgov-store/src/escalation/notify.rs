//! The notices of a batch (临期, 超期, 升级), written in the batch's transaction so a mark and
//! its notices are kept or lost together, and a second pass that finds the mark made sends
//! nothing again. Due soon goes to whoever must act now; overdue and a climb also to the
//! operators of the center holding the matter; a leader taking charge to the leader too.

use gridgov_core::incidents::IncidentEvent;
use gridgov_core::notify::{NoticeKind, NotifyChannels};
use serde_json::json;
use sqlx::AnyConnection;

use super::write::Row;
use crate::StoreResult;
use crate::notices::{Held, Holders, NewNotice, Planned, enqueue_batch};
use crate::settings::LayerBook;

/// Enqueues the notices of the rows written; answers the inbox rows made.
pub(super) async fn tell(
    conn: &mut AnyConnection,
    now: i64,
    rows: &[&Row],
    book: &mut LayerBook,
) -> StoreResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    let held: Vec<Held<'_>> = rows
        .iter()
        .map(|r| Held {
            county: &r.county,
            id: &r.id,
            center_path: &r.center_path,
        })
        .collect();
    let holders = Holders::load(conn, &held).await?;
    // (notice, users, index of its channels)
    let mut notices: Vec<(NewNotice, Vec<String>, usize)> = Vec::new();
    let mut channels: Vec<NotifyChannels> = Vec::new();
    for (row, h) in rows.iter().zip(&held) {
        channels.push(book.place(&row.path).layers.notify_channels());
        let acting = holders.acting(h);
        let with_center = || {
            let mut all = acting.clone();
            all.extend(holders.of_center(&row.center_path));
            all
        };
        for e in &row.events {
            let (kind, params, users) = match e {
                IncidentEvent::DueSoon { .. } => (NoticeKind::DueSoon, json!({}), acting.clone()),
                IncidentEvent::Overdue { .. } => (NoticeKind::Overdue, json!({}), with_center()),
                IncidentEvent::Escalated { to, .. } => (
                    NoticeKind::Escalated,
                    json!({"level": to.name}),
                    with_center(),
                ),
                IncidentEvent::GuarantorAssigned { guarantor, .. } => {
                    let mut users = with_center();
                    users.extend(guarantor.iter().map(|g| g.user_id.clone()));
                    let leader = guarantor.as_ref().map_or("", |g| g.name.as_str());
                    (NoticeKind::Escalated, json!({"leader": leader}), users)
                }
                _ => continue,
            };
            let notice = NewNotice {
                kind,
                county_code: Some(row.county.clone()),
                incident_id: Some(row.id.clone()),
                incident_number: row.number.clone(),
                title: row.title.clone(),
                params,
                // The version the pass wrote, and the event: one notice per mark.
                event_key: format!(
                    "incident:{}:{}:{}:{}",
                    row.county,
                    row.id,
                    row.version + 1,
                    e.kind()
                ),
                path: row.path.clone(),
            };
            notices.push((notice, users, channels.len() - 1));
        }
    }
    let planned: Vec<Planned<'_>> = notices
        .iter()
        .map(|(notice, users, c)| Planned {
            notice,
            users: users.clone(),
            channels: &channels[*c],
        })
        .collect();
    enqueue_batch(conn, now, &planned).await
}
