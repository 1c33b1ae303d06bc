//! Enqueueing a notice of any kind for a set of recipients, inside the caller's transaction:
//! one inbox row per recipient, and the outbound deliveries the region's `notify_channels`
//! setting asks for (an SMS to each recipient with a phone, one message to each group robot).
//! Both are unique by event (a notice per recipient and event; a delivery per event, channel
//! and target), so enqueueing twice sends nothing twice, and two recipients sharing one phone
//! get one SMS.

use std::collections::BTreeSet;

use gridgov_core::notify::{DELIVERY_MAX_ATTEMPTS, NoticeKind};
use sqlx::AnyConnection;

use super::NOTIFY_DELIVER;
use crate::StoreResult;
use crate::db::numbered_params;
use crate::jobs::NewJob;
use crate::settings::layers_for_path;

/// A notice to enqueue.
#[derive(Debug, Clone)]
pub struct NewNotice {
    pub kind: NoticeKind,
    /// The incident it is about, if any.
    pub county_code: Option<String>,
    pub incident_id: Option<String>,
    pub incident_number: String,
    pub title: String,
    /// What the kind's sentence needs besides (see `gridgov_core::notify::render`).
    pub params: serde_json::Value,
    /// The event it tells of: a recipient gets one notice per key, however often it is
    /// enqueued (`incident:<county>:<id>:<version>:<kind>`).
    pub event_key: String,
    /// Where its channels are set: the incident's path.
    pub path: String,
}

/// The users it goes to, read in the transaction: disabled accounts get nothing.
async fn recipients(
    conn: &mut AnyConnection,
    users: &BTreeSet<&str>,
) -> StoreResult<Vec<(String, String)>> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, phone FROM users WHERE disabled = 0 AND id IN ({})",
        numbered_params(1, users.len())
    );
    let mut q = sqlx::query_as::<_, (String, String)>(&sql);
    for u in users {
        q = q.bind(*u);
    }
    Ok(q.fetch_all(&mut *conn).await?)
}

/// Enqueues the notice for each of `users` inside the caller's transaction and answers how
/// many inbox rows it wrote (recipients that had it already, or are disabled, are skipped).
/// The other kinds of notice (due soon, overdue, escalated, supervised) are one call of this.
pub async fn enqueue_notices(
    conn: &mut AnyConnection,
    now: i64,
    notice: &NewNotice,
    users: &[String],
) -> StoreResult<usize> {
    let wanted: BTreeSet<&str> = users.iter().map(String::as_str).collect();
    let people = recipients(conn, &wanted).await?;
    if people.is_empty() {
        return Ok(0);
    }
    // One statement for every recipient: 10 values a row.
    let rows = (0..people.len())
        .map(|i| format!("({})", numbered_params(1 + i * 10, 10)))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO notices (id, user_id, kind, county_code, incident_id, incident_number, \
         title, params, event_key, created_at) VALUES {rows} \
         ON CONFLICT (event_key, user_id) DO NOTHING RETURNING id, user_id"
    );
    let params = notice.params.to_string();
    let mut q = sqlx::query_as::<_, (String, String)>(&sql);
    for (user, _) in &people {
        q = q
            .bind(uuid::Uuid::now_v7().simple().to_string())
            .bind(user)
            .bind(notice.kind.as_str())
            .bind(notice.county_code.as_deref())
            .bind(notice.incident_id.as_deref())
            .bind(&notice.incident_number)
            .bind(&notice.title)
            .bind(&params)
            .bind(&notice.event_key)
            .bind(now);
    }
    let mut made = q.fetch_all(&mut *conn).await?;
    if made.is_empty() {
        return Ok(0);
    }
    // The oldest id first, so the group robots' message names a stable notice.
    made.sort();
    let channels = layers_for_path(conn, &notice.path).await?.notify_channels();
    let mut deliveries: Vec<(String, &str, String, i64)> = Vec::new();
    if channels.sms.is_some() {
        let at = channels.quiet().map_or(now, |q| q.release_at(now));
        for (id, user) in &made {
            let phone = people
                .iter()
                .find(|(u, _)| u == user)
                .map(|(_, p)| p.trim());
            if let Some(phone) = phone.filter(|p| !p.is_empty()) {
                deliveries.push((id.clone(), "sms", phone.to_owned(), at));
            }
        }
    }
    for r in &channels.robots {
        deliveries.push((made[0].0.clone(), r.channel.as_str(), r.name.clone(), now));
    }
    if deliveries.is_empty() {
        return Ok(made.len());
    }
    let rows = (0..deliveries.len())
        .map(|i| {
            let first = 1 + i * 8;
            format!(
                "({}, 'pending', 0, {DELIVERY_MAX_ATTEMPTS}, ${})",
                numbered_params(first, 8),
                first + 7
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO notice_deliveries (id, notice_id, channel, target, dedupe_key, path, \
         next_at, created_at, state, attempts, max_attempts, updated_at) VALUES {rows} \
         ON CONFLICT (dedupe_key) DO NOTHING"
    );
    let mut q = sqlx::query(&sql);
    for (notice_id, channel, target, at) in &deliveries {
        q = q
            .bind(uuid::Uuid::now_v7().simple().to_string())
            .bind(notice_id)
            .bind(*channel)
            .bind(target)
            .bind(format!("{}|{channel}|{target}", notice.event_key))
            .bind(&notice.path)
            .bind(*at)
            .bind(now);
    }
    q.execute(&mut *conn).await?;
    if deliveries.iter().any(|d| d.3 <= now) {
        // One sending job per second however many events enqueue: the runner picks it up at
        // its next poll. What waits (quiet hours, a backoff) is picked up by the periodic one.
        let job = NewJob::system(NOTIFY_DELIVER, serde_json::json!({}))
            .keyed(format!("{NOTIFY_DELIVER}:{}", now / 1000));
        crate::jobs::insert_job(conn, &job, now).await?;
    }
    Ok(made.len())
}

impl crate::Store {
    /// [`enqueue_notices`] in a write transaction of its own, for a caller with nothing else to
    /// write (a command, a benchmark).
    pub async fn notify(&self, notice: &NewNotice, users: &[String]) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        let n = enqueue_notices(&mut tx, self.now_ms(), notice, users).await?;
        tx.commit().await?;
        Ok(n)
    }
}
