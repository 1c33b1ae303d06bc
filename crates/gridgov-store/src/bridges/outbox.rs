//! The status pushes an incident action writes, in the action's own transaction: for an
//! incident that came from a bridge (its source says so; anything else costs no query), the
//! statuses core maps from the event (`gridgov_core::bridges::status_of`), one push per
//! incident version and status, with the body fixed as it was then.

use gridgov_core::bridges::{PUSH_MAX_ATTEMPTS, status_of};
use gridgov_core::incidents::{IncidentEvent, IncidentState, Source};
use serde_json::json;
use sqlx::AnyConnection;

use super::BRIDGE_PUSH;
use crate::StoreResult;
use crate::incidents::{IncidentView, TaskView};
use crate::jobs::NewJob;

/// Writes the push of one incident event, if its bridge is told of it.
pub(crate) async fn push_for_event(
    conn: &mut AnyConnection,
    now: i64,
    incident: &IncidentView,
    tasks: &[TaskView],
    event: &IncidentEvent,
) -> StoreResult<()> {
    let from_bridge = [Source::Hotline12345, Source::Police110]
        .iter()
        .any(|s| s.as_str() == incident.source);
    if !from_bridge {
        return Ok(());
    }
    let Ok(after) = IncidentState::parse("state", &incident.state) else {
        return Ok(());
    };
    let Some((status, text)) = status_of(event, after) else {
        return Ok(());
    };
    let order: Option<(String, String, String, String)> = sqlx::query_as(
        "SELECT o.bridge_id, o.external_no, b.path, b.push_url FROM bridge_orders o \
         JOIN bridges b ON b.id = o.bridge_id \
         WHERE o.county_code = $1 AND o.incident_id = $2",
    )
    .bind(&incident.county_code)
    .bind(&incident.id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((bridge_id, external_no, path, url)) = order else {
        return Ok(());
    };
    if url.trim().is_empty() {
        return Ok(());
    }
    // Closing says how it was settled: the note of the approval, or else the handled tasks'
    // results.
    let text = match (text, event) {
        (None, IncidentEvent::Approved { .. }) => {
            let results: Vec<&str> = tasks
                .iter()
                .filter_map(|t| t.result.as_deref())
                .filter(|r| !r.trim().is_empty())
                .collect();
            (!results.is_empty()).then(|| results.join("；"))
        }
        (text, _) => text,
    };
    let body = json!({
        "bridge": bridge_id,
        "order_no": external_no,
        "incident_number": incident.number,
        "status": status.as_str(),
        "status_zh": status.label_zh(),
        "text": text,
        "at": now,
        "version": incident.version,
    });
    sqlx::query(
        "INSERT INTO bridge_pushes (id, bridge_id, external_no, county_code, incident_id, \
         status, body, dedupe_key, path, state, next_at, attempts, max_attempts, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, 0, $11, $10, \
         $10) ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(uuid::Uuid::now_v7().simple().to_string())
    .bind(&bridge_id)
    .bind(&external_no)
    .bind(&incident.county_code)
    .bind(&incident.id)
    .bind(status.as_str())
    .bind(body.to_string())
    .bind(format!(
        "{}:{}:{}:{}",
        incident.county_code,
        incident.id,
        incident.version,
        status.as_str()
    ))
    .bind(&path)
    .bind(now)
    .bind(PUSH_MAX_ATTEMPTS)
    .execute(&mut *conn)
    .await?;
    // One sending job per second however many actions push: the runner takes it at its next
    // poll; what waits for a backoff is taken by the periodic one.
    let job = NewJob::system(BRIDGE_PUSH, json!({})).keyed(format!("{BRIDGE_PUSH}:{}", now / 1000));
    crate::jobs::insert_job(conn, &job, now).await?;
    Ok(())
}
